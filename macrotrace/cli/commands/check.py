"""macrotrace check DIR: re-run every stored snapshot and compare."""

import os
import sys

from ...config import ConfigError
from ...engine.diagnostics import PreprocessError
from ...snapshots import OldSchemaError, SnapshotError, compare, dumps, junit_xml, load, snapshot_files
from ..registry import command
from .trace import produce


def _arguments(p):
    p.add_argument("directory", metavar="DIR|SNAPSHOT.json",
                   help="a directory of JSON snapshots (searched recursively), or one snapshot")
    p.add_argument("--update", action="store_true", help="rewrite the snapshots that changed")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML")
    p.add_argument("--format", choices=("text", "github"), default="text")


@command("check", "re-run every stored snapshot in DIR and compare (CI)", arguments=_arguments,
         rank=30, description="Re-run stored snapshots and compare: exit 0 unchanged, 1 changed, "
         "2 an error.  (To trace a macro named check: macrotrace trace check FILE.)")
def run(ns, compiler_command):
    if os.path.isfile(ns.directory) and not ns.directory.endswith(".json"):
        raise SnapshotError("%s: not a snapshot (a .json file or a directory of them); to trace a "
                            "macro named check, write: macrotrace trace check %s" % (ns.directory, ns.directory))
    results = []
    status = 0
    for path in snapshot_files(ns.directory):
        try:
            try:
                old = load(path)
            except OldSchemaError as e:
                if not (ns.update and e.command):
                    raise
                # an older layout cannot be compared, but its command makes it again
                cmd, tail = _split_command(e.command)
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(dumps(_produce_whole(cmd, tail)))
                results.append((path, []))
                print("updated %s (rewritten in the current JSON schema)" % path)
                continue
            if not old.command:
                raise SnapshotError("%s: records no command to re-run" % path)
            cmd, tail = _split_command(old.command)
            new = _produce_whole(cmd, tail)
        except (SnapshotError, ConfigError, PreprocessError) as e:
            results.append((path, str(e)))
            print("%s: error: %s" % (path, e) if not str(e).startswith(path) else str(e), file=sys.stderr)
            status = 2
            continue
        diffs = compare(old, new, "stored", "now")
        results.append((path, diffs))
        if not diffs:
            if ns.format == "text":
                print("ok      %s" % path)
            continue
        if ns.update:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(dumps(new))
            print("updated %s" % path)
            continue
        status = max(status, 1)
        for d in diffs:
            if ns.format == "github":
                inv = d.inv_a or d.inv_b
                what = ("; first changed step: %s -> %s" % d.first_step) if d.first_step else ""
                msg = "%s expansion changed%s%s" % (getattr(old, "macro", "?"),
                                                      " [%s]" % d.label if d.label else "", what)
                print("::error file=%s,line=%d::%s" % (inv.file, inv.line, msg.replace("\n", " ")))
            else:
                print("CHANGED %s" % path)
                print("\n".join(d.lines))
    if ns.junit:
        with open(ns.junit, "w", encoding="utf-8") as fh:
            fh.write(junit_xml([(p_, r if not isinstance(r, list) or r else None) for p_, r in results]))
    return status


def _produce_whole(cmd, tail):
    """produce() for check: a trace cut by --max-steps is an error, not a result."""
    obj, cut = produce(cmd, tail)
    if cut is not None:
        raise cut
    return obj


def _split_command(command):
    """A snapshot's command: (macrotrace trace's arguments, compiler command after -- or None)."""
    cmd = list(command)
    if "--" in cmd:
        k = cmd.index("--")
        return cmd[:k], cmd[k + 1:]
    return cmd, None
