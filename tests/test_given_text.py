"""Text that is in no file: -e TEXT and - (standard input), for traces and expand,
as ``echo TEXT | cpp`` preprocesses it (gcc is the oracle)."""

import json
import os
import subprocess
import sys
import tempfile

import pytest

from difftest import GCC, first_difference, run_macrotrace, tokens

from macrotrace.resources import headers_dir

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is not installed")
KERNEL_FLAGS = ["-include", "linux/init.h", "-include", "linux/module.h", "--lto"]


def macrotrace_stdin(argv, text, cwd=None):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "macrotrace"] + argv, input=text, capture_output=True,
                          text=True, cwd=cwd, env=env)


def gcc_stdin(flags, text, cwd=None):
    proc = subprocess.run([GCC, "-E", "-P", "-undef", "-std=gnu11", "-nostdinc"] + flags + ["-"], input=text,
                          capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _temp_dirs():
    return {d for d in os.listdir(tempfile.gettempdir()) if d.startswith("macrotrace-stdin-")}


@needs_gcc
def test_the_issue_example_traces_what_gcc_expands():
    before = _temp_dirs()
    status, out, err = run_macrotrace(["-e", "module_init(foo)"] + KERNEL_FLAGS + ["--format", "json"])
    assert status == 0, err
    data = json.loads(out)
    assert data["macro"] == "module_init" and data["file"] == "<stdin>"
    inv = data["invocations"][0]
    assert (inv["file"], inv["line"], inv["source"]) == ("<stdin>", 1, "module_init(foo)")
    expected = gcc_stdin(["-I", headers_dir(), "-include", "linux/init.h", "-include", "linux/module.h",
                          "-DCONFIG_LTO_CLANG", '-DKBUILD_MODNAME="stdin"', "-D__KBUILD_MODNAME=kmod_stdin",
                          '-DKBUILD_MODFILE="stdin"'], "module_init(foo)\n")
    assert tokens(inv["result"]) == tokens(expected)[-len(tokens(inv["result"])):]
    assert [d["name"] for d in inv["declarations"]] == ["__initcall__kmod_stdin__0_1_foo6"]
    assert _temp_dirs() <= before, "the text's temporary file is left behind"


@needs_gcc
def test_stdin_expand_is_gccs(tmp_path):
    (tmp_path / "local.h").write_text("#define LOCAL 42\n")
    text = ('#include "local.h"\n#define CAT(a, b) a ## b\nint CAT(x, __LINE__) = LOCAL;\n'
            'const char *f = __FILE__, *b = __BASE_FILE__;\nint c = __COUNTER__;\n')
    proc = macrotrace_stdin(["expand", "-", "--no-bundled-headers"], text, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    expected = gcc_stdin([], text, cwd=str(tmp_path))
    assert first_difference(proc.stdout, expected) is None
    assert '"<stdin>"' in proc.stdout


def test_stdin_trace_names_stdin():
    proc = macrotrace_stdin(["module_exit", "-", "-include", "linux/module.h", "--color", "never"],
                            "static void bye(void) {}\nmodule_exit(bye);\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("module_exit in <stdin> — 1 invocation")
    assert "<stdin>:2:1: module_exit(bye)" in proc.stdout


def test_e_for_expand_and_a_chosen_macro():
    status, out, err = run_macrotrace(["expand", "-e", "#define A(x) x + 1\nA(A(2))"])
    assert status == 0, err
    assert out.split() == ["2", "+", "1", "+", "1"]
    status, out, err = run_macrotrace(["-e", "#define A(x) x + 1\nA(2)", "A", "--format", "json"])
    assert status == 0, err
    assert json.loads(out)["invocations"][0]["result"] == "2 + 1"


def test_positions_in_errors_name_stdin():
    status, _, err = run_macrotrace(["expand", "-e", '#include "nonexistent.h"'])
    assert status == 2
    assert err.strip() == "<stdin>:1: error: nonexistent.h: No such file or directory"


@pytest.mark.parametrize("argv, message", [
    ([], "give MACRO FILE, or the text with -e TEXT or - (standard input)"),
    (["expand"], "give FILE, or the text with -e TEXT or - (standard input)"),
    (["-e", "x", "x", "examples/hello.c"], "-e TEXT is the source to read: give no FILE (examples/hello.c) with it"),
    (["-e", "42"], "the text has no identifier to trace"),
])
def test_usage_without_a_source(argv, message):
    status, _, err = run_macrotrace(argv, cwd=ROOT)
    assert status == 2
    assert err.startswith("macrotrace: error: " + message), err


def test_a_snapshot_of_stdin_records_the_text(tmp_path):
    """check re-runs a snapshot's command: standard input is recorded as -e TEXT."""
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    proc = macrotrace_stdin(["module_init", "-", "-include", "linux/module.h", "--format", "json",
                             "-o", str(snaps / "s.json")], "module_init(x)\n")
    assert proc.returncode == 0, proc.stderr
    with open(snaps / "s.json") as fh:
        assert json.load(fh)["command"] == ["module_init", "-e", "module_init(x)\n", "-include", "linux/module.h"]
    proc = macrotrace_stdin(["check", str(snaps)], "")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok ")


def test_diff_of_stdin_reads_it_once():
    proc = macrotrace_stdin(["diff", "module_init", "-", "-include", "linux/module.h", "--a=--lto",
                             "--b=--lto"], "module_init(x)\n")
    assert proc.returncode == 0, proc.stderr      # the same text both times: equal
