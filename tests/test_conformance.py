"""macrotrace expand == gcc -E, token for token, on every case in tests/cases.

Each case is a small C file exercising one area of the standard or a GNU extension;
a first line ``// flags: ...`` gives extra flags for both gcc and macrotrace.
"""

import glob
import os

import pytest

from difftest import GCC, assert_same_tokens, first_spacing_difference, gcc_expand, ours_expand

CASES = os.path.join(os.path.dirname(__file__), "cases")
FILES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CASES, "*.c")) if not p.endswith("cc_gcc.c"))

pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")


def case_flags(name):
    with open(os.path.join(CASES, name), encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
    return first.split(":", 1)[1].split() if first.startswith("// flags:") else []


@pytest.mark.parametrize("name", FILES)
def test_case_matches_gcc(name):
    flags = case_flags(name)
    rc, expected, err = gcc_expand(name, flags, cwd=CASES)
    assert rc == 0, "the case itself must be valid for gcc: %s" % err
    status, ours, our_err = ours_expand(name, flags, cwd=CASES)
    assert status == 0, our_err
    assert_same_tokens(ours, expected, name)
    # and printed the way gcc prints them: the same spaces between tokens
    diff = first_spacing_difference(ours, expected)
    assert diff is None, "%s: %s" % (name, diff)


def test_there_are_many_cases():
    assert len(FILES) >= 20


@pytest.mark.parametrize("flags", [[], ["-O2", "-m64"], ["-std=gnu99"]], ids=["plain", "O2", "gnu99"])
def test_cc_takes_the_compilers_predefined_macros(flags):
    """--cc gcc: predefined macros come from gcc itself (for the flags in effect)."""
    import subprocess
    proc = subprocess.run([GCC, "-E", "-P"] + flags + ["cc_gcc.c"], capture_output=True, text=True, cwd=CASES)
    assert proc.returncode == 0, proc.stderr
    from difftest import run_macrotrace
    status, ours, err = run_macrotrace(["expand", "cc_gcc.c", "--no-bundled-headers", "--"] +
                                       [GCC] + flags + ["cc_gcc.c"], cwd=CASES)
    assert status == 0, err
    assert_same_tokens(ours, proc.stdout, "cc_gcc.c %s" % flags)
    assert "modern_gcc" in ours
    status, ours2, err = run_macrotrace(["expand", "cc_gcc.c", "--no-bundled-headers", "--cc", "gcc"] + flags,
                                        cwd=CASES)
    if not flags:
        assert status == 0, err
        assert_same_tokens(ours2, proc.stdout, "--cc gcc")
