"""macrotrace check DIR: re-run every stored snapshot and compare (snapshots/check.py)."""

import os
import sys

from ...messages import output_error
from ...snapshots import SnapshotError
from ..options import quiet_flag
from ..registry import command


def _arguments(p):
    p.add_argument("directory", metavar="DIR|SNAPSHOT.json",
                   help="a directory of JSON snapshots (searched recursively), or one snapshot")
    p.add_argument("--update", action="store_true", help="rewrite the snapshots that differ")
    p.add_argument("--strict", action="store_true",
                   help="renumbered __LINE__/__COUNTER__/__FILE__ values fail the check too")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML")
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="check N snapshots at a time (default: the number of CPUs)")
    p.add_argument("--shard", metavar="K/N", help="check only the K-th of N disjoint slices of the snapshots")
    p.add_argument("--kernel-tree", metavar="DIR",
                   help="the kernel tree for snapshots made on one (default: $MACROTRACE_KERNEL_TREE)")
    quiet_flag(p)


@command("check", "re-run every stored snapshot in DIR and compare (CI)", arguments=_arguments,
         rank=30, description="Re-run stored snapshots and compare: exit 0 when every expansion is "
         "the same (renumbered __LINE__/__COUNTER__/__FILE__ values are reported, not failed, "
         "unless --strict), 1 when one changed, 2 when a snapshot cannot be checked.  (To trace "
         "a macro named check: macrotrace trace check FILE.)")
def run(ns, compiler_command):
    from ...snapshots import check
    from ...snapshots.pool import default_jobs
    if os.path.isfile(ns.directory) and not ns.directory.endswith(".json"):
        raise SnapshotError("%s: not a snapshot (a .json file or a directory of them); to trace a "
                            "macro named check, write: macrotrace trace check %s" % (ns.directory, ns.directory))
    if ns.jobs is not None and ns.jobs < 1:
        raise SnapshotError("-j takes a positive number of processes")
    options = check.Options(update=ns.update, strict=ns.strict, format=ns.format,
                            kernel_tree=ns.kernel_tree, cwd=os.getcwd())
    shard = check.parse_shard(ns.shard) if ns.shard else None
    outcomes = check.check(ns.directory, options, ns.jobs or default_jobs(), shard)
    if shard and not outcomes:
        # a CI matrix with more shards than snapshots: not a failure, but never silent
        print("macrotrace: shard %d/%d holds none of the snapshots in %s (fewer snapshots than "
              "shards): nothing checked here" % (shard[0], shard[1], ns.directory), file=sys.stderr)
    for o in outcomes:
        for line in o.messages:
            print(line, file=sys.stderr)
        for line in o.report:
            print(line)
    if ns.junit:
        try:
            fh = open(ns.junit, "w", encoding="utf-8")
        except OSError as e:
            raise output_error("--junit", e)
        with fh:
            fh.write(check.junit_xml(outcomes))
    return max([o.status for o in outcomes] + [0])
