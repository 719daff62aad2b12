"""``macrotrace check DIR``: re-run every stored snapshot and say what changed.

Exit status: 0 when every expansion is the same (moved or renumbered invocations are
reported, one line each), 1 when one changed (or, with ``strict``, was renumbered), 2
when a snapshot cannot be checked (corrupt, older schema, missing kernel tree) or DIR
holds none.  Snapshots are checked one by one or in a process pool (``jobs``) with the
same report; ``shard`` (K, N) checks the K-th of N disjoint slices of them.
"""

import contextlib
import io
import json
import os
from dataclasses import dataclass, field
from typing import List, Optional

from . import codec, layout, pool, portable, report
from .compare import compare
from .errors import OldSchemaError, SnapshotError
from .report import junit_xml  # noqa: F401  (the CLI writes it)
from .rerun import in_directory, input_errors, make_snapshot, produce_whole


@dataclass(frozen=True)
class Options:
    update: bool = False
    strict: bool = False
    format: str = "text"            # text, github
    kernel_tree: Optional[str] = None
    cwd: str = "."                  # the user's working directory (paths are shown from it)


@dataclass
class Outcome:
    path: str
    status: int                     # 0, 1, 2
    report: List[str] = field(default_factory=list)     # for stdout
    messages: List[str] = field(default_factory=list)   # for stderr
    failure: Optional[str] = None   # JUnit failure text


def snapshot_files(directory):
    if os.path.isfile(directory):
        return [directory]
    if not os.path.isdir(directory):
        raise SnapshotError("%s: no such directory" % directory)
    out = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        out += [os.path.join(root, f) for f in files if f.endswith(".json")]
    if not out:
        raise SnapshotError("no snapshots in %s (make them with macrotrace snapshot)" % directory)
    return sorted(out)


def parse_shard(text):
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise SnapshotError("--shard %s: expected K/N, e.g. 1/4" % text)
    if not 1 <= k <= n:
        raise SnapshotError("--shard %s: K must be between 1 and N" % text)
    return k, n


def shard_of(paths, directory, shard):
    """The K-th of N slices: every path in exactly one, the same on every machine."""
    if shard is None:
        return paths
    k, n = shard
    base = directory if os.path.isdir(directory) else os.path.dirname(directory)
    ordered = sorted(paths, key=lambda p: os.path.relpath(p, base))
    return [p for i, p in enumerate(ordered) if i % n == k - 1]


def check_one(path, options):
    """Check one snapshot file: an Outcome (never raises for a bad snapshot)."""
    out = Outcome(path, 0)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            _check(path, options, out)
    except input_errors() as e:
        msg = str(e)
        out.status = 2
        out.messages.append(msg if msg.startswith(path) else "%s: error: %s" % (path, msg))
        out.failure = msg
        if options.format == "github":      # on the pull request too, at the snapshot
            out.report.append(report.error_annotation(os.path.normpath(path), msg))
    out.messages = [l for l in err.getvalue().splitlines() if l.strip()] + out.messages
    return out


def _check(path, options, out):
    shown, path = path, os.path.abspath(path)     # read and written from other directories
    try:
        snap = codec.load(shown)
    except OldSchemaError as e:
        if not (options.update and e.command):
            raise
        _rewrite_old(path, shown, e.command, options)
        out.report.append("updated %s (rewritten in the current JSON schema)" % shown)
        return
    root = portable.repository_root(os.path.dirname(path)) if snap.portable else options.cwd
    command, tree, notes = _command_here(snap.command, snap.kernel_tree, snap.compiler, options, shown)
    out.report += notes
    with in_directory(root):
        new = produce_whole(command)
        now = make_snapshot(new, snap.command, root, tree)
    if snap.compiler and now.compiler and snap.compiler != now.compiler:
        out.report.append("%s: compiled now with %s; the snapshot was made with %s" % (
            shown, portable.describe_compiler(now.compiler), portable.describe_compiler(snap.compiler)))
    findings = compare(snap.obj, new, "stored", "now", snap.sites, now.sites)
    failing = [f for f in findings if f.failing or (options.strict and f.kind == "renumbered")]
    show = _shown_paths(root, options)
    if options.update and findings:
        _write(path, codec.dumps(now) if snap.portable else layout.dumps(new))
        out.report.append("updated %s" % shown)
        return
    out.status = 1 if failing else 0
    if options.format == "github":
        out.report += [report.annotation(f, show, options.strict) for f in findings if f.kind != "moved"]
    else:
        out.report.append("%s %s" % ("CHANGED" if failing else "ok     ", shown))
        for f in findings:
            out.report += report.text_lines(f, show, options.strict)
    if failing:
        out.failure = "\n".join(l for f in failing for l in (["%s: %s" % (f.kind, f.title)] + f.lines))


def _command_here(command, tree_identity, compiler, options, shown):
    """The recorded command as it runs on this machine: (argv, kernel tree or None,
    notes): the kernel tree supplied here, a missing compiler replaced by its namesake."""
    tree, notes = None, []
    if portable.needs_tree(command):
        tree, note = portable.find_tree(options.kernel_tree, tree_identity, shown)
        tree = os.path.abspath(os.path.join(options.cwd, tree))
        command = portable.with_tree(command, tree)
        notes += [note] if note else []
    command, note = portable.available_compiler(command, compiler)
    notes += ["%s: %s" % (shown, note)] if note else []
    return command, tree, notes


def _rewrite_old(path, shown, command, options):
    """An older layout cannot be compared, but its command makes it again."""
    if json.loads(layout.read_text(path)).get("kind") != "snapshot":
        with in_directory(options.cwd):
            _write(path, layout.dumps(produce_whole(command)))
        return
    root = portable.repository_root(os.path.dirname(path))
    runnable, tree, _ = _command_here(command, None, None, options, shown)
    with in_directory(root):
        _write(path, codec.dumps(make_snapshot(produce_whole(runnable), command, root, tree)))


def _shown_paths(root, options):
    """Paths as the report shows them: annotations relative to the repository root (as
    GitHub wants), text relative to the working directory."""
    def show(path):
        absolute = os.path.normpath(os.path.join(root, path))
        base = root if options.format == "github" else options.cwd
        return os.path.relpath(absolute, base)
    return show


def check(directory, options, jobs=1, shard=None):
    """[Outcome], one per snapshot of ``directory`` (in this shard), in path order."""
    import functools
    paths = shard_of(snapshot_files(directory), directory, shard)
    return pool.run(functools.partial(check_one, options=options), paths, jobs, "snapshots checked")


def _write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
