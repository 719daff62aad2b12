"""Speed on a whole tree: real Kbuild units of one kernel, one after another.

Needs Debian's ``linux-headers-amd64`` (the tree, with Kbuild) and ``linux-source-6.1``
(the real source files: ``/usr/src/linux-source-6.1.tar.xz``).  Files of ``lib/`` that
include only ``<...>`` headers are copied into an out-of-tree module directory and built
by Kbuild (``make M=...``), which writes each unit's real compiler command
(``.NAME.o.cmd``); a unit that does not build out of tree is left out, and the 24
heaviest (by ``gcc -E`` time) are measured.  Then, for each unit: ``gcc -E`` with its command, a cold ``macrotrace expand`` (no cache), and the same
units processed one after another starting from an empty cache (what shared preambles
and the state cache give), all as ratios to ``gcc -E`` of the same unit in this run.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile

from kernel_tree import kernel_tree

SOURCE_TARBALL = "/usr/src/linux-source-6.1.tar.xz"
WANTED = 24


def build_units(work, count=WANTED, pattern=r"lib/[a-z0-9_-]+\.c$"):
    """Build up to ``count`` files (``pattern``: their path in the tarball, lib/ by
    default) with Kbuild: [(source path, .o.cmd path)]."""
    tree = kernel_tree()
    if tree is None or not os.path.exists(SOURCE_TARBALL) or shutil.which("make") is None:
        return None, "needs linux-headers-amd64, linux-source-6.1 and make"
    src_dir = os.path.join(work, "units")
    os.makedirs(src_dir)
    with tarfile.open(SOURCE_TARBALL) as tar:
        members = [m for m in tar.getmembers()
                   if re.match(r"linux-source-6\.1/" + pattern, m.name)]
        for m in members:
            data = tar.extractfile(m).read()
            if b'#include "' in data or b"module_init" in data or b"EXPORT_SYMBOL" not in data:
                continue
            name = os.path.basename(m.name).replace("-", "_")
            if os.path.exists(os.path.join(src_dir, name)):
                continue            # (one directory for all: one file of each name)
            with open(os.path.join(src_dir, name), "wb") as fh:
                fh.write(data)
    candidates = sorted(os.listdir(src_dir))
    with open(os.path.join(src_dir, "Makefile"), "w") as fh:
        fh.write("obj-m := %s\n" % " ".join(c[:-2] + ".o" for c in candidates))
    # -k: keep going past the units that need what an out-of-tree build lacks
    subprocess.run(["make", "-k", "-j2", "-C", tree, "M=" + src_dir, "modules"],
                   capture_output=True)
    units = []
    for c in candidates:
        cmd = os.path.join(src_dir, ".%s.o.cmd" % c[:-2])
        if os.path.exists(cmd) and os.path.exists(os.path.join(src_dir, c[:-2] + ".o")):
            units.append((os.path.join(src_dir, c), cmd))
    return units[:count] if count else units, None


def main():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from run import macrotrace, measure
    from macrotrace.compile_command import find_build_dir, parse_command, read_cmd_file, without_output
    work = tempfile.mkdtemp(prefix="macrotrace-tree-")
    units, why = build_units(work, count=None)
    if units is None:
        print("\nreal Kbuild units: skipped (%s)" % why)
        return None
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # as installed: byte code cached (a checkout run with PYTHONDONTWRITEBYTECODE would
    # compile every module at every start)
    env = dict(os.environ, PYTHONPATH=root, PYTHONPYCACHEPREFIX=os.path.join(work, "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(macrotrace("--help"), env=env, capture_output=True)
    commands = {}
    for src, cmd in units:
        argv, deps = read_cmd_file(cmd)
        commands[src] = (without_output(argv) + ["-E", "-P", "-o", os.devnull],
                         find_build_dir(deps, parse_command(argv), [kernel_tree()]))
    # the heaviest units (gcc -E time), as drivers and file systems are heavier than lib/
    gcc_time = {src: measure(*commands[src]) for src, _ in units}
    units = sorted(units, key=lambda u: -gcc_time[u[0]][2])[:WANTED]
    cache = os.path.join(work, "cache")
    rows = []
    for src, cmd in units:
        gcc = measure(*commands[src])
        cold = measure(macrotrace("expand", src, "--cmd-file", cmd, "--no-cache", "-o", os.devnull),
                       env=env)
        rows.append([os.path.basename(src), gcc, cold])
    # the same units one after another, from an empty cache: the first is cold, the
    # others can start from a state another unit saved
    shutil.rmtree(cache, ignore_errors=True)
    cenv = dict(env, XDG_CACHE_HOME=cache)
    for row, (src, cmd) in zip(rows, units):
        row.append(measure(macrotrace("expand", src, "--cmd-file", cmd, "-o", os.devnull), env=cenv))
    print("\n%d real Kbuild units of Linux 6.1 lib/ (%s; the heaviest of %d), CPU time as a "
          "ratio to gcc -E of the same unit" % (len(rows), os.path.basename(kernel_tree()), len(gcc_time)))
    print("  %-24s %8s %8s %8s %10s" % ("unit", "gcc -E", "cold", "in turn", "peak RSS"))

    def ratio(a, b):
        return a[2] / max(b[2], 0.01)       # /usr/bin/time counts in hundredths
    for name, gcc, cold, seq in rows:
        print("  %-24s %7.2fs %7.1f× %7.1f× %7.0f MB" % (name, gcc[2], ratio(cold, gcc), ratio(seq, gcc),
                                                       max(cold[1], seq[1])))
    cold_r = [ratio(cold, gcc) for _, gcc, cold, _ in rows]
    seq_r = [ratio(seq, gcc) for _, gcc, _, seq in rows[1:]]
    print("  median: cold %.1f×, in turn after the first %.1f×; peak RSS max %.0f MB"
          % (statistics.median(cold_r), statistics.median(seq_r) if seq_r else 0,
             max(max(c[1], s[1]) for _, _, c, s in rows)))
    shutil.rmtree(work, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main()
