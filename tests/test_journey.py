"""The whole journey (issue 16): from module_init to the call at boot or at insmod, and
the fixes it needed on the way (--verify on a file that does not compile, initcalls with
--kernel-tree, --kernel-tree defining MODULE)."""

import json
import os
import shutil

import pytest

from difftest import run_macrotrace
from test_kernel import TREE

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




def needs_tree(test):
    """A test on Debian's linux-headers (Kbuild is run): skipped, with the reason, without."""
    for mark in (pytest.mark.kernel,
                 pytest.mark.skipif(TREE is None, reason="no kernel headers: apt-get install linux-headers-amd64"),
                 pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")):
        test = mark(test)
    return test

DRIVER = """#include <linux/init.h>
#include <linux/module.h>
static int __init {n}_init(void) {{ return 0; }}
late_initcall({n}_init);
static int __init {n}_early(void) {{ return 0; }}
core_initcall({n}_early);
"""


@pytest.mark.parametrize("builtin", [True, False])
@needs_tree
def test_initcalls_relative_paths_on_a_kernel_tree(tmp_path, builtin):
    """initcalls FILE... --kernel-tree with paths relative to the working directory:
    every file is compiled as Kbuild compiles it, with its own KBUILD_MODNAME; as Kbuild
    builds an out-of-tree module, MODULE is defined unless --builtin."""
    for n in ("drv_a", "drv_b"):
        (tmp_path / (n + ".c")).write_text(DRIVER.format(n=n))
    args = ["initcalls", "drv_a.c", "drv_b.c", "--kernel-tree", TREE, "--format", "json"]
    status, out, err = run_macrotrace(args + (["--builtin"] if builtin else []), cwd=str(tmp_path))
    assert status == 0, err
    calls = json.loads(out)
    assert [c["function"] for c in calls] == (
        ["drv_a_early", "drv_b_early", "drv_a_init", "drv_b_init"] if builtin else
        ["drv_a_init", "drv_a_early", "drv_b_init", "drv_b_early"])
    for c in calls:
        stem = c["file"].split(".")[0]
        assert c["file"] in ("drv_a.c", "drv_b.c")
        if builtin:
            # each file's own module name is in its entry's name: kmod_drv_a, kmod_drv_b
            assert c["entry"].startswith("__initcall__kmod_%s__" % stem), c
            assert c["level"] in ("1", "7")
        else:
            assert c["level"] is None and "init_module" in c["note"]
