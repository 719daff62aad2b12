"""``macrotrace.Preprocessor`` is pcpp's ``Preprocessor`` with gcc's results.

Every case of tests/cases (the C standard's own examples, argument collection, ``#``,
``##``, ``__VA_ARGS__``/``__VA_OPT__``, ``#if`` evaluation, ``#line``, lexing...)
runs through ``pcpp.Preprocessor`` and ``macrotrace.Preprocessor`` the way a pcpp
program drives them (``add_path``, ``define``/``undef`` for the case's flags,
``parse``, ``write``), and through ``gcc -E -P`` (the oracle).  Ours must equal gcc
token for token and in spacing; where pcpp differs from gcc, ``PCPP_DIFFERS`` names the
case and the first difference, and the test checks pcpp really differs there (so the
record stays true).  pcpp's own ``tests/`` directory is not on PyPI (the 1.30 sdist
carries only the package) and CI cannot reach GitHub, so these inputs stand in for it.
"""

import glob
import io
import os
import shutil
import subprocess

import pcpp
import pytest

import macrotrace
from difftest import first_difference, first_spacing_difference, tokens

GCC = shutil.which("gcc")
needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is the oracle")
CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
# c2x_chars.c needs -std=gnu2x (pcpp's interface has no -std); cc_gcc.c needs --cc
NAMES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CASES, "*.c"))
               if os.path.basename(p) not in ("c2x_chars.c", "cc_gcc.c"))

# Where pcpp 1.30's output is not gcc's (ours is gcc's in every case).
PCPP_DIFFERS = {
    "args.c": "pcpp pastes < | | > into < || > when printing adjacent tokens",
    "conditionals.c": "pcpp takes a wrong #elif branch",
    "counter.c": "pcpp pre-expands arguments in another order: other __COUNTER__ values",
    "directives_in_args.c": "pcpp cannot read a macro's arguments across a directive",
    "has_feature.c": "pcpp has no __has_attribute, __has_builtin, __has_include",
    "if_arithmetic.c": "pcpp's #if has no 0b literals, ll/LLU suffixes, multi-char or u/U/L "
                       "character constants, nor gcc's shifts by negative counts",
    "if_defined.c": "pcpp does not evaluate a defined() that a macro expanded to",
    "includes.c": "pcpp has no __INCLUDE_LEVEL__",
    "lexing.c": "pcpp's lexer has no u8 string prefix",
    "line.c": "pcpp counts lines after a #line differently",
    "paste.c": "pcpp's # ## # gives two # tokens, not ##",
    "pragma.c": "pcpp leaves _Pragma(...) unexecuted",
    "pragma_operator_args.c": "pcpp leaves _Pragma(...) in macro arguments unexecuted",
    "rescan.c": "pcpp recurses without end (RecursionError) on a rescan gcc finishes",
    "spacing.c": "pcpp drops the space between tokens that would paste (x 1 prints as x1)",
    "splice.c": "pcpp does not splice a backslash-newline inside a directive name",
    "std_examples.c": "pcpp doubles the backslash of @\\n in str(: @\\n) (only literals are escaped)",
    "stringify.c": "pcpp escapes backslashes outside literals when stringifying",
    "variadic.c": "pcpp has no __VA_OPT__, and p(a,) loses its comma",
}


def case(name):
    """(the case's text, its flags: // flags: on the first line)."""
    with open(os.path.join(CASES, name), encoding="utf-8") as fh:
        text = fh.read()
    first = text.split("\n", 1)[0]
    return text, first.split(":", 1)[1].split() if first.startswith("// flags:") else []


def gcc_output(name, flags):
    proc = subprocess.run([GCC, "-E", "-P", "-undef", "-std=gnu11", "-nostdinc"] + flags + [name],
                          capture_output=True, text=True, cwd=CASES)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def drive(p, name, flags):
    """What a pcpp program does: paths, -D/-U, parse a file object, write."""
    p.add_path(".")
    for flag in flags:
        if flag.startswith("-I"):
            p.add_path(flag[2:])
        elif flag.startswith("-D"):
            macro, _, value = flag[2:].partition("=")
            p.define("%s %s" % (macro, value or "1"))
        elif flag.startswith("-U"):
            p.undef(flag[2:])
    with open(name, encoding="utf-8") as fh:
        p.parse(fh)
    out = io.StringIO()
    p.write(out)
    return out.getvalue()


def ours(name, flags=()):
    p = macrotrace.Preprocessor()
    text = drive(p, name, flags)
    return text, p.return_code


def theirs(name, flags=()):
    p = pcpp.Preprocessor()
    p.line_directive = None
    try:
        return drive(p, name, flags)
    except RecursionError:
        return None


@needs_gcc
@pytest.mark.parametrize("name", NAMES)
def test_ours_is_gcc(monkeypatch, name):
    monkeypatch.chdir(CASES)
    flags = case(name)[1]
    expected = gcc_output(name, flags)
    got, status = ours(name, flags)
    assert status == 0
    assert first_difference(got, expected) is None, name
    assert first_spacing_difference(got, expected) is None, name


@needs_gcc
def test_pcpp_differs_from_gcc_exactly_where_recorded(monkeypatch):
    monkeypatch.chdir(CASES)
    differs = set()
    for name in NAMES:
        flags = case(name)[1]
        got = theirs(name, flags)
        if got is None or tokens(got) != tokens(gcc_output(name, flags)):
            differs.add(name)
    assert differs == set(PCPP_DIFFERS)


# -- the interface a pcpp program uses ----------------------------------------------

def all_tokens(p):
    out = []
    while True:
        tok = p.token()
        if tok is None:
            return out
        out.append(tok)


def test_parse_and_token_like_pcpp():
    p = macrotrace.Preprocessor()
    p.parse("#define A 1\nA + f(A)\n")
    toks = [(t.type, t.value) for t in all_tokens(p) if t.type != "CPP_WS"]
    assert toks == [("CPP_INTEGER", "1"), ("CPP_PLUS", "+"), ("CPP_ID", "f"),
                    ("CPP_LPAREN", "("), ("CPP_INTEGER", "1"), ("CPP_RPAREN", ")")]
    assert p.return_code == 0


def test_token_values_are_the_written_text(monkeypatch):
    monkeypatch.chdir(CASES)
    text = case("std_examples.c")[0]
    p = macrotrace.Preprocessor()
    p.parse(text, source="std_examples.c")
    joined = "".join(t.value for t in all_tokens(p))
    assert joined == ours("std_examples.c")[0]
    p = macrotrace.Preprocessor()
    p.parse(text, source="std_examples.c", ignore={"CPP_WS"})
    assert all(t.type != "CPP_WS" for t in all_tokens(p))


def test_define_undef_add_path_and_a_file_object(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "h.h").write_text("#define FROM_HEADER VALUE\n")
    (tmp_path / "main.c").write_text("#include <h.h>\nFROM_HEADER GONE __FILE__\n")
    p = macrotrace.Preprocessor()
    p.add_path("inc")
    p.define("VALUE 42")
    p.define("GONE 1")
    p.undef("GONE")
    with open(tmp_path / "main.c") as fh:
        p.parse(fh)
    out = io.StringIO()
    p.write(out)
    assert out.getvalue().split() == ["42", "GONE", '"%s"' % (tmp_path / "main.c")]
    assert "FROM_HEADER" in p.macros and "GONE" not in p.macros
    assert p.macros["VALUE"].spelling == "42"


class Recording(macrotrace.Preprocessor):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_error(self, file, line, msg):
        self.calls.append(("error", file, line, msg))
        super().on_error(file, line, msg)


def test_an_error_is_reported_through_on_error_and_return_code(capsys):
    p = Recording()
    p.parse("ok\n#include <missing.h>\nnot reached\n", source="m.c")
    text = "".join(t.value for t in all_tokens(p))
    assert text.split() == ["ok"]
    # gcc's words when no -I was given (add_path)
    assert p.calls == [("error", "m.c", 2, "no include path in which to search for missing.h")]
    assert p.return_code == 1
    assert "m.c:2 error: no include path in which to search for missing.h" in capsys.readouterr().err


def test_hooks_where_gcc_leaves_room(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real.h").write_text("found\n")

    class Hooked(macrotrace.Preprocessor):
        opened = []
        guard_names = []

        def on_include_not_found(self, is_malformed, is_system_include, curdir, includepath):
            return "real.h" if includepath == "virtual.h" else None

        def on_unknown_macro_in_defined_expr(self, tok):
            return tok.value == "ASSUMED"

        def on_unknown_macro_in_expr(self, ident):
            return 5 if ident == "FIVE" else None

        def on_directive_unknown(self, directive, toks, ifpassthru, precedingtoks):
            return None if directive.value == "keep" else True

        def on_directive_handle(self, directive, toks, ifpassthru, precedingtoks):
            if directive.value == "define" and toks[0].value == "PASSED":
                raise pcpp.OutputDirective(pcpp.Action.IgnoreAndPassThrough)
            return True

        def on_file_open(self, is_system_include, includepath):
            self.opened.append(includepath)
            return open(includepath)

        def on_potential_include_guard(self, macro):
            self.guard_names.append(macro)

    (tmp_path / "guarded.h").write_text("#ifndef G_H\n#define G_H\nguarded\n#endif\n")
    p = Hooked()
    p.parse('#include <virtual.h>\n#include "guarded.h"\n#if defined ASSUMED && !defined(OTHER)\nyes\n#endif\n'
            "#if FIVE == 5 && ZERO == 0\nfive\n#endif\n#keep this\n#drop this\n"
            "#define PASSED 1\nPASSED\n", source="h.c")
    out = io.StringIO()
    p.write(out)
    assert [line.strip() for line in out.getvalue().splitlines() if line.strip()] == \
        ["found", "guarded", "yes", "five", "#keep this", "#define PASSED 1", "PASSED"]
    assert p.return_code == 0
    assert Hooked.opened == ["real.h", "guarded.h"] and Hooked.guard_names == ["G_H"]


def test_unknown_directive_is_gccs_error_by_default():
    p = Recording()
    p.parse("#frobnicate\n", source="u.c")
    all_tokens(p)
    assert p.calls == [("error", "u.c", 1, "invalid preprocessing directive #frobnicate")]
