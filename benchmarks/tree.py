"""Real Kbuild units of one kernel tree, for the benchmarks (issue 18).

Needs Debian's ``linux-headers-amd64`` (the configured tree, with Kbuild) and
``linux-source-6.1`` (the real source files: ``/usr/src/linux-source-6.1.tar.xz``).
Source files of several directories (lib, crypto, fs, kernel, mm, net, drivers...) that
include only ``<...>`` headers and invoke a macro a trace can follow are copied into one
out-of-tree module directory and built by Kbuild (``make M=...``), which writes each
unit's real compiler command (``.NAME.o.cmd``).  A unit whose build fails out of tree
(it needs configuration or files Debian's headers lack) is skipped, and the reason is
kept.  ``build_units`` is what ``benchmarks/run.py`` measures; run this file to see
which units build and how many headers each includes.
"""

import os
import re
import shutil
import subprocess
import sys
import tarfile

from kernel_tree import kernel_tree

SOURCE_TARBALL = "/usr/src/linux-source-6.1.tar.xz"
PREFIX = "linux-source-6.1/"
# the directories a tree set is drawn from, as in the 185 files of drivers, fs,
# crypto, lib...; each gives up to ``per_dir`` units, spread over its sorted file names
# (mm/ is left out: its files build only into the kernel)
DIRS = ("lib", "crypto", "fs", "kernel", "net/core", "net/ipv4", "block", "drivers/char",
        "drivers/misc", "drivers/net", "drivers/hwmon", "drivers/watchdog")
# a big unit: ~900 distinct headers (gcc -M), about the most of any file of Linux 6.1
# against Debian's configuration (the 432 MB unit "included 1,324"); its own
# "dev.h" and "net-sysfs.h" are copied beside it
BIG_UNIT = "net/core/dev.c"
# macros a trace of a unit follows: the first one the unit invokes at the start of a line
TRACEABLE = ("module_init", "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL", "MODULE_LICENSE")


class Unit:
    """One unit: its source, Kbuild's command file, and a macro it invokes."""

    def __init__(self, src, cmd, macro, directory):
        self.src, self.cmd, self.macro, self.directory = src, cmd, macro, directory
        self.name = "%s/%s" % (directory, os.path.basename(src).split("__", 1)[-1])

    def headers(self):
        """How many headers the unit includes (Kbuild's dependency list)."""
        from macrotrace.compile_command import read_cmd_file
        return sum(1 for d in read_cmd_file(self.cmd)[1] if d.endswith(".h"))

    def gcc_command(self):
        """(argv, cwd): Kbuild's command for the unit, preprocessing only, as ``cpp -P``."""
        from macrotrace.compile_command import find_build_dir, parse_command, read_cmd_file, without_output
        argv, deps = read_cmd_file(self.cmd)
        return (without_output(argv) + ["-E", "-P", "-o", os.devnull],
                find_build_dir(deps, parse_command(argv), [kernel_tree()]))

    def args(self):
        """macrotrace's arguments after the command's name and macro."""
        return [self.src, "--cmd-file", self.cmd]


def traceable_macro(text):
    for macro in TRACEABLE:
        if re.search(rb"^%s\(" % macro.encode(), text, re.M):
            return macro
    return None


def _spread(names, count):
    """``count`` names spread evenly over the sorted list (not the first ones only)."""
    names = sorted(names)
    if len(names) <= count:
        return names
    return [names[i * len(names) // count] for i in range(count)]


def available():
    """None when the units can be built here, else what is missing."""
    if kernel_tree() is None or not os.path.exists(SOURCE_TARBALL) or shutil.which("make") is None:
        return "needs linux-headers-amd64, linux-source-6.1 and make"
    return None


def build_units(work, per_dir, big=True, extra=()):
    """Build up to ``per_dir`` files of each of DIRS (and BIG_UNIT) with Kbuild.

    ``extra`` is [(file name, text)] of further sources to build with them (generated
    units).  Returns (units, big unit or None, {extra name: Unit}, [skipped: reason]).
    """
    src_dir = os.path.join(work, "units")
    os.makedirs(src_dir)
    texts = {}
    with tarfile.open(SOURCE_TARBALL) as tar:
        for m in tar:
            if not (m.isfile() and m.name.startswith(PREFIX) and m.name[-2:] in (".c", ".h")):
                continue
            rel = m.name[len(PREFIX):]
            if m.name.endswith(".c") and (os.path.dirname(rel) in DIRS or (big and rel == BIG_UNIT)):
                texts[rel] = tar.extractfile(m).read()
            elif big and m.name.endswith(".h") and os.path.dirname(rel) == os.path.dirname(BIG_UNIT):
                texts[rel] = tar.extractfile(m).read()
    chosen, skipped = [], []
    for d in DIRS:
        fit = [rel for rel in texts if os.path.dirname(rel) == d and rel.endswith(".c")
               and b'#include "' not in texts[rel] and traceable_macro(texts[rel])]
        # two more than wanted: some fail out of tree
        chosen += _spread(fit, per_dir + 2)
    if big:
        chosen.append(BIG_UNIT)
        for rel in texts:
            if rel.endswith(".h"):
                with open(os.path.join(src_dir, os.path.basename(rel)), "wb") as fh:
                    fh.write(texts[rel])
    files = {}      # module file name -> (directory, macro)
    for rel in chosen:
        # unique module names: the directory is part of the name (dir__file.c)
        name = "%s__%s" % (os.path.dirname(rel).replace("/", "_"), os.path.basename(rel).replace("-", "_"))
        with open(os.path.join(src_dir, name), "wb") as fh:
            fh.write(texts[rel])
        files[name] = (os.path.dirname(rel), traceable_macro(texts[rel]))
    for name, text in extra:
        with open(os.path.join(src_dir, name), "w") as fh:
            fh.write(text)
        files[name] = ("generated", traceable_macro(text.encode()))
    with open(os.path.join(src_dir, "Makefile"), "w") as fh:
        fh.write("obj-m := %s\n" % " ".join(n[:-2] + ".o" for n in sorted(files)))
    # -k: keep going past the units that need what an out-of-tree build lacks; only the
    # objects matter (modpost may refuse symbols that built-in code uses)
    proc = subprocess.run(["make", "-k", "-j2", "-C", kernel_tree(), "M=" + src_dir,
                           "KBUILD_MODPOST_WARN=1", "modules"], capture_output=True, text=True)
    units, generated, big_unit, per = [], {}, None, {}
    for name in sorted(files):
        directory, macro = files[name]
        cmd = os.path.join(src_dir, ".%s.o.cmd" % name[:-2])
        if not (os.path.exists(cmd) and os.path.exists(os.path.join(src_dir, name[:-2] + ".o"))):
            errors = [ln for ln in proc.stderr.splitlines() if name in ln and "error" in ln]
            skipped.append("%s/%s: %s" % (directory, name.split("__", 1)[-1],
                                          errors[0].split("error:", 1)[-1].strip() if errors
                                          else "Kbuild did not build it out of tree"))
            continue
        unit = Unit(os.path.join(src_dir, name), cmd, macro, directory)
        if directory == "generated":
            generated[name] = unit
        elif big and name.endswith("__" + os.path.basename(BIG_UNIT)) and \
                directory == os.path.dirname(BIG_UNIT):
            big_unit = unit
        elif per.get(directory, 0) < per_dir:
            per[directory] = per.get(directory, 0) + 1
            units.append(unit)
    return units, big_unit, generated, skipped


def main():
    import argparse
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description="build the benchmark's Kbuild units and list them")
    ap.add_argument("--per-dir", type=int, default=2)
    ns = ap.parse_args()
    why = available()
    if why:
        sys.exit("real Kbuild units: skipped (%s)" % why)
    work = tempfile.mkdtemp(prefix="macrotrace-tree-")
    try:
        units, big, _, skipped = build_units(work, ns.per_dir)
        for u in units + ([big] if big else []):
            print("%-44s %5d headers  %s" % (u.name, u.headers(), u.macro))
        for s in skipped:
            print("skipped: " + s)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
