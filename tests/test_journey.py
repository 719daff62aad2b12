"""The whole journey (issue 16): from module_init to the call at boot or at insmod, and
the fixes it needed on the way (--verify on a file that does not compile, initcalls with
--kernel-tree, --kernel-tree defining MODULE)."""

import os
import shutil

import pytest

from difftest import run_macrotrace

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HELLO = os.path.join(ROOT, "examples", "hello.c")
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")

BROKEN = """#include <linux/init.h>
#include <linux/module.h>

static int __init broken_init(void)
{
\treturn no_such_variable;
}
module_init(broken_init);
"""


@needs_gcc
def test_verify_fails_when_the_file_does_not_compile(tmp_path):
    """The trace succeeds (the preprocessor has nothing against the file) but the compile
    fails: --verify says so with gcc's first error line and exits non-zero."""
    src = tmp_path / "broken.c"
    src.write_text(BROKEN)
    status, out, err = run_macrotrace(["module_init", str(src), "--verify", "--color", "never"])
    assert status != 0
    assert "broken.c:6:" in err and "error:" in err and "no_such_variable" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
