"""shellwords.split is shlex.split (POSIX, no comments), faster: the same words, the
same error, on real Kbuild commands and on any text of the characters that matter."""

import glob
import os
import shlex
import shutil

import pytest
from hypothesis import given, settings, strategies as st

import test_kernel
from test_kernel import built  # noqa: F401  (the fixture: Kbuild builds the test modules)

from macrotrace import shellwords


def _both(text):
    try:
        want = ("ok", shlex.split(text))
    except ValueError as e:
        want = ("error", str(e))
    try:
        got = ("ok", shellwords.split(text))
    except ValueError as e:
        got = ("error", str(e))
    return got, want


@pytest.mark.parametrize("text", [
    "", "   ", "gcc -c x.c", " a\tb\nc\rd ", "-DX='\"v\"'", '-DX="a b"c', "a''b", "''", '""',
    r'"a\"b"', r'"a\\b"', r'"a\$b"', r"a\ b", "a\\\nb", r"'a\'", r'"\\"', "'unclosed", '"unclosed',
    "trailing\\", "x\fy", "x\xa0y", "é 'ü'", r'-D__KBUILD_MODNAME=kmod_x -DKBUILD_BASENAME=\"x\"',
])
def test_examples(text):
    got, want = _both(text)
    assert got == want


@pytest.mark.kernel
@pytest.mark.skipif(test_kernel.TREE is None or shutil.which("make") is None,
                    reason="no kernel headers (apt-get install linux-headers-amd64) or no make")
def test_every_command_of_a_real_kbuild_build(built):
    paths = glob.glob(os.path.join(built, ".*.cmd"))
    commands = []
    for path in paths:
        with open(path, errors="surrogateescape") as fh:
            for line in fh.read().replace("\\\n", " ").splitlines():
                if ":=" in line:
                    commands.append(line.split(":=", 1)[1])
    assert len(commands) >= 6, paths
    for command in commands:
        got, want = _both(command)
        assert got == want, command


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="ab \t\n\r\f'\"\\$=-é", max_size=40))
def test_any_text(text):
    got, want = _both(text)
    assert got == want, repr(text)
