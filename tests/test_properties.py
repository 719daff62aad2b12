"""Random small macro programs, compared with gcc token for token (hypothesis).

The generator builds programs gcc accepts: object- and function-like macros whose
bodies mix parameters, other macros (so self and mutual reference happen), ``#``,
``##``, ``__VA_ARGS__``, ``__VA_OPT__``, ``__COUNTER__`` and ``__LINE__``; then lines
that invoke them with the right number of (sometimes empty, sometimes nested)
arguments.  A program gcc rejects (an invalid paste, say) is discarded, not failed.
"""

import os
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from difftest import GCC, first_difference, first_spacing_difference, gcc_expand, ours_expand

pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")

NAMES = ["A", "B", "C", "F", "G", "H", "K"]
PLAIN = ["x", "y", "1", "2", "+", "-", "*", ",", "(", ")", "[", "]", "__COUNTER__", "__LINE__", ";"]
PASTABLE = ["x", "y", "z1", "2", "_", "A", "F"]


@st.composite
def macro_def(draw, name):
    fun_like = draw(st.booleans())
    params, variadic = [], False
    if fun_like:
        params = draw(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True))
        variadic = draw(st.integers(0, 3)) == 0
    usable = params + (["__VA_ARGS__"] if variadic else [])
    body = []
    for _ in range(draw(st.integers(0, 7))):
        choice = draw(st.integers(0, 9))
        if choice <= 2 and usable:
            body.append(draw(st.sampled_from(usable)))
        elif choice == 3 and usable:
            body.append("#" + draw(st.sampled_from(usable)))
        elif choice == 4:
            left = draw(st.sampled_from(usable + PASTABLE)) if usable else draw(st.sampled_from(PASTABLE))
            right = draw(st.sampled_from(usable + PASTABLE)) if usable else draw(st.sampled_from(PASTABLE))
            body.append("%s ## %s" % (left, right))
        elif choice == 5 and variadic:
            inner = draw(st.sampled_from(["x", ",", "__VA_ARGS__", "( y )", "a" if "a" in params else "y"]))
            body.append("__VA_OPT__(%s)" % inner)
        elif choice <= 7:
            body.append(draw(st.sampled_from(NAMES)))
        else:
            body.append(draw(st.sampled_from(PLAIN)))
    # keep parentheses in the body balanced so invocations stay well formed
    depth = 0
    fixed = []
    for tok in body:
        if tok == "(":
            depth += 1
        elif tok == ")":
            if depth == 0:
                continue
            depth -= 1
        fixed.append(tok)
    fixed += [")"] * depth
    if variadic:
        params = params + ["..."]
    head = "%s(%s)" % (name, ", ".join(params)) if fun_like else name
    return head, fun_like, len(params), variadic, " ".join(fixed)


@st.composite
def argument(draw, defs, depth):
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        c = draw(st.integers(0, 5))
        if c == 0 and depth < 2:
            parts.append(draw(invocation(defs, depth + 1)))
        elif c == 1:
            parts.append("(%s)" % draw(st.sampled_from(["x", "1,2", "", "A"])))
        else:
            parts.append(draw(st.sampled_from(["x", "y", "1", "+", "A", "B", "F", "G", "__COUNTER__", "-"])))
    return " ".join(parts)


@st.composite
def invocation(draw, defs, depth=0):
    name = draw(st.sampled_from(sorted(defs)))
    fun_like, nparams, variadic = defs[name]
    if not fun_like:
        return name
    count = nparams
    if variadic:
        count = nparams - 1 + draw(st.integers(0, 2))
        if count == 0 and nparams == 1 and draw(st.booleans()):
            return "%s()" % name
    args = [draw(argument(defs, depth)) for _ in range(max(count, 0))]
    if nparams == 0:
        return "%s()" % name
    return "%s(%s)" % (name, ", ".join(args))


@st.composite
def program(draw):
    defs = {}
    lines = []
    for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True)):
        head, fun_like, nparams, variadic, body = draw(macro_def(name))
        defs[name] = (fun_like, nparams, variadic)
        lines.append("#define %s %s" % (head, body))
    for _ in range(draw(st.integers(1, 4))):
        parts = [draw(invocation(defs)) for _ in range(draw(st.integers(1, 3)))]
        sep = draw(st.sampled_from([" ", "\n", " x "]))
        lines.append(sep.join(parts))
    return "\n".join(lines) + "\n"


COUNT = {"examples": 0}


def accepted_by_gcc(directory, src):
    """Write the program; (its path, gcc's output), or discard the example if gcc errs."""
    path = os.path.join(directory, "prog.c")
    with open(path, "w") as fh:
        fh.write(src)
    rc, expected, err = gcc_expand(path)
    assume(rc == 0 and "error" not in err)
    return path, expected


@settings(max_examples=int(os.environ.get("MACROTRACE_HYPOTHESIS_EXAMPLES", "250")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(program())
def test_random_macro_programs_match_gcc(src):
    with tempfile.TemporaryDirectory() as d:
        path, expected = accepted_by_gcc(d, src)
        status, ours, our_err = ours_expand(path)
        assert status == 0, "gcc accepted this program but macrotrace said: %s\n%s" % (our_err, src)
        diff = first_difference(ours, expected) or first_spacing_difference(ours, expected)
        assert diff is None, "%s\nprogram:\n%s" % (diff, src)
        COUNT["examples"] += 1


TRACED = {"examples": 0, "steps": 0}


@settings(max_examples=int(os.environ.get("MACROTRACE_HYPOTHESIS_EXAMPLES", "250")) // 2,
          deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(program())
def test_random_macro_programs_trace_consistently(src):
    """Trace every macro of a random program gcc accepts.  At each step the recorder
    checks the film's tokens against the context stack (MACROTRACE_CHECK_FILM, set in
    conftest.py); here: each step replaces exactly what it says, in the text it says,
    and the film starts at the source and ends at the result."""
    from macrotrace.config import RunConfig
    from macrotrace.tracing import run_trace
    with tempfile.TemporaryDirectory() as d:
        path, _ = accepted_by_gcc(d, src)
        names = sorted(set(line.split()[1].split("(")[0] for line in src.splitlines()
                           if line.startswith("#define")))
        trace, _ = run_trace(RunConfig(source=path, macro=",".join(names), bundled_headers=False,
                                       cache=False))
    for inv in trace.invocations:
        steps = inv.steps
        assert steps[0].text == inv.source
        assert steps[-1].text == inv.result
        for prev, s in zip(steps, steps[1:]):
            a, b = s.before_span
            assert prev.text[a:b] == s.replaced, (s.macro, prev.text, s.before_span, s.replaced, src)
            a, b = s.after_span
            assert s.text[a:b] == s.inserted, (s.macro, s.text, s.after_span, s.inserted, src)
            TRACED["steps"] += 1
    TRACED["examples"] += 1
