"""Groups that #if skips are scanned, not lexed (engine/condscan.py, engine/source.py):
whatever can hide a # at the start of a line, or make one, must be read as gcc reads
it.  Each case is checked against gcc -E (output, warnings, errors)."""

import re

import pytest

from difftest import GCC, gcc_expand, ours_expand
from test_gcc_compat import both_refuse, same_as_gcc

from macrotrace.engine.lang import DEFAULT
from macrotrace.engine.source import Source

pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")


# each: (what it is, source, flags); the text after each group says which branch was taken
HIDING = [
    ("a block comment from the #if line hides #else and #endif",
     "#if 0 /* from here\n#else\n#endif\n*/\nno\n#else\nyes\n#endif\nafter\n", ()),
    ("a block comment inside the group hides #endif", "#if 0\nx /* start\n#endif\n  still */ y\n#endif\nafter\n", ()),
    ("a comment before # on its line: still a directive", "#if 0\nno\n/* c */ #else\nyes\n#endif\n", ()),
    ("a comment of several lines before #: still a directive",
     "#if 0\nno\n/* a\n b */  /* c */ #else\nyes\n#endif\n", ()),
    ("a token before a comment of several lines: no directive",
     "#if 0\nx /* a\n*/ #else\nno\n#else\nyes\n#endif\n", ()),
    ("comments between # and the name", "#if 0\nno\n# /* c */ else\nyes\n#endif\n#if 0\n#/*\n*/endif\n", ()),
    ("a splice joins # to the line before: no directive", "#if 0\nfoo \\\n#else\nno\n#else\nyes\n#endif\n", ()),
    ("a splice before # at a line's start", "#if 0\nno\n  \\\n  #else\nyes\n#endif\n", ()),
    ("a splice inside the directive's name", "#if 0\nno\n#el\\\nse\nyes\n#en\\\ndif\n", ()),
    ("# in a string and in a char literal", "#if 0\n\"\\\n#else\"\n'\\\n#else'\nno\n#else\nyes\n#endif\n", ()),
    ("a string's escaped quote", '#if 0\n"a\\" /* " #else\nno\n#else\nyes\n#endif\n', ()),
    ("an unterminated literal ends at its line's end", "#if 0\nit's\n#else\nyes\n#endif\n", ()),
    ("an unterminated literal hides a comment opener", "#if 0\nit's /* no comment\n#else\nyes\n#endif\n", ()),
    ("a line comment hides a block comment", "#if 0\n// /*\n#else\nyes\n#endif\n", ()),
    ("a line comment continued by a splice", "#if 0\n// c \\\n#else\nno\n#else\nyes\n#endif\n", ()),
    ("a raw string spanning lines (gnu11)", '#if 0\nR"x(\n#else\n)x"\nno\n#else\nyes\n#endif\n', ()),
    ("a raw string with a prefix", '#if 0\nu8R"(\n#else\n)"\nno\n#else\nyes\n#endif\n', ()),
    ("R\" ending an identifier is no raw string", '#if 0\nFOOR"(\n#else\nyes\n#endif\n', ()),
    ("R\" ending a pp-number is no raw string", '#if 0\n1.R"(\n#else\nyes\n#endif\n', ()),
    ("no raw strings in c11", '#if 0\nR"(\n#else\n)"\n#endif\nafter\n', ("-std=c11",)),
    ("the digraph %:", "#if 0\nno\n%:else\nyes\n  %: endif\n", ()),
    ("%:%: and ## start no directive", "#if 0\n%:%:else\n##else\nno\n#else\nyes\n#endif\n", ()),
    ("no digraphs in c89", "#if 0\n%:else\nno\n#else\nyes\n#endif\n", ("-std=c89",)),
    ("the trigraph ??= with -trigraphs", "#if 0\nno\n??=else\nyes\n??=endif\n", ("-trigraphs",)),
    ("the trigraph ??= in c99", "#if 0\nno\n??=else\nyes\n??=endif\n", ("-std=c99",)),
    ("no trigraphs in gnu11", "#if 0\n??=else\nno\n#else\nyes\n#endif\n", ()),
    ("nested groups are skipped whole",
     "#if 0\n#if 1\n#elif 1\n#else\n#endif\n#ifdef X\n#endif\nno\n#else\nyes\n#endif\n", ()),
    ("an #elif chain", "#define B 1\n#if 0\na\n#elif 0\nb\n#elif B\nc\n#elif 1\nd\n#else\ne\n#endif\n", ()),
    ("a taken group's #elif and #else are skipped", "#if 1\na\n#elif garbage (\nb\n#else\nc\n#endif\n", ()),
    ("#elifdef is a directive in gnu2x", "#if 0\nno\n#elifdef __STDC__\nyes\n#endif\n", ("-std=gnu2x",)),
    ("#elifdef is none in c99", "#if 0\n#elifdef __STDC__\nno\n#else\nyes\n#endif\n", ("-std=c99",)),
    ("unknown directives, line markers and null directives are ignored",
     "#if 0\n#foo bar\n# 33 \"x.c\"\n#\n#error no\n#include <nothing.h>\n#endif\nafter __LINE__\n", ()),
    ("a group skipped to the last line", "#ifdef X\nno\n#endif", ()),
    ("a name running on is another directive: #if$x, #ifé, #if\\u00e9",
     "#if 0\n#if$x\n#ifé\n#if\\u00e9\n#else\nyes\n#endif\n", ()),
    ("form feeds and vertical tabs before #", "#if 0\nno\n\f\v #else\nyes\n#endif\n", ()),
]


@pytest.mark.parametrize("what,source,flags", HIDING, ids=[h[0] for h in HIDING])
def test_skipped_group_as_gcc_reads_it(tmp_path, what, source, flags):
    same_as_gcc(tmp_path, source, flags)


def test_line_numbers_after_skipped_groups(tmp_path):
    """__LINE__, #line and the warnings' lines count what a skipped group held: splices,
    comments of several lines, raw strings (a warning's line is the one #line gave)."""
    source = ("#if 0\na \\\nb\n/* x\ny */\nR\"(\n\n)\"\nit's\n#endif\n__LINE__\n"
              "#ifdef X\n#line 1\n#else\n__LINE__ \\\n __LINE__\n#endif\n__LINE__\n"
              "#if 0\n\\\n\\\n don't\n#endif\n__LINE__\n#line 100\n#if 0\n'\n#endif\n__LINE__\n")
    _, err, our_err = same_as_gcc(tmp_path, source)
    lines = lambda text: re.findall(r"t\.c:(\d+):(?:\d+:)? warning: missing terminating", text)
    assert lines(our_err) == lines(err) == ["9", "22", "101"]


def test_unterminated_comment_in_skipped_group(tmp_path):
    """A comment left open in a skipped group is an error, at its line (gcc's)."""
    err = both_refuse(tmp_path, "int a;\n#if 0\nx\n  /* open\n#endif\n", "t.c:4: error: unterminated comment")
    assert "4:3: error: unterminated comment" in err


@pytest.mark.parametrize("source,message", [
    ("#if 0\n#if 1\n#else\n#else\n#endif\n#endif\n", "t.c:4: error: #else after #else"),
    ("#if 0\n#ifdef X\n#else\n#elif 1\n#endif\n#endif\n", "t.c:4: error: #elif after #else"),
])
def test_else_after_else_in_a_nested_skipped_group(tmp_path, source, message):
    """gcc checks the #else of groups nested in a skipped one."""
    both_refuse(tmp_path, source, message)


def test_bad_universal_character_in_skipped_group(tmp_path):
    both_refuse(tmp_path, "#if 0\nint a\\u0041b;\n#endif\n", "\\u0041 is not a valid universal character")


def test_assembler_skipped_groups(tmp_path):
    """In assembler a # line is a directive only if it names one: # comments in a skipped
    group are text, and an apostrophe in one is not a literal that warns."""
    source = "#if 0\n# it's a comment\n  #elsewhere\nno\n#else\nyes\n#endif\nmov %eax, %ebx # done\n"
    (tmp_path / "t.S").write_text(source)
    rc, expected, err = gcc_expand("t.S", ["-x", "assembler-with-cpp"], cwd=str(tmp_path))
    status, ours, our_err = ours_expand("t.S", ["-x", "assembler-with-cpp"], cwd=str(tmp_path))
    assert rc == status == 0
    assert ours.split() == expected.split()
    assert "missing terminating" not in our_err + err


def test_warning_at_each_include(tmp_path):
    """gcc warns about an unterminated literal at each #include of its header, whether the
    group it is in is read or skipped."""
    (tmp_path / "h.h").write_text("#ifdef A\na_on /* x\n#else */\n#else\nit's\na_off __LINE__\n#endif\n")
    (tmp_path / "t.c").write_text("#include \"h.h\"\n#define A\n#include \"h.h\"\n#include \"h.h\"\n")
    _, err, our_err = same_as_gcc(tmp_path, (tmp_path / "t.c").read_text())
    assert our_err.count("missing terminating") == err.count("missing terminating") == 3


K_H = """#if LEVEL > 1 /* a comment from the #if line
#else
*/
k_big __LINE__
#elif LEVEL \\
  == 1
k_one __LINE__
# /* */ if 0
#else
#endif
#else
k_zero R"(
#endif
)" __LINE__
#endif
#include "g.h"
/* x
*/ #ifdef G_ON
g_on __LINE__
%:else
g_off __LINE__
#endif
"""


def test_segments_replayed_from_the_offsets_recorded(tmp_path, monkeypatch):
    """A header skipped differently by each unit: the second unit replays the segments the
    first recorded (they start at offsets in the text, after a skipped group too) and
    reads the others, gcc's output in every case."""
    from macrotrace.config import RunConfig
    from macrotrace.engine import session
    from macrotrace.record import replace
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "k.h").write_text(K_H)
    (tmp_path / "g.h").write_text("#ifdef G_ON\ng_header_on\n#endif\n")
    hits = []
    for level, g_on in ((1, False), (1, False), (2, True), (0, False), (1, True)):
        src = tmp_path / ("u%d.c" % len(hits))
        src.write_text("%s#include \"k.h\"\nend __LINE__\n" % ("#define G_ON\n" if g_on else ""))
        rc, expected, err = gcc_expand(src.name, ["-DLEVEL=%d" % level], cwd=str(tmp_path))
        assert rc == 0, err
        cfg = RunConfig(source=str(src), bundled_headers=False, macro_options=(("D", "LEVEL=%d" % level),))
        result = session.expand(cfg)
        assert result.text.split() == expected.split()
        assert session.expand(replace(cfg, cache=False)).text == result.text
        hits.append(result.segments[0])
    assert hits[0] == 0 and hits[1] > 0


def test_skipped_group_makes_no_tokens():
    """The point of it all: the text of a skipped group is never lexed."""
    skipped = "".join("int skipped_%d = %d;\n" % (i, i) for i in range(1000))
    src = Source("#if 0\n" + skipped + "#endif\nint kept;\n", "t.c", DEFAULT)
    first = src.chunk(0)
    assert [t.text for t in first.tokens] == ["#", "if", "0"]
    skip = src.skip(first.end, frozenset(("else", "elif")))
    assert src.text[skip.end:].startswith("#endif")
    rest = src.chunk(skip.end)
    assert [t.text for t in rest.tokens] == ["#", "endif", "int", "kept", ";"]
    every = src.all_tokens()
    assert len(every) == 5 * 1000 + 8 and every[-3].text == "int" and every[-3].line == 1003
