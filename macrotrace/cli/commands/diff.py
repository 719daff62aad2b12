"""macrotrace diff: two snapshots, or one trace under two sets of flags, compared."""

import shlex

from ..registry import command
from .trace import produce


def _arguments(p):
    p.add_argument("a", help="a JSON snapshot, or the MACRO")
    p.add_argument("b", help="a JSON snapshot, or the FILE")
    p.add_argument("--a", dest="flags_a", default="", metavar="FLAGS", help="flags for the first run")
    p.add_argument("--b", dest="flags_b", default="", metavar="FLAGS", help="flags for the second run")


@command("diff", "compare two snapshots, or one trace under two sets of flags (--a, --b)",
         arguments=_arguments, rank=20, extra_args=True,
         description="Compare two expansions; exit 0 equal, 1 different.",
         epilog="macrotrace diff A.json B.json | macrotrace diff MACRO FILE [trace flags] "
                "--a=FLAGS --b=FLAGS")
def run(ns, compiler_command):
    from ...snapshots.codec import load
    from ...snapshots.compare import compare
    rest = ns.extra
    if ns.a.endswith(".json") and ns.b.endswith(".json") and not rest and not (ns.flags_a or ns.flags_b):
        a, b = load(ns.a).obj, load(ns.b).obj
        name_a, name_b = ns.a, ns.b
    else:
        common = [ns.a, ns.b] + rest
        a, _ = produce(common + shlex.split(ns.flags_a), compiler_command)
        b, _ = produce(common + shlex.split(ns.flags_b), compiler_command)
        name_a, name_b = ns.flags_a or "(no flags)", ns.flags_b or "(no flags)"
    diffs = [f for f in compare(a, b, name_a, name_b) if f.kind != "moved"]
    for d in diffs:
        print("\n".join(d.lines) if d.lines else "%s:%d: %s: renumbered %s" % (
            d.file, d.line, d.source, ", ".join(d.renumbered)))
    return 1 if diffs else 0
