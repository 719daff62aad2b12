"""Inputs gcc accepts that macrotrace once refused or crashed on (issue 15): each one is
run through ``gcc -E -P`` and ``macrotrace expand`` with the same flags, and the outputs
must be the same tokens, spaced the same way."""

import os

import pytest

from difftest import (GCC, assert_same_tokens, first_spacing_difference, gcc_expand, ours_expand,
                      run_macrotrace)

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


# -- the crash ------------------------------------------------------------------

def test_pragma_operator_as_a_macro_argument(tmp_path):
    """``ID(_Pragma) ("foo")`` once ended in exit 3 (IndexError): gcc prints #pragma foo."""
    out, _, _ = same_as_gcc(tmp_path, '#define ID(x) x\nID(_Pragma) ("foo")\nafter\n')
    assert "#pragma foo" in out


def test_pragma_operator_as_a_macro_argument_traced(tmp_path):
    (tmp_path / "t.c").write_text('#define ID(x) x\nID(_Pragma) ("foo")\n')
    status, out, err = run_macrotrace(["ID", "t.c", "--no-bundled-headers", "--format", "json"],
                                      cwd=str(tmp_path))
    assert status == 0, err
    import json
    inv = json.loads(out)["invocations"][0]
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
    status, out, err = run_macrotrace(["expand", "p.S", "--no-bundled-headers", "--cc", "gcc"],
                                      cwd=str(tmp_path))
    assert status == 0, err
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


def _kernel_tree():
    import glob
    for d in sorted(glob.glob("/usr/src/linux-headers-*-amd64")):
        if os.path.exists(os.path.join(d, "Makefile")):
            return d
    return None


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


@pytest.mark.skipif(_kernel_tree() is None, reason="no kernel headers: apt-get install linux-headers-amd64")
@pytest.mark.skipif(__import__("shutil").which("make") is None, reason="make is not installed")
def test_kernel_linker_script_as_kbuild_makes_it(tmp_path):
    """A module's .lds.S using the kernel's include/asm-generic/vmlinux.lds.h: Kbuild
    preprocesses it (cmd_cpp_lds_S), and macrotrace gives the same text, both from the
    .cmd file Kbuild left and from --kernel-tree alone."""
    import subprocess
    tree = _kernel_tree()
    (tmp_path / "probe.lds.S").write_text(KERNEL_LDS)
    (tmp_path / "Makefile").write_text("obj-m := dummy.o\n")
    proc = subprocess.run(["make", "-C", tree, "M=%s" % tmp_path, "probe.lds"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    expected = (tmp_path / "probe.lds").read_text()
    assert "__initcall0_start = .;" in expected
    for args in (["probe.lds.S"], ["probe.lds.S", "--no-cmd-file", "--kernel-tree", tree]):
        status, ours, err = run_macrotrace(["expand"] + args, cwd=str(tmp_path))
        assert status == 0, err
        assert_same_tokens(ours, expected, " ".join(args))
        assert first_spacing_difference(ours, expected) is None


def test_linker_script_traced(tmp_path):
    """A trace in a linker script: each step, and the result is gcc's text."""
    import json
    (tmp_path / "s.lds.S").write_text(LINKER_SCRIPT)
    status, out, err = run_macrotrace(["LEVEL", "s.lds.S", "--no-bundled-headers", "--format", "json",
                                       "--line", "10"], cwd=str(tmp_path))
    assert status == 0, err
    doc = json.loads(out)
    assert [inv["result"] for inv in doc["invocations"]][:1] == [
        "__initcall0_start = .; KEEP(*(.initcall0.init)) KEEP(*(.initcall0s.init))"]
    assert doc["invocations"][0]["declarations"] == []
