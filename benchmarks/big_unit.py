"""Peak memory and CPU time of a cold ``macrotrace expand`` on the heaviest real units.

Needs Debian's ``linux-headers-amd64`` and ``linux-source-6.1`` (as benchmarks/tree.py).
Files of ``net/`` and ``kernel/`` that include only ``<...>`` headers are built out of
tree by Kbuild; the ones that include the most headers (counted in the dependency list
Kbuild writes) are expanded cold (``--no-cache``) with their real command, next to
``gcc -E`` of the same command.  Printed: headers, gcc CPU time, macrotrace CPU time and
its ratio, and macrotrace's peak RSS (the issue's goal: at most 150 MB on any real unit).

    python benchmarks/big_unit.py [--units N]
"""

import argparse
import os
import shutil
import sys
import tempfile

from kernel_tree import kernel_tree
from tree import build_units

PATTERN = r"(net/core|net/ipv4|kernel)/[a-z0-9_-]+\.c$"


def header_count(cmd_file):
    """How many headers Kbuild's dependency list for the unit names."""
    with open(cmd_file) as fh:
        deps = fh.read().split("deps_", 1)[-1]
    return sum(1 for word in deps.split() if word.endswith(".h"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=3, help="how many of the heaviest units")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from run import macrotrace, measure
    from macrotrace.compile_command import find_build_dir, parse_command, read_cmd_file, without_output
    work = tempfile.mkdtemp(prefix="macrotrace-big-")
    try:
        units, why = build_units(work, count=None, pattern=PATTERN)
        if units is None:
            print("big units: skipped (%s)" % why)
            return None
        built = len(units)
        units = sorted(units, key=lambda u: -header_count(u[1]))[:args.units]
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=root, PYTHONPYCACHEPREFIX=os.path.join(work, "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        measure(macrotrace("--help"), env=env)
        print("the %d real Kbuild units (of %d built from net/ and kernel/) that include the most "
              "headers, cold" % (len(units), built))
        print("  %-24s %8s %8s %9s %7s %10s" % ("unit", "headers", "gcc -E", "macrotrace", "ratio", "peak RSS"))
        rows = []
        for src, cmd in units:
            argv, deps = read_cmd_file(cmd)
            cwd = find_build_dir(deps, parse_command(argv), [kernel_tree()])
            gcc = measure(without_output(argv) + ["-E", "-P", "-o", os.devnull], cwd)
            ours = measure(macrotrace("expand", src, "--cmd-file", cmd, "--no-cache", "-o", os.devnull), env=env)
            rows.append((os.path.basename(src), header_count(cmd), gcc, ours))
            print("  %-24s %8d %7.2fs %8.2fs %6.1f× %7.0f MB" % (rows[-1][0], rows[-1][1], gcc[2], ours[2],
                                                               ours[2] / max(gcc[2], 0.01), ours[1]), flush=True)
        print("  peak RSS max %.0f MB" % max(r[3][1] for r in rows))
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
