"""macrotrace snapshot MACRO PATH... -o DIR [trace flags]: one snapshot per C file
(snapshots/make.py)."""

import sys

from ..options import UsageError, quiet_flag
from ..registry import command

OWN = {"-o": "output", "--output": "output", "-j": "jobs", "--jobs": "jobs"}
QUIET = {"-q", "--quiet"}


def _arguments(p):
    p.add_argument("macro", help="the macro to trace (several: A,B)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="C files, or directories searched for them")
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="where the snapshots go")
    p.add_argument("-j", "--jobs", metavar="N", help="trace N files at a time (default: the number of CPUs)")
    quiet_flag(p)


@command("snapshot", "store a snapshot of MACRO for every C file in PATHs that invokes it (CI)",
         arguments=_arguments, rank=29, extra_args=True,
         description="Trace MACRO in every C file named, or found under a directory named, that "
                     "invokes it, and write one snapshot per file in DIR for macrotrace check.",
         epilog="Any trace flag (--matrix, --kernel-tree DIR, -I DIR, -D NAME...) follows the "
                "paths and is recorded in the snapshots.")
def run(ns, compiler_command):
    from ...snapshots import make
    from ...snapshots.pool import default_jobs
    if compiler_command:
        raise UsageError("snapshot takes trace flags, not a compiler command after --")
    positional, flags, own = [], [], {}
    args = list(ns.argv)
    k = 0
    while k < len(args):
        a = args[k]
        if a in QUIET:
            k += 1              # the progress line's, not a trace flag to record
            continue
        if a in OWN and k + 1 < len(args):
            own[OWN[a]] = args[k + 1]
            k += 2
            continue
        if a.startswith("-") or flags:
            flags.append(a)         # the trace flags: everything from the first flag on
        else:
            positional.append(a)
        k += 1
    jobs = default_jobs()
    if "jobs" in own:
        try:
            jobs = int(own["jobs"])
        except ValueError:
            jobs = 0
        if jobs < 1:
            raise UsageError("-j takes a positive number of processes, not %s" % own["jobs"])
    made = make.make(positional[0].split(","), positional[1:], flags, own["output"], jobs)
    for m in made:
        for line in m.messages:
            print(line, file=sys.stderr)
        for line in m.report:
            print(line)
    return max(m.status for m in made)
