"""The kernel's side of the journey: how the initcall table is laid out and which
functions call an initcall, at boot and at insmod.

These are facts about one kernel version, Linux 6.1 (Debian bookworm's), not things
macrotrace can read from a module's build: each call is given with where, in 6.1's
source, the caller is defined and the call is written (checked against
linux-source-6.1 by tests/test_journey.py when that tarball is installed).
"""

from dataclasses import dataclass

KERNEL_VERSION = "6.1"


@dataclass(frozen=True)
class Call:
    function: str         # the caller
    defined: str          # where the caller is defined: "init/main.c:912"
    call: str             # the call it makes, as written
    at: str               # where that call is written: "init/main.c:1113"


# start_kernel -> ... -> do_one_initcall(fn): a built-in initcall of levels 0..7.
BOOT = (
    Call("start_kernel", "init/main.c:912", "arch_call_rest_init()", "init/main.c:1113"),
    Call("arch_call_rest_init", "init/main.c:863", "rest_init()", "init/main.c:865"),
    Call("rest_init", "init/main.c:660", "user_mode_thread(kernel_init, NULL, CLONE_FS)", "init/main.c:671"),
    Call("kernel_init", "init/main.c:1478", "kernel_init_freeable()", "init/main.c:1487"),
    Call("kernel_init_freeable", "init/main.c:1568", "do_basic_setup()", "init/main.c:1599"),
    Call("do_basic_setup", "init/main.c:1373", "do_initcalls()", "init/main.c:1379"),
    Call("do_initcalls", "init/main.c:1347", "do_initcall_level(level, command_line)", "init/main.c:1360"),
    Call("do_initcall_level", "init/main.c:1332", "do_one_initcall(initcall_from_entry(fn))",
         "init/main.c:1344"),
    Call("do_one_initcall", "init/main.c:1261", "ret = fn()", "init/main.c:1271"),
)

# early_initcall: run before SMP is up, by do_pre_smp_initcalls, not do_initcalls.
BOOT_EARLY = BOOT[:4] + (
    Call("kernel_init_freeable", "init/main.c:1568", "do_pre_smp_initcalls()", "init/main.c:1587"),
    Call("do_pre_smp_initcalls", "init/main.c:1382", "do_one_initcall(initcall_from_entry(fn))",
         "init/main.c:1388"),
    BOOT[-1],
)

# insmod (kmod, user space) -> finit_module(2) -> ... -> do_one_initcall(mod->init).
INSMOD = (
    Call("insmod", "kmod: tools/insmod.c", "kmod_module_insert_module() -> finit_module(fd, args, flags)",
         "kmod: libkmod/libkmod-module.c"),
    Call("SYSCALL_DEFINE3(finit_module)", "kernel/module/main.c:2954", "load_module(&info, uargs, flags)",
         "kernel/module/main.c:2987"),
    Call("load_module", "kernel/module/main.c:2709", "do_init_module(mod)", "kernel/module/main.c:2887"),
    Call("do_init_module", "kernel/module/main.c:2463", "do_one_initcall(mod->init)",
         "kernel/module/main.c:2478"),
    BOOT[-1],
)

# init/main.c:1302 initcall_levels[] and :1315 initcall_level_names[] (6.1).
INITCALL_LEVELS_AT = "init/main.c:1302"
INITCALL_LEVEL_NAMES_AT = "init/main.c:1315"
LEVEL_NAMES = ("pure", "core", "postcore", "arch", "subsys", "fs", "device", "late")


def level_index(level):
    """The index in initcall_levels[] whose range holds a section of ``level``
    ("6", "6s", "rootfs", "early"), and a note when it is not the level's own number."""
    if level == "early":
        return None, ("early initcalls lie between __initcall_start and __initcall0_start, "
                      "before initcall_levels[0]: do_pre_smp_initcalls runs them, before SMP")
    if level == "rootfs":
        return 5, ("INIT_CALLS_LEVEL(rootfs) sits between levels 5 and 6 and "
                   "__initcallrootfs_start is not in initcall_levels[]: rootfs initcalls run at the "
                   "end of level 5 (fs), before __initcall6_start")
    if level.endswith("s"):
        return int(level[:-1]), ("the sync level's KEEP(*(.initcall%s.init)) follows the level's own "
                                 "in INIT_CALLS_LEVEL(%s): it runs at the end of level %s"
                                 % (level, level[:-1], level[:-1]))
    return int(level), ""
