"""Inputs gcc accepts that macrotrace once refused or crashed on (issue 15): each one is
run through ``gcc -E -P`` and ``macrotrace expand`` with the same flags, and the outputs
must be the same tokens, spaced the same way."""

import os

import pytest

from difftest import (GCC, assert_same_tokens, first_spacing_difference, gcc_expand, ours_expand,
                      run_macrotrace)
from test_kernel import TREE as KERNEL_TREE

pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")


def same_as_gcc(tmp_path, source, flags=(), name="t.c", ours_flags=None, encoding="utf-8"):
    """Write ``source`` (str or bytes) to tmp_path/name, preprocess it with both, compare;
    returns (gcc's output, gcc's stderr, our stderr)."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(source if isinstance(source, bytes) else source.encode(encoding))
    rc, expected, err = gcc_expand(name, list(flags), cwd=str(tmp_path))
    assert rc == 0, "gcc must accept the input: %s" % err
    status, ours, our_err = ours_expand(name, list(flags if ours_flags is None else ours_flags),
                                        cwd=str(tmp_path))
    assert status == 0, our_err
    assert_same_tokens(ours, expected, name)
    diff = first_spacing_difference(ours, expected)
    assert diff is None, diff
    return expected, err, our_err


def both_refuse(tmp_path, source, message, flags=()):
    """gcc rejects ``source`` (t.c) and macrotrace says ``message``, exit status 2."""
    (tmp_path / "t.c").write_text(source)
    rc, _, err = gcc_expand("t.c", list(flags), cwd=str(tmp_path))
    status, _, our_err = ours_expand("t.c", list(flags), cwd=str(tmp_path))
    assert rc != 0, "gcc accepted it"
    assert status == 2 and message in our_err, our_err
    return err


def ours_ok(tmp_path, *args):
    """macrotrace's stdout for ``args`` run in tmp_path, which must succeed."""
    status, out, err = run_macrotrace(list(args), cwd=str(tmp_path))
    assert status == 0, err
    return out


# -- the crash ------------------------------------------------------------------

def test_pragma_operator_as_a_macro_argument(tmp_path):
    """``ID(_Pragma) ("foo")`` once ended in exit 3 (IndexError): gcc prints #pragma foo."""
    out, _, _ = same_as_gcc(tmp_path, '#define ID(x) x\nID(_Pragma) ("foo")\nafter\n')
    assert "#pragma foo" in out


def test_pragma_operator_as_a_macro_argument_traced(tmp_path):
    (tmp_path / "t.c").write_text('#define ID(x) x\nID(_Pragma) ("foo")\n')
    import json
    inv = json.loads(ours_ok(tmp_path, "ID", "t.c", "--no-bundled-headers", "--format", "json"))["invocations"][0]
    # ID gives _Pragma, whose rescan takes ("foo") from the rest of the line
    assert [s["text"] for s in inv["steps"]] == ['ID(_Pragma) ("foo")', '_Pragma ("foo")', "#pragma foo"]


# -- assembler-with-cpp (.S, .lds.S, -x assembler-with-cpp) ---------------------

ASSEMBLY = r"""#define foo bar
#define CAT(a, b) a##b
#define HASH(x) # x #y
# this isn't a directive, it's a comment foo
#foo baz
# 123 "not a linemarker"
#123
 # indented foo
#!bang
#"str" foo
#.globl foo
   .text ; it's
	movl $'a', %eax   # don't expand? foo
/* it's a comment */ foo
CAT(., foo) CAT(+, -) CAT(1, .) CAT(%, eax) CAT(%,eax) CAT(a, +)
HASH(q)
foo$bar $foo foo$ a$b 1$
#define d$x 1
d$x
#pragma foo bar
#ident "x"
_Pragma("inline") after
#pragma push_macro("foo")
#undef foo
foo
#pragma pop_macro("foo")
foo
#
 #  define X 1
X __LINE__
#if defined(__ASSEMBLER__) && !defined(__STDC_VERSION__) && !defined(__STDC_UTF_16__)
assembler __ASSEMBLER__ __STDC__
#endif
#ifdef __has_attribute
wrong
#endif
label: 'x
"unterminated foo
ENTRY(foo) <: %: x::y
"""


def test_assembler_file(tmp_path):
    """A .S file: # lines that are no directive pass through (macros expanded in them),
    $ is no identifier character, a bad paste is no error, an apostrophe in text runs to
    the end of the line, no #pragma/#ident printed, __ASSEMBLER__ predefined."""
    out, _, err = same_as_gcc(tmp_path, ASSEMBLY, name="entry.S")
    assert "assembler 1 1" in out and "# this isn't" in out and "% eax" in out
    assert "warning" not in err


def test_assembler_with_cpp_flag(tmp_path):
    """-x assembler-with-cpp on a file of any name."""
    out, _, _ = same_as_gcc(tmp_path, ASSEMBLY, ["-x", "assembler-with-cpp"], name="asm.txt")
    assert "assembler 1 1" in out


def test_assembler_predefined_macros_with_cc(tmp_path):
    """--cc gcc in assembler: the compiler's predefined macros for assembler-with-cpp."""
    (tmp_path / "p.S").write_text("__ASSEMBLER__ __x86_64__ __STDC_VERSION__\n")
    out = ours_ok(tmp_path, "expand", "p.S", "--no-bundled-headers", "--cc", "gcc")
    assert out.split() == ["1", "1", "__STDC_VERSION__"]


LINKER_SCRIPT = r"""#define ALIGN_FUNCTION()  . = ALIGN(8)
#define PASTE(a, b) a ## b
#define LEVEL(l) __initcall##l##_start = .; KEEP(*(.initcall##l##.init)) KEEP(*(.initcall##l##s.init))
OUTPUT_FORMAT("elf64-x86-64")
/* the kernel's linker scripts say it's fine */
SECTIONS
{
	. = 0x100000;
	.text : { ALIGN_FUNCTION(); *(.text) }
	.init.data : { LEVEL(0) LEVEL(1) LEVEL(rootfs) }
	PASTE(.data, .rel) : { *(.data) }
	/DISCARD/ : { *(.note.*) }
}
#ifdef LINKER_SCRIPT
linker_script __ASSEMBLY__
#endif
"""


def test_linker_script_with_kbuild_flags(tmp_path):
    """A .lds.S with the flags Kbuild preprocesses linker scripts with."""
    flags = ["-P", "-Ux86", "-D__ASSEMBLY__", "-DLINKER_SCRIPT"]
    out, _, _ = same_as_gcc(tmp_path, LINKER_SCRIPT, flags, name="vmlinux.lds.S",
                            ours_flags=flags[1:])
    assert "__initcall0_start = .; KEEP(*(.initcall0.init))" in out
    assert "linker_script 1" in out


KERNEL_LDS = """#include <asm-generic/vmlinux.lds.h>

SECTIONS
{
	.init.data : {
		INIT_DATA
		INIT_SETUP(16)
		INIT_CALLS
		CON_INITCALL
	}
	.data : { RW_DATA(64, 4096, 8192) }
	DISCARDS
}
"""


@pytest.mark.skipif(KERNEL_TREE is None, reason="no kernel headers: apt-get install linux-headers-amd64")
@pytest.mark.skipif(__import__("shutil").which("make") is None, reason="make is not installed")
def test_kernel_linker_script_as_kbuild_makes_it(tmp_path):
    """A module's .lds.S using the kernel's include/asm-generic/vmlinux.lds.h: Kbuild
    preprocesses it (cmd_cpp_lds_S), and macrotrace gives the same text, both from the
    .cmd file Kbuild left and from --kernel-tree alone."""
    import subprocess
    tree = KERNEL_TREE
    (tmp_path / "probe.lds.S").write_text(KERNEL_LDS)
    (tmp_path / "Makefile").write_text("obj-m := dummy.o\n")
    proc = subprocess.run(["make", "-C", tree, "M=%s" % tmp_path, "probe.lds"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    expected = (tmp_path / "probe.lds").read_text()
    assert "__initcall0_start = .;" in expected
    for args in (["probe.lds.S"], ["probe.lds.S", "--no-cmd-file", "--kernel-tree", tree]):
        ours = ours_ok(tmp_path, "expand", *args)
        assert_same_tokens(ours, expected, " ".join(args))
        assert first_spacing_difference(ours, expected) is None


def test_linker_script_traced(tmp_path):
    """A trace in a linker script: each step, and the result is gcc's text."""
    import json
    (tmp_path / "s.lds.S").write_text(LINKER_SCRIPT)
    doc = json.loads(ours_ok(tmp_path, "LEVEL", "s.lds.S", "--no-bundled-headers", "--format", "json",
                             "--line", "10"))
    assert [inv["result"] for inv in doc["invocations"]][:1] == [
        "__initcall0_start = .; KEEP(*(.initcall0.init)) KEEP(*(.initcall0s.init))"]
    assert doc["invocations"][0]["declarations"] == []


# -- -std names and modes -------------------------------------------------------

STD_SOURCE = r"""#define S(x) #x
#define XS(x) S(x)
#define f(...) x , ## __VA_ARGS__
#define g(a, ...) a , ## __VA_ARGS__
#define h(a...) y , ## a
f() f(1) g(1) g(1,) g(1,2) h() h(2)
??=define TRI 1
TRI ??( ??) ??< ??> ??! ??- ??' XS(??=)
"??/"" line ??/
splice
#define e2 XX
#define u U_
#define U V_
#define L W_
#define R T_
#define u8 U8_
0x1p-e2 0x1P+e2 1e-e2 u"s" U"s" u8"s" L"s" R"x(a)x" uR"x(b)x" u'c' U'c' L'c' u8'c'
%:define DIG 1
DIG <: :> <% %> XS(<:) XS(%:%:)
#define a$b dollar
a$b
#ifdef UNDEFINED_NAME
#elifdef __STDC__
elifdef_taken
#endif
#ifndef __STDC__
#elifndef UNDEFINED_NAME
elifndef_taken
#else
else_taken
#endif
__STDC_VERSION__ __STDC_UTF_16__ __STDC_UTF_32__ __STRICT_ANSI__ __STDC__ __STDC_HOSTED__
"""


def _all_std_flags():
    from macrotrace.engine.lang import STANDARDS
    return [["-std=%s" % s] for s in sorted(STANDARDS)] + [["-ansi"], ["-trigraphs"]]


@pytest.mark.parametrize("flags", _all_std_flags(), ids=lambda f: f[0])
def test_std_modes(tmp_path, flags):
    """Every -std name gcc 12 accepts: trigraphs (ISO modes, -trigraphs), digraphs (not in
    c89), u/U/u8 prefixes, raw strings, p+ exponents, #elifdef (gnu modes and c2x),
    ", ## __VA_ARGS__" (keeps the comma in ISO mode when ... is the only parameter), and
    the predefined macros."""
    out, _, _ = same_as_gcc(tmp_path, STD_SOURCE, flags)
    iso = flags[0] == "-ansi" or flags[0].startswith(("-std=c", "-std=iso"))
    assert out.startswith("x , x ,1" if iso else "x x ,1")


@pytest.mark.parametrize("std,valid", [("gnu11", True), ("c2x", True), ("c11", False), ("c89", False)])
def test_scope_token(tmp_path, std, valid):
    """'::' is one token in gnu modes and C2x: pasting ':' and ':' works there only."""
    source = "#define C(a, b) a ## b\nC(:, :)\n"
    if valid:
        out, _, _ = same_as_gcc(tmp_path, source, ["-std=" + std])
        assert out.split() == ["::"]
        return
    both_refuse(tmp_path, source, "does not give a valid preprocessing token", ["-std=" + std])


# -- bytes that are not UTF-8 ---------------------------------------------------

ENCODED = (b"/* caf\xe9: a Latin-1 comment in an old driver */\n"
           b"#define S(x) #x\n#define ID(x) x\n"
           b'#define EUC "\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf"\n'          # EUC-JP
           b'#define SJIS "\x95\x5c\x8e\xa6"\n'                                 # Shift-JIS, 0x5c second byte
           b'#define BIG5 "\xa5\x5c\xb3\x5c\x5c"\n'                                 # Big5, 0x5c second byte
           b'#define GB "\xc4\xe3\xba\xc3"\n#define KSC "\xbe\xc8\xb3\xe7"\n'
           b"char *m[] = { EUC, SJIS, BIG5, GB, KSC };\n"
           b"S(\xe9t\xe9 caf\xe9) x\xe9y \xff \xfe\xff ID('\xe9') ID(\"\x81\x40\")\n"
           b"/* \xa4\xb3 */ S(\"\xa4\xb3\") S('\x95\x5c\x5c')\n")


def _gcc_bytes(path, cwd):
    import subprocess
    proc = subprocess.run([GCC, "-E", "-P", "-undef", "-std=gnu11", "-nostdinc", path],
                          capture_output=True, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _macrotrace_bytes(args, cwd):
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run([sys.executable, "-m", "macrotrace"] + args, capture_output=True, cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_non_utf8_bytes_pass_through_expand(tmp_path):
    """Latin-1, EUC-JP, Shift-JIS, Big5, GB, KSC bytes: the output bytes are gcc's."""
    (tmp_path / "enc.c").write_bytes(ENCODED)
    expected = _gcc_bytes("enc.c", str(tmp_path))
    assert b"\xa4\xb3\xa4\xf3" in expected
    assert _macrotrace_bytes(["expand", "enc.c", "--no-bundled-headers"], str(tmp_path)) == expected
    assert _macrotrace_bytes(["expand", "enc.c", "--no-bundled-headers", "-o", "out.i"], str(tmp_path)) == b""
    assert (tmp_path / "out.i").read_bytes() == expected


def test_non_utf8_bytes_in_traces(tmp_path):
    """In a text trace the bytes are written back; in JSON each is the escape \\udcXX and
    reads back to the same string; in HTML each shows as \\xXX in a UTF-8 page."""
    import json
    (tmp_path / "enc.c").write_bytes(ENCODED)
    expected = [line for line in _gcc_bytes("enc.c", str(tmp_path)).splitlines() if b"\x81\x40" in line]
    text = _macrotrace_bytes(["ID", "enc.c", "--no-bundled-headers", "--color", "never"], str(tmp_path))
    assert b'"\x81@"' in text and b"'\xe9'" in text
    raw = _macrotrace_bytes(["ID", "enc.c", "--no-bundled-headers", "--format", "json"], str(tmp_path))
    raw.decode("utf-8")                        # the document itself is UTF-8
    assert b'\\"\\udc81@\\"' in raw
    doc = json.loads(raw)
    results = [inv["result"].encode("utf-8", "surrogateescape") for inv in doc["invocations"]]
    assert results == [b"'\xe9'", b'"\x81@"'] and expected[0].endswith(b'"\x81@"')
    html = _macrotrace_bytes(["ID", "enc.c", "--no-bundled-headers", "--format", "html"], str(tmp_path))
    assert "\\x81@" in html.decode("utf-8")


# -- unterminated quotes --------------------------------------------------------

def test_unterminated_quotes_are_a_warning(tmp_path):
    """gcc warns "missing terminating ' character" and makes the rest of the line one
    token; likewise a lone ' after ??' in gnu modes (no trigraphs there)."""
    source = ("#define ID(x) x\nchar *s = \"abc;\nit's ID(a)\nx ??' ID(y) 'z\nok ID(b)\n"
              "#if 0\nskipped 'quote\n#endif\n")
    out, err, our_err = same_as_gcc(tmp_path, source)
    assert "ID(a)" in out and "ok b" in out
    assert err.count("missing terminating") == our_err.count("missing terminating") == 3
    (tmp_path / "u.c").write_text("#define X 'a\n#warning don't\n#if 0\n#error it's\n#endif\n")
    _, _, err = gcc_expand("u.c", cwd=str(tmp_path))
    _, _, our_err = ours_expand("u.c", cwd=str(tmp_path))
    assert err.count("missing terminating") == our_err.count("missing terminating") == 3



@pytest.mark.parametrize("source,line", [
    ('int a;\nconst char *s = R"abc(hello\nworld;\nint b;\n', 2),     # no )abc" to the end
    ('#if 0\nR"x(abc\n#endif\nint c;\n', 2),                             # in a skipped group too
    ('#define S R"x(abc\nint d = S;\n', 1),                              # a directive ends its line
    ('#define S R"x(abc\nfoo)x"\nint d = S;\n', 1),                     # ... ended on the next line
    ('int e = u8R"(\n', 1),
])
def test_unterminated_raw_string_is_an_error(tmp_path, source, line):
    """gcc: a raw string must end before the end of the file (in a directive, before the
    end of its line): an error at its line, not an identifier R and a stray quote."""
    both_refuse(tmp_path, source, "t.c:%d: error: unterminated raw string" % line)


@pytest.mark.parametrize("source,message", [
    ('const char *s = R"a b(x)a b";\nint z;\n', "t.c:1: error: invalid character ' ' in raw string delimiter"),
    ('const char *s = R"12345678901234567(x)12345678901234567";\n',
     "t.c:1: error: raw string delimiter longer than 16 characters"),
    ('#if 0\nR"a b(x)a b"\n#endif\nint z;\n', "t.c:2: error: invalid character ' ' in raw string delimiter"),
    ('#define S R"a)b(x)a)b"\nS\n', "t.c:1: error: invalid character ')' in raw string delimiter"),
    ('const char *s = R"a$b(x)a$b";\n', "t.c:1: error: invalid character '$' in raw string delimiter"),
    ('u8R"x\ny(x)"\n', "t.c:1: error: invalid new-line in raw string delimiter"),
])
def test_bad_raw_string_delimiter_is_an_error(tmp_path, source, message):
    """gcc refuses a raw string whose delimiter is too long or holds a character it may
    not (also in a skipped group); the text after it is lexed as if R were a name."""
    both_refuse(tmp_path, source, message)


def test_raw_strings_that_end_are_tokens(tmp_path):
    """The same raw strings, ended, are one token each, spanning lines outside directives
    and in skipped groups; R" that starts no raw string is an identifier and a string; a
    delimiter may hold quotes and the basic punctuators (gcc's d-chars)."""
    out, _, _ = same_as_gcc(tmp_path, 'const char *s = R"abc(hello\nworld)abc";\n#if 0\nR"y(q\n#endif\n)y"\n'
                            '#endif\n#define S R"x(abc)x"\nint d = S; FOOR"(" u8R"()";\n'
                            'const char *q = R"a"b\'{}[]#<>%:;(x)a"b\'{}[]#<>%:;", *r = R".?*+-/^&|~!=,(y).?*+-/^&|~!=,";\n')
    assert 'R"x(abc)x"' in out


# -- directives -----------------------------------------------------------------

def test_assert_and_predicates(tmp_path):
    """#assert/#unassert and #if #pred(answer) (not macro-expanded); #ident takes one string,
    drops the rest; #sccs is #ident."""
    source = r"""#define M machine
#sccs "sc"
#ident "id" extra tokens
#define ID "from a macro"
#ident ID
#assert machine(x86)
#assert machine( x86   64 )
#assert system(linux)
#if #machine(x86) && #machine(x86 64) && #system && !#system(bsd) && !#cpu
yes1
#endif
#unassert machine(x86)
#if #machine(x86)
no
#elif #machine
yes2
#endif
#unassert machine
#if #machine
no
#else
yes3
#endif
#if #M(x86) || #M
no4
#endif
"""
    out, _, _ = same_as_gcc(tmp_path, source)
    assert out.split() == ["#ident", '"sc"', "#ident", '"id"', "#ident", '"from', 'a', 'macro"',
                           "yes1", "yes2", "yes3"]


def test_import_and_pragma_once_under_other_paths(tmp_path):
    """#pragma once holds for the same file named sub/h.h, ./sub/h.h, sub/../sub/h.h;
    #import of the main file itself does not read it again."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "h.h").write_text("#pragma once\nonce_body\n")
    (tmp_path / "sub" / "i.h").write_text("imp_body\n")
    source = ('#include "sub/h.h"\n#include "./sub/h.h"\n#include "sub/../sub/h.h"\n'
              '#import "sub/i.h"\n#import "./sub/i.h"\n#include "sub/i.h"\n#import "m.c"\nmain_end\n')
    out, _, _ = same_as_gcc(tmp_path, source, name="m.c")
    assert out.split() == ["once_body", "imp_body", "main_end"]


def test_line_markers_without_a_matching_push(tmp_path):
    """A line marker returning (flag 2) to a file it did not come from is ignored."""
    source = ('# 200 "xyz" 2\n__LINE__ __FILE__\n# 300 "abc" 1\n__LINE__ __FILE__\n'
              '# 400 "wrong" 2\n__LINE__ __FILE__\n# 500 "m.c" 2\n__LINE__ __FILE__\n')
    out, err, our_err = same_as_gcc(tmp_path, source, name="m.c")
    assert out.split() == ["2", '"m.c"', "300", '"abc"', "302", '"abc"', "500", '"m.c"']
    assert "linemarker ignored" in our_err


# -- includes -------------------------------------------------------------------

def test_function_like_name_at_the_end_of_a_header(tmp_path):
    """f at the very end of an included file does not take the ( of the includer."""
    (tmp_path / "endf.h").write_text("#define f(x) [x]\nf\n")
    out, _, _ = same_as_gcc(tmp_path, '#include "endf.h"\n(1) tail\nf\n(2)\n')
    assert out.split() == ["f", "(1)", "tail", "[2]"]


def test_include_inside_macro_arguments(tmp_path):
    """An #include among a macro's arguments: the included file's end ends the argument
    list, as in gcc (an error there)."""
    (tmp_path / "h.h").write_text("inner1 inner2\n")
    err = both_refuse(tmp_path, '#define ID(x) <x>\nID(a\n#include "h.h"\nb)\n', "unterminated argument list")
    assert "unterminated argument list" in err


def test_missing_include_directory_is_ignored(tmp_path):
    """-I of a directory that does not exist: gcc ignores it; macrotrace says so in a note."""
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "h.h").write_text("found\n")
    out, _, our_err = same_as_gcc(tmp_path, "#include <h.h>\n", ["-Inope", "-Iinc"])
    assert out.split() == ["found"] and 'ignoring nonexistent directory "nope"' in our_err


def test_compiler_headers_without_cc(tmp_path):
    """<stddef.h>, <stdarg.h>, <stdbool.h>... come from gcc's own include directory even
    without --cc (as gcc -undef finds them); -nostdinc turns that off."""
    import subprocess
    source = ("#include <stddef.h>\n#include <stdarg.h>\n#include <stdbool.h>\n#include <float.h>\n"
              "struct s { int a, b; };\nsize_t o = offsetof(struct s, b); va_list ap; bool t = true;\n")
    (tmp_path / "t.c").write_text(source)
    proc = subprocess.run([GCC, "-E", "-P", "-undef", "-std=gnu11", "t.c"], capture_output=True, text=True,
                          cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    ours = ours_ok(tmp_path, "expand", "t.c", "--no-bundled-headers")
    assert_same_tokens(ours, proc.stdout, "t.c")
    assert "__builtin_offsetof" in ours
    status, _, err = run_macrotrace(["expand", "t.c", "--no-bundled-headers", "-nostdinc"], cwd=str(tmp_path))
    assert status == 2 and "no include path in which to search for stddef.h" in err


def test_stdint_with_the_compilers_macros(tmp_path):
    """<stdint.h> needs the compiler's predefined macros (it include_next's the C library's)."""
    import subprocess
    (tmp_path / "t.c").write_text("#include <stdint.h>\n#include <limits.h>\nint32_t x = INT_MAX; "
                                  "uint64_t y = UINT64_MAX; intptr_t p;\n")
    proc = subprocess.run([GCC, "-E", "-P", "-std=gnu11", "t.c"], capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    ours = ours_ok(tmp_path, "expand", "t.c", "--no-bundled-headers", "--cc", GCC)
    assert_same_tokens(ours, proc.stdout, "t.c")


# -- command line ---------------------------------------------------------------

def test_command_line_macro_values_are_taken_as_they_are(tmp_path):
    """-D values are not spliced or trigraph-replaced: -Dfoo=bar\\ keeps its backslash."""
    flags = ["-trigraphs", "-Dfoo=bar\\", "-DT=??=", '-DS="a\\\\', "-DQ='x"]
    out, _, _ = same_as_gcc(tmp_path, "foo T S Q\n", flags)
    assert out.split() == ["bar\\", "??=", '"a\\\\', "'x"]


def test_extended_identifiers_are_spelled_as_gcc_spells_them(tmp_path):
    """gcc 12 -E writes an identifier's characters beyond ASCII (UTF-8 or UCN) as \\UXXXXXXXX;
    # keeps the spelling."""
    source = '#define S(x) #x\nint π = 1; café 1é x\\u00e9 S(π) "π" S(x\\u00e9)\n#define π 3\nπ\n'
    out, _, _ = same_as_gcc(tmp_path, source)
    assert "int \\U000003c0 = 1; caf\\U000000e9 1é x\\U000000e9" in out


def test_imacros(tmp_path):
    """-imacros FILE: its macros are defined, its text is thrown away unexpanded (a #pragma
    line still printed), before any -include."""
    (tmp_path / "m.h").write_text("#define FROM_IMACROS 42\n#define F(x) [x]\nthrown away __COUNTER__\n"
                                  "#pragma printed_anyway\n")
    (tmp_path / "i.h").write_text("#define INC 7\ninc_text __COUNTER__\n")
    out, _, _ = same_as_gcc(tmp_path, "FROM_IMACROS F(INC) __COUNTER__\n", ["-imacros", "m.h", "-include", "i.h"])
    assert out.split() == ["#pragma", "printed_anyway", "inc_text", "0", "42", "[7]", "1"]


def test_short_wchar_in_if(tmp_path):
    """-fshort-wchar: L'x' in #if is an unsigned short."""
    source = ("#if L'\\xffff' > 0\nwpos\n#endif\n#if L'\\x12345' == 0x2345\nw16\n#endif\n"
              "#if L'\\xffffffff' < 0\nw32neg\n#endif\n")
    out, _, _ = same_as_gcc(tmp_path, source)
    assert out.split() == ["wpos", "w32neg"]
    out, _, _ = same_as_gcc(tmp_path, source, ["-fshort-wchar"])
    assert out.split() == ["wpos", "w16"]


# -- found by the peer suites (benchmarks/peer_suites.py) ------------------------

def test_ucn_identifiers_are_one_name(tmp_path):
    """macro\\u5B57, macro\\U00005b57 and macro字 name one macro (mcpp n_ucn1, n_std99);
    a pp-number goes on through a UCN; # keeps the spelling."""
    source = ("#define S(x) #x\n#define macro\\u5B57 9\n#define macro\\U00006F22 99\n"
              "macro\\u5B57 macro\\U00006F22 macro\\U00006f22 macro漢 S(macro\\u5B57)\n"
              "#define mkint(a) a ## 1\\u5B57\nint mkint(abc) = 0;\n")
    out, _, _ = same_as_gcc(tmp_path, source)
    assert out.split()[:5] == ["9", "99", "99", "99", '"macro\\u5B57"']


def test_invalid_ucn_in_an_identifier(tmp_path):
    both_refuse(tmp_path, "#define macro\\U0000001F x\n", "is not a valid universal character")


def test_multibyte_character_constants_in_if(tmp_path):
    """A narrow character constant keeps bytes that are not UTF-8 (mcpp m_34_*: Shift-JIS,
    EUC-JP, Big5, GB, KSC)."""
    source = (b"#if '\x8e\x9a' == '\\x8e\\x9a'\nsjis\n#endif\n#if '\xbb\xfa' == '\\xbb\\xfa'\neucjp\n#endif\n"
              b"#if '\xa6\x72' != '\\xa6\\x72'\nwrong\n#endif\n")
    (tmp_path / "mb.c").write_bytes(source)
    expected = _gcc_bytes("mb.c", str(tmp_path))
    assert expected.split() == [b"sjis", b"eucjp"]
    assert _macrotrace_bytes(["expand", "mb.c", "--no-bundled-headers", "-nostdinc"], str(tmp_path)) == expected


def test_va_args_as_a_parameter_name_is_accepted(tmp_path):
    """gcc only warns about __VA_ARGS__ outside a variadic macro (mcpp e_vargs)."""
    out, _, _ = same_as_gcc(tmp_path, "#define wrong(a, __VA_ARGS__) (a - __VA_ARGS__)\nwrong(1, 2)\n")
    assert out.split() == ["(1", "-", "2)"]


def test_line_with_a_wide_string_is_refused(tmp_path):
    both_refuse(tmp_path, '#line 123 L"wide"\n__LINE__\n', "is not a valid filename")


def test_line_directive_spliced_over_lines(tmp_path):
    """#line numbers the line after the directive's last physical line (Boost.Wave
    t_5_037: __LINE__ spliced over three lines in a #line)."""
    source = ("#line 1000\nint j[] = {__LINE__, __\\\nLINE\\\n__,\n\n#line 2000\n#line __\\\nLINE\\\n__\n"
              "    __LINE__,\n\n#line 3000\n#line          \\\n      \\\n    __LINE__\n    __LINE__ };\n")
    out, _, _ = same_as_gcc(tmp_path, source)
    assert out.split() == ["int", "j[]", "=", "{1000,", "1000,", "2000,", "3002", "};"]


def test_raw_string_keeps_its_line_splices(tmp_path):
    """A backslash-newline inside a raw string stays (Boost.Wave t_7_001)."""
    out, _, _ = same_as_gcc(tmp_path, 'uR"(de \\\nfg\nh)" R"x(a\\\nb)x" after __LINE__\n')
    assert 'uR"(de \\\nfg\nh)"' in out and out.split()[-1] == "4"


def test_pasting_ucns(tmp_path):
    """Pastes that make UCNs keep the spelling (Boost.Wave t_9_005)."""
    source = ("#define CONCAT(a, b) PRIMITIVE_CONCAT(a, b)\n#define PRIMITIVE_CONCAT(a, b) a ## b\n"
              "#define STRINGIZE(x) STRINGIZE_D(x)\n#define STRINGIZE_D(x) # x\n"
              "STRINGIZE( CONCAT(\\, u00ff) ) STRINGIZE( CONCAT(\\u00, ff) ) STRINGIZE( CONCAT(\\u00ff, 56) )\n"
              "CONCAT(\\, u00ff) CONCAT(\\u00, ff) CONCAT(\\u00ff, 56)\n")
    out, _, _ = same_as_gcc(tmp_path, source)
    assert '"\\u00ff56"' in out


@pytest.mark.parametrize("source,message", [
    ("#if 1\n#else\n", "unterminated #else"),
    ("#if 0\n#elif 1\n", "unterminated #elif"),
    ("#include <nothere.h>\n", "no include path in which to search for nothere.h"),
    ("#define ID(x) x\nID(__has_attribute)\n", "missing '(' after \"__has_attribute\""),
    ("#define ID(x) x\nID(__has_attribute)(packed)\n", "missing '(' after \"__has_attribute\""),
    ("#define ID(x) x\nID(__has_builtin) (__builtin_expect)\n", "missing '(' after \"__has_builtin\""),
    ("#define ID(x) x\n#if ID(__has_include)(<stddef.h>)\n#endif\n", "missing '(' before \"__has_include\""),
    ("_Pragma(\n", "_Pragma takes a parenthesized string literal"),
])
def test_refused_with_gccs_message(tmp_path, source, message):
    """Refused as gcc refuses it, with its message: a builtin whose operand would come
    after the end of a macro argument (it was exit 3: the builtin read past the
    argument), an unterminated group named by its last directive, an <include> with
    no directory to search."""
    both_refuse(tmp_path, source, message)


KERNEL_ASM = """#include <linux/linkage.h>
#include <asm/asm.h>

SYM_FUNC_START(macrotrace_asm_probe)
	_ASM_MOV %_ASM_AX, %_ASM_BX
	RET
SYM_FUNC_END(macrotrace_asm_probe)
"""


@pytest.mark.skipif(KERNEL_TREE is None, reason="no kernel headers: apt-get install linux-headers-amd64")
@pytest.mark.skipif(__import__("shutil").which("make") is None, reason="make is not installed")
def test_kernel_assembler_as_kbuild_compiles_it(tmp_path):
    """A module's .S: Kbuild assembles it (cmd_as_o_S); its command with -E -P is the
    oracle, and macrotrace gives the same text from the .o.cmd and from --kernel-tree."""
    import subprocess
    from macrotrace.compile_command import read_cmd_file, without_output
    tree = KERNEL_TREE
    (tmp_path / "entry.S").write_text(KERNEL_ASM)
    (tmp_path / "Makefile").write_text("obj-m := entry.o\n")
    proc = subprocess.run(["make", "-C", tree, "M=%s" % tmp_path, "entry.o"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    argv, deps = read_cmd_file(str(tmp_path / ".entry.o.cmd"))
    proc = subprocess.run(without_output(argv) + ["-E", "-P"], cwd=tree, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    expected = proc.stdout
    assert "jmp __x86_return_thunk" in expected
    for args in (["entry.S"], ["entry.S", "--no-cmd-file", "--kernel-tree", tree]):
        ours = ours_ok(tmp_path, "expand", *args)
        assert_same_tokens(ours, expected, " ".join(args))
        assert first_spacing_difference(ours, expected) is None
