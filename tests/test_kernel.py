"""Against a real kernel tree (Debian's linux-headers-amd64): Kbuild builds two modules
here, and macrotrace must reproduce exactly what gcc preprocessed for them.

Skipped, with the reason, when no kernel headers or no make are installed; CI
installs linux-headers-amd64 so these run there.
"""

import glob
import json
import os
import shutil
import subprocess

import pytest

from difftest import first_difference, first_spacing_difference, run_macrotrace, tokens

from macrotrace.compile_command import find_build_dir, parse_command, read_cmd_file, without_output


def _tree():
    for pattern in ("/usr/src/linux-headers-*-amd64", "/lib/modules/%s/build" % os.uname().release):
        for d in sorted(glob.glob(pattern)):
            if os.path.exists(os.path.join(d, "Makefile")):
                return d
    return None


TREE = _tree()
pytestmark = [
    pytest.mark.kernel,
    pytest.mark.skipif(TREE is None, reason="no kernel headers: apt-get install linux-headers-amd64"),
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
]

HELLO = """#include <linux/init.h>
#include <linux/module.h>

MODULE_LICENSE("GPL");

static int __init hello_init(void)
{
\tpr_info("hello\\n");
\treturn 0;
}

static void __exit hello_exit(void)
{
\tpr_info("bye\\n");
}

module_init(hello_init);
module_exit(hello_exit);
"""

SECOND = """#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/build_bug.h>
#include <linux/container_of.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("macrotrace tests");

static int depth = 3;
module_param(depth, int, 0444);

struct box { int a; long inner; };

int second_value(void)
{
\tstruct box b = { .a = 1, .inner = 2 };
\tlong *p = &b.inner;
\tBUILD_BUG_ON(sizeof(struct box) < sizeof(long));
\treturn min(depth, 10) + container_of(p, struct box, inner)->a;
}
EXPORT_SYMBOL_GPL(second_value);

static int __init second_init(void)
{
\tpr_info("second: %d\\n", second_value());
\treturn 0;
}
late_initcall(second_init);
"""


# A unit that pulls in much of the kernel's headers (719,010 tokens after -E): list,
# locking, net, PCI, USB, RCU, overflow helpers; and macros with statement expressions,
# _Generic, typeof and nested __VA_ARGS__ forwarding to trace.
THIRD = """#include <linux/module.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/sched.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/interrupt.h>
#include <linux/platform_device.h>
#include <linux/of.h>
#include <linux/uaccess.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/miscdevice.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/usb.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <linux/xarray.h>
#include <linux/overflow.h>

MODULE_LICENSE("GPL");
static DEFINE_MUTEX(big_lock);
static LIST_HEAD(big_list);
struct item { struct list_head node; int v; };
static int __init big_init(void)
{
\tstruct item *it, *tmp;
\tsize_t n = struct_size((struct { int n; int a[]; } *)0, a, 4);
\tmutex_lock(&big_lock);
\tlist_for_each_entry_safe(it, tmp, &big_list, node)
\t\tkfree(it);
\tmutex_unlock(&big_lock);
\tpr_info("big %zu %d\\n", n, READ_ONCE(jiffies) > 0);
\tWARN_ON_ONCE(n == 0);
\treturn 0;
}
module_init(big_init);
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    d = tmp_path_factory.mktemp("kmod")
    (d / "hello.c").write_text(HELLO)
    (d / "second.c").write_text(SECOND)
    (d / "third.c").write_text(THIRD)
    (d / "Makefile").write_text("obj-m := hello.o second.o third.o\n")
    proc = subprocess.run(["make", "-C", TREE, "M=%s" % d, "modules"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return str(d)


def kbuild_command(built, name, module=True):
    argv, deps = read_cmd_file(os.path.join(built, ".%s.o.cmd" % name))
    cwd = find_build_dir(deps, parse_command(argv), hints=[TREE])
    assert cwd, "could not find the build directory"
    if not module:
        # as Kbuild compiles a built-in object: no MODULE, and the file named
        argv = [a for a in argv if a != "-DMODULE"] + ['-DKBUILD_MODFILE="%s"' % name]
    return argv, cwd


def gcc_preprocess(argv, cwd):
    """gcc's own -E of Kbuild's command (dependency output and -c -o dropped)."""
    proc = subprocess.run(without_output(argv) + ["-E", "-P"], capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize("name", ["hello", "second", "third"])
@pytest.mark.parametrize("module", [True, False], ids=["module", "builtin"])
def test_translation_unit_matches_gcc(built, name, module):
    argv, cwd = kbuild_command(built, name, module)
    expected = gcc_preprocess(argv, cwd)
    src = os.path.join(built, name + ".c")
    if module:
        args = ["expand", src]                    # the .o.cmd beside it is found and used
    else:
        args = ["expand", src, "--"] + argv
    status, ours, err = run_macrotrace(args, cwd=cwd if not module else built)
    assert status == 0, err
    diff = first_difference(ours, expected) or first_spacing_difference(ours, expected)
    assert diff is None, diff
    assert len(tokens(expected)) > 100000


def test_kernel_tree_option_matches_kbuild(built):
    """--kernel-tree asks Kbuild itself (a probe module) and gets the same unit."""
    argv, cwd = kbuild_command(built, "hello")
    expected = gcc_preprocess(argv, cwd)
    status, ours, err = run_macrotrace(["expand", os.path.join(built, "hello.c"), "--no-cmd-file",
                                        "--kernel-tree", TREE, "--module"])
    assert status == 0, err
    assert first_difference(ours, expected) is None


TRACED = {
    "hello": ["module_init", "module_exit", "MODULE_LICENSE", "pr_info"],
    "second": ["late_initcall", "module_param", "EXPORT_SYMBOL_GPL", "MODULE_AUTHOR", "BUILD_BUG_ON",
               "min", "container_of", "pr_info"],
    "third": ["list_for_each_entry_safe", "struct_size", "READ_ONCE", "WARN_ON_ONCE", "DEFINE_MUTEX",
              "LIST_HEAD", "module_init", "pr_info"],
}


def _contains(haystack, needle):
    n = len(needle)
    first = needle[0]
    for i in range(len(haystack) - n + 1):
        if haystack[i] == first and haystack[i:i + n] == needle:
            return True
    return False


@pytest.mark.parametrize("module", [True, False], ids=["module", "builtin"])
@pytest.mark.parametrize("name", ["hello", "second", "third"])
def test_traced_results_are_gccs_text(built, name, module):
    argv, cwd = kbuild_command(built, name, module)
    expected = tokens(gcc_preprocess(argv, cwd))
    src = os.path.join(built, name + ".c")
    for macro in TRACED[name]:
        status, out, err = run_macrotrace([macro, src, "--format", "json", "--"] + argv, cwd=cwd)
        assert status == 0, "%s: %s" % (macro, err)
        data = json.loads(out)
        assert data["invocations"], macro
        for inv in data["invocations"]:
            result = tokens(inv["result"])
            assert result and _contains(expected, result), "%s at line %d: %s" % (macro, inv["line"], inv["result"])
            assert inv["steps"][-1]["text"] == inv["result"]


def test_initcall_forms_in_a_real_tree(built):
    """Built-in: PREL32 asm form and .initcall sections; module: init_module alias."""
    src = os.path.join(built, "hello.c")
    argv, cwd = kbuild_command(built, "hello", module=False)
    status, out, err = run_macrotrace(["module_init", src, "--format", "json", "--"] + argv, cwd=cwd)
    assert status == 0, err
    data = json.loads(out)
    inv = data["invocations"][0]
    assert data["config"]["switches"]["MODULE"] is False
    assert data["config"]["switches"]["CONFIG_HAVE_ARCH_PREL32_RELOCATIONS"] is True
    assert '".initcall6" ".init"' in inv["result"] and '.long' in inv["result"] and "- ." in inv["result"]
    assert "__initcall__kmod_hello__" in inv["result"]
    macros = {s["macro"] for s in inv["steps"][1:]}
    assert {"__define_initcall", "__initcall_id", "__COUNTER__", "__LINE__", "__PASTE"} <= macros
    argv, cwd = kbuild_command(built, "hello", module=True)
    status, out, err = run_macrotrace(["module_init", src, "--format", "json", "--"] + argv, cwd=cwd)
    data = json.loads(out)
    assert data["config"]["switches"]["MODULE"] is True
    assert "init_module" in data["invocations"][0]["result"]


@pytest.mark.parametrize("module", [True, False], ids=["module", "builtin"])
def test_declarations_match_the_kernel_object(built, module):
    """--verify on the real tree: every declaration of every traced invocation is in
    the object Kbuild's command produces, where the table says."""
    argv, cwd = kbuild_command(built, "second", module)
    src = os.path.join(built, "second.c")
    for macro in ("late_initcall", "MODULE_LICENSE", "MODULE_AUTHOR", "EXPORT_SYMBOL_GPL"):
        status, out, err = run_macrotrace([macro, src, "--verify", "--color", "never", "--"] + argv, cwd=cwd)
        assert status == 0, err
        assert "verified against the object file" in out, err
        assert out.rstrip().endswith("0 mismatches"), out[out.index("verified"):]
