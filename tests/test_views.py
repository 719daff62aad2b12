"""Views (hiding, focus, depth, breakpoints): what is shown changes, the trace does not.

For every view, the visible steps must form a valid film: each frame's "before" is the
previous frame's "after", the whole film starts at the invocation as written and ends on
the result, which is gcc's text; and every step is either shown or folded, once.
"""

import itertools
import re
import json
import os

import pytest

from difftest import GCC, gcc_expand, run_macrotrace, tokens

from macrotrace.resources import headers_dir
from macrotrace.trace.model import Trace
from macrotrace.trace.views import ALL_STEPS, ViewOptions, view

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
COMBOS = list(itertools.product((False, True), repeat=3))
IDS = ["%s%s%s" % ("lto" if a else "-", "+prel32" if b else "", "+module" if c else "") for a, b, c in COMBOS]

VIEWS = [
    ViewOptions(),
    ALL_STEPS,
    ViewOptions(policy="none"),
    ViewOptions(hide=("__initcall*", "__PASTE")),
    ViewOptions(show=("__PASTE",)),
    ViewOptions(hide_files=("*/init.h",)),
    ViewOptions(depth=1), ViewOptions(depth=2), ViewOptions(depth=4), ViewOptions(depth=7),
    ViewOptions(focus=("__initcall_id",)), ViewOptions(focus=("__initcall_id",), all_steps=True),
    ViewOptions(focus=("__PASTE",)), ViewOptions(focus=("____define_initcall", "__ADDRESSABLE")),
    ViewOptions(breaks=("__initcall_stub",)), ViewOptions(breaks=("__COUNTER__",), all_steps=True),
    ViewOptions(focus=("__initcall_id",), depth=9),
]


def switches(lto, prel32, module):
    return [f for f, on in (("--lto", lto), ("--prel32", prel32), ("--module", module)) if on]


def gcc_flags(lto, prel32, module):
    return ["-D" + m for m, on in (("CONFIG_LTO_CLANG", lto), ("CONFIG_HAVE_ARCH_PREL32_RELOCATIONS", prel32),
                                  ("MODULE", module)) if on] + [
        '-DKBUILD_MODNAME="hello"', "-D__KBUILD_MODNAME=kmod_hello", '-DKBUILD_MODFILE="hello"',
        "-I", headers_dir()]


def trace_json(args, cwd=None):
    k = args.index("--") if "--" in args else len(args)
    status, out, err = run_macrotrace(args[:k] + ["--format", "json"] + args[k:], cwd=cwd)
    assert status == 0, err
    return json.loads(out)


def assert_valid_films(trace, options):
    """The frames of every film chain; whole films run from the source to the result;
    every step between a film's start and end is shown or folded exactly once."""
    for v in view(trace, options):
        inv = v.invocation
        for film in v.films:
            text = film.source
            covered = []
            for frame in film.frames:
                assert frame.before == text, (options, frame)
                text = frame.after
                covered += frame.folded + ([frame.step] if frame.step is not None else [])
                if frame.step is not None:
                    assert v.shown[frame.step], (options, frame.step)
                    if film.focus is None:
                        assert frame.after == inv.steps[frame.step].text
                assert all(not v.shown[k] for k in frame.folded), (options, frame)
            assert covered == sorted(set(covered)), options
            if film.focus is None:
                assert film.end == inv.result, options
                first = covered[0] if covered else len(inv.steps)
                assert covered == list(range(first, len(inv.steps))), options
                if not film.skipped:
                    assert film.source == inv.steps[0].text and first == 1
                else:
                    assert film.skipped == first - 1
            else:
                # a focused film ends on what that expansion became, inside the result
                assert film.end and film.end in " ".join(inv.result.split()) or \
                    _contains(tokens(inv.result), tokens(film.end)), (options, film.end)


def _contains(haystack, needle):
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
@pytest.mark.parametrize("combo", COMBOS, ids=IDS)
def test_every_view_is_a_valid_film_on_the_bundled_headers(combo):
    data = trace_json(["module_init", HELLO] + switches(*combo))
    trace = Trace.from_dict(data)
    (inv,) = trace.invocations
    rc, expected, err = gcc_expand(HELLO, gcc_flags(*combo))
    assert rc == 0, err
    assert _contains(tokens(expected), tokens(inv.result))     # the end of every film is gcc's text
    for options in VIEWS:
        assert_valid_films(trace, options)
    # JSON keeps every step, the hidden ones marked
    steps = data["invocations"][0]["steps"]
    assert len(steps) == len(inv.steps) and any(s["hidden"] for s in steps)
    default = view(trace, ViewOptions())[0]
    assert [s["hidden"] for s in steps] == [not v for v in default.shown]
    assert data["policy"]["name"] == "kernel"


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_default_view_tells_the_story_in_150_lines():
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--prel32", "--color", "never"])
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) <= 150, len(lines)
    status, every, _ = run_macrotrace(["module_init", HELLO, "--lto", "--prel32", "--color", "never",
                                       "--all-steps"])
    assert len(every.splitlines()) > len(lines)
    data = trace_json(["module_init", HELLO, "--lto", "--prel32"])
    inv = data["invocations"][0]
    hidden = sum(s["hidden"] for s in inv["steps"])
    assert "%d of %d steps hidden" % (hidden, len(inv["steps"]) - 1) in out and "--all-steps" in out
    # the story stays visible, the plumbing is folded and says so
    for m in ("module_init(x)", "__initcall(fn)", "device_initcall(fn)", "__initcall_id(fn)",
              "__COUNTER__  → 4", "__LINE__  → 20", "__KBUILD_MODNAME", "____define_initcall("):
        assert m in out, m
    assert "+ 12 hidden: __PASTE ×6, ___PASTE ×6" in out
    assert "___PASTE(a, b)" not in out and "___PASTE(a, b)" in every
    # the spine heads the invocation
    assert "module_init → __initcall → device_initcall → __define_initcall" in " ".join(out.split())
    # the result is printed whole, as gcc spells it (tabs inside the asm strings kept)
    flat = "".join(l[5:] if l.startswith("     ") else l for l in lines)
    assert '"\\", \\"a\\"\t\t\\n"' in out
    assert "__initcall__kmod_hello__4_20_hello_init6" in flat


def test_a_string_literal_is_never_wrapped_or_respaced():
    from macrotrace.render.wrap import lines_of
    text = 'asm(".section \\"a\\"\t\t\\n" "x y z w" ".long\t" ) f(1, 2, 3)'
    for width in (5, 12, 30):
        lines = [text[a:b] for a, b in lines_of(text, width)]
        assert " ".join(lines) == text
        for literal in ('".section \\"a\\"\t\t\\n"', '"x y z w"', '".long\t"'):
            assert any(literal in line for line in lines), (width, lines)


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_focus_on_initcall_id_is_the_film_of_the_id():
    data = trace_json(["module_init", HELLO, "--lto", "--all-steps"])
    trace = Trace.from_dict(data)
    (v,) = view(trace, ViewOptions(focus=("__initcall_id",), all_steps=True))
    (film,) = v.films
    steps = v.invocation.steps
    macros = {steps[f.step].macro for f in film.frames}
    assert macros == {"__initcall_id", "__PASTE", "___PASTE", "__KBUILD_MODNAME", "__COUNTER__", "__LINE__"}
    assert film.source == "__initcall_id(hello_init)" and film.end == "kmod_hello__4_20_hello_init"
    # with the default policy the pasting is folded, the film ends the same
    (v,) = view(trace, ViewOptions(focus=("__initcall_id",)))
    assert {steps[f.step].macro for f in v.films[0].frames if f.step} == {
        "__initcall_id", "__KBUILD_MODNAME", "__COUNTER__", "__LINE__"}
    assert v.films[0].end == "kmod_hello__4_20_hello_init"
    # and on the command line
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--focus", "__initcall_id",
                                       "--show", "__PASTE", "--color", "never"])
    assert status == 0, err
    assert "focus: __initcall_id at step 6" in out and "becomes: kmod_hello__4_20_hello_init" in out
    assert "__PASTE(a, b)" in out and "module_init(x)" not in out and "____define_initcall(" not in out


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_depth_one_expands_one_level():
    status, out, err = run_macrotrace(["module_init", HELLO, "--depth", "1", "--color", "never"])
    assert status == 0, err
    assert "module_init(x)" in out and "__initcall(fn)" not in out
    assert "hidden: __initcall, device_initcall" in " ".join(out.split())


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_break_starts_at_the_first_step_of_the_macro_with_its_backtrace():
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--prel32", "--break", "__initcall_stub",
                                       "--color", "never"])
    assert status == 0, err
    body = out.split("steps before the breakpoint not shown", 1)
    assert len(body) == 2 and "module_init(x)" not in body[1] and "__initcall_stub(fn, __iid, id)" in body[1]
    assert "break at __initcall_stub: in expansion of module_init → __initcall → device_initcall" in \
        " ".join(out.split())


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_backtrace_and_spine_in_json_name_tree_nodes():
    data = trace_json(["module_init", HELLO, "--lto"])
    inv = data["invocations"][0]
    names = {}

    def walk(n):
        names[n["id"]] = n["macro"]
        for c in n["children"]:
            walk(c)
    walk(inv["tree"])
    assert [names[i] for i in inv["spine"][:4]] == ["module_init", "__initcall", "device_initcall",
                                                     "__define_initcall"]
    step = next(s for s in inv["steps"] if s.get("macro") == "__COUNTER__")
    assert [names[i] for i in step["backtrace"]][:6] == ["module_init", "__initcall", "device_initcall",
                                                         "__define_initcall", "___define_initcall",
                                                         "__unique_initcall"]
    assert names[step["backtrace"][-1]] == "__PASTE"
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--backtrace", "--color", "never"])
    assert "in expansion of module_init → __initcall" in out


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_brief_is_one_line_per_visible_step():
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--prel32", "--brief", "--color", "never"])
    assert status == 0, err
    data = trace_json(["module_init", HELLO, "--lto", "--prel32"])
    shown = [s for s in data["invocations"][0]["steps"][1:] if not s["hidden"]]
    step_lines = [l for l in out.splitlines() if re.match(r" {0,2}\d+  \S", l)]
    assert len(step_lines) == len(shown)
    assert any(l.startswith("  6  __initcall_id(hello_init) [init.h:66] → __PASTE(") for l in step_lines)
    assert all(len(l) <= 100 for l in out.splitlines() if not l.startswith("     "))


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_hide_file_and_show_override():
    status, out, err = run_macrotrace(["module_init", HELLO, "--hide-file", "*/init.h", "--show",
                                       "device_initcall", "--color", "never"])
    assert status == 0, err
    assert "device_initcall(fn)" in out and "__define_initcall(fn, id)" not in out


def test_policy_list_names_the_rules():
    status, out, err = run_macrotrace(["policy", "--list"])
    assert status == 0, err
    assert out.startswith("kernel:")
    for name in ("__PASTE", "___PASTE", "__stringify*", "__UNIQUE_ID", "*/compiler_attributes.h",
                 "notrace", "inline", "__COUNTER__", "__LINE__", "__KBUILD_MODNAME"):
        assert name in out, name
    assert "none:" in out


def test_schema_2_snapshots_still_load(tmp_path):
    from macrotrace.snapshots import dumps, loads
    data = trace_json(["TWICE", str(_twice(tmp_path)), "--no-bundled-headers"])
    data.pop("digest")
    data["schema"] = 2
    data.pop("policy")
    for inv in data["invocations"]:
        inv.pop("spine")
        for s in inv["steps"]:
            s.pop("hidden")
            s.pop("backtrace")
    old = Trace.from_dict(data)
    path = tmp_path / "old.json"
    path.write_text(dumps(old))
    again = loads(path.read_text(), str(path))
    assert again.invocations[0].result == old.invocations[0].result
    assert_valid_films(again, ViewOptions())


def _twice(tmp_path):
    p = tmp_path / "twice.c"
    p.write_text("#define ONE 1\n#define TWICE(x) ((x) + (x))\nint a = TWICE(ONE);\n")
    return p


def test_broken_pipe_ends_quietly(tmp_path):
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run("%s -m macrotrace module_init %s --all-steps | head -1" % (sys.executable, HELLO),
                          shell=True, capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert proc.stdout.startswith("module_init in")
    assert "Broken pipe" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    proc = subprocess.run("set -o pipefail; %s -m macrotrace module_init %s --all-steps | head -1 >/dev/null"
                          % (sys.executable, HELLO), shell=True, executable="/bin/bash",
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr


def test_width_comes_from_columns(tmp_path):
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=ROOT, COLUMNS="60")
    proc = subprocess.run([sys.executable, "-m", "macrotrace", "module_init", HELLO, "--color", "never"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(l) for l in lines if '"' not in l) <= 60 and max(len(l) for l in lines) > 0


# -- real kernel macros on Debian's headers (the Kbuild build of tests/test_kernel.py) --

import shutil as _shutil  # noqa: E402

from test_kernel import TREE, built, kbuild_command  # noqa: E402,F401  (built: a fixture)

KERNEL_MACROS = {"hello": ["pr_info", "module_init"],
                 "second": ["module_param", "EXPORT_SYMBOL_GPL", "container_of", "pr_info"]}
KERNEL_VIEWS = VIEWS[:10] + [ViewOptions(focus=("__stringify",)), ViewOptions(focus=("printk",)),
                             ViewOptions(breaks=("__ADDRESSABLE",)), ViewOptions(hide_files=("*/compiler*.h",))]


@pytest.mark.kernel
@pytest.mark.skipif(TREE is None, reason="no kernel headers: apt-get install linux-headers-amd64")
@pytest.mark.skipif(_shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("name", sorted(KERNEL_MACROS))
def test_every_view_is_a_valid_film_on_real_kernel_macros(built, name):  # noqa: F811
    from test_kernel import gcc_preprocess
    argv, cwd = kbuild_command(built, name)
    expected = tokens(gcc_preprocess(argv, cwd))
    src = os.path.join(built, name + ".c")
    for macro in KERNEL_MACROS[name]:
        data = trace_json([macro, src, "--"] + argv, cwd=cwd)
        trace = Trace.from_dict(data)
        assert trace.invocations, macro
        for inv in trace.invocations:
            assert _contains(expected, tokens(inv.result)), (macro, inv.line)
        for options in KERNEL_VIEWS:
            assert_valid_films(trace, options)
        if macro == "pr_info":      # the focused films exist, not only vacuously valid
            films = [f for v in view(trace, ViewOptions(focus=("printk",))) for f in v.films]
            assert films and all(f.frames for f in films)
        assert all(len(i["steps"]) == len(t.steps) for i, t in zip(data["invocations"], trace.invocations))


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_a_macro_reached_only_through_another_is_traced_inside_it():
    status, out, err = run_macrotrace(["__define_initcall", HELLO, "--color", "never"])
    assert status == 0, err
    assert "__define_initcall reached through module_init at line 20" in out
    assert "focus: __define_initcall at step 4" in out and "module_init(x)" not in out
    data = trace_json(["__define_initcall", HELLO])
    (inv,) = data["invocations"]
    assert inv["source"] == "module_init(hello_init)" and data["policy"]["focus"] == ["__define_initcall"]
    trace = Trace.from_dict(data)
    (film,) = view(trace, ViewOptions(focus=("__define_initcall",)))[0].films
    assert film.source == "__define_initcall(hello_init, 6)"
    assert film.end.startswith("static initcall_t __initcall__kmod_hello__4_20_hello_init6")
    status, out, err = run_macrotrace(["__no_such_macro", HELLO])
    assert status == 2 and "never invoked" in err


def _in_a_terminal(args, tmp_path, env_extra):
    """Run macrotrace with stdout on a pseudo-terminal of 24 rows; (exit status, what it got)."""
    import terminal
    env = dict(os.environ, PYTHONPATH=ROOT, **env_extra)
    env.pop("COLUMNS", None)
    return terminal.run_on_terminal(args, "stdout", env, cwd=str(tmp_path))


def test_long_output_to_a_terminal_goes_through_the_pager(tmp_path):
    paged = tmp_path / "paged.txt"
    pager = "sh -c 'cat > %s'" % paged
    status, seen = _in_a_terminal(["module_init", HELLO, "--color", "never"], tmp_path, {"PAGER": pager})
    assert status == 0
    assert paged.read_text().startswith("module_init in") and "result:" in paged.read_text()
    assert "result:" not in seen            # the pager had it, not the terminal
    paged.unlink()
    status, seen = _in_a_terminal(["module_init", HELLO, "--color", "never", "--no-pager"], tmp_path,
                                  {"PAGER": pager})
    assert status == 0 and not paged.exists() and "result:" in seen


def test_focus_or_break_on_a_macro_never_expanded_is_an_error():
    for flag in ("--focus", "--break"):
        status, out, err = run_macrotrace(["module_init", HELLO, flag, "no_such_macro"])
        assert status == 2 and not out
        assert err.strip().endswith("hello.c:20: error: %s no_such_macro: never expanded by module_init here"
                                    % flag), err
    status, out, err = run_macrotrace(["module_init", HELLO, "--depth", "0"])
    assert status == 2 and "--depth" in err
