"""The initcall order: which function runs when, as do_initcalls() runs them.

Every initcall macro written in the given files is traced; the section of the entry
it declares (``.initcall6.init``, with LTO ``.initcall6.init..<id>``) gives its level.
The linker script's INIT_CALLS gathers the sections level by level, in this order,
and within a level keeps link order (the order of the files, then of the lines):

    __initcall_start = .;  KEEP(*(.initcallearly.init))
    INIT_CALLS_LEVEL(0) ... INIT_CALLS_LEVEL(5)  INIT_CALLS_LEVEL(rootfs)
    INIT_CALLS_LEVEL(6) INIT_CALLS_LEVEL(7)      __initcall_end = .;

where INIT_CALLS_LEVEL(n) is ``__initcall<n>_start = .; KEEP(*(.initcall<n>.init))
KEEP(*(.initcall<n>s.init))``.  With LTO the per-initcall sections are put in the
same order by a generated linker script.  Built as a module there is no initcall
section: the loader calls init_module once (do_init_module).
"""

import json
import re
from dataclasses import asdict, dataclass
from typing import Optional

from .record import replace

MACROS = ["early_initcall", "pure_initcall", "core_initcall", "core_initcall_sync", "postcore_initcall",
          "postcore_initcall_sync", "arch_initcall", "arch_initcall_sync", "subsys_initcall",
          "subsys_initcall_sync", "fs_initcall", "fs_initcall_sync", "rootfs_initcall", "device_initcall",
          "device_initcall_sync", "late_initcall", "late_initcall_sync", "module_init", "__initcall",
          "console_initcall"]
LEVELS = ["early", "0", "1", "1s", "2", "2s", "3", "3s", "4", "4s", "5", "5s", "rootfs", "6", "6s", "7", "7s"]
NAMES = {"early": "early (before SMP)", "0": "pure", "1": "core", "2": "postcore", "3": "arch",
         "4": "subsys", "5": "fs", "rootfs": "rootfs", "6": "device", "7": "late"}


def level_name(level):
    if level.endswith("s") and level != "rootfs":
        return NAMES[level[:-1]] + "_sync"
    return NAMES.get(level, level)


@dataclass
class Initcall:
    function: str
    macro: str
    file: str
    line: int
    level: Optional[str]          # None when built as a module
    section: Optional[str]
    entry: Optional[str]          # the table entry's symbol
    link_order: int
    note: str = ""


def _entry_of(inv):
    for d in inv.declarations:
        if d.section and d.section.startswith(".initcall"):
            return d
    return None


def collect(configs, run_trace):
    """Initcalls of the files ``configs`` describe (one RunConfig per file, in link
    order: each file is its own unit, with its own KBUILD_MODNAME and, on a kernel
    tree, its own compiler command), in do_initcalls() order."""
    calls = []
    for n, config in enumerate(configs):
        trace, _ = run_trace(replace(config, macro=",".join(MACROS)))
        for inv in trace.invocations:
            m = re.match(r"\s*\w+\s*\(\s*(\w+)", inv.source)
            fn = m.group(1) if m else inv.source
            macro = inv.source.split("(")[0].strip()
            entry = _entry_of(inv)
            if entry is None:
                calls.append(Initcall(fn, macro, inv.file, inv.line, None, None, None, n,
                                      "module: init_module, called once by do_init_module at insmod"
                                      if "init_module" in inv.result else "no initcall entry"))
                continue
            m = re.match(r"\.initcall(\w+?)\.init(\.\..*)?$", entry.section)
            level = m.group(1) if m else None
            calls.append(Initcall(fn, macro, inv.file, inv.line, level, entry.section, entry.name, n))
    rank = {lvl: k for k, lvl in enumerate(LEVELS)}
    calls.sort(key=lambda c: (c.level is None, rank.get(c.level, len(LEVELS)), c.link_order, c.line))
    return calls


def render_text(calls, options=None):
    out = ["initcalls in the order do_initcalls() runs them (level, then link order):", ""]
    current = object()
    for c in calls:
        if c.level != current:
            current = c.level
            if c.level is None:
                out.append("built as a module (no initcall level):")
            else:
                out.append("level %s — %s, gathered by %s" % (
                    c.level, level_name(c.level),
                    "KEEP(*(.initcallearly.init))" if c.level == "early" else
                    "INIT_CALLS_LEVEL(%s): KEEP(*(.initcall%s.init))" % (c.level.rstrip("s") if c.level != "rootfs" else c.level, c.level)))
        where = "%s:%d" % (c.file, c.line)
        if c.level is None:
            out.append("  %-28s %-16s %s  (%s)" % (c.function, c.macro, where, c.note))
        else:
            out.append("  %-28s %-16s %s  section %s, entry %s" % (c.function, c.macro, where, c.section, c.entry))
    return "\n".join(out) + "\n"


def render_json(calls, options=None):
    return json.dumps([asdict(c) for c in calls], indent=1) + "\n"
