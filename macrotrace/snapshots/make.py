"""``macrotrace snapshot MACRO PATH... -o DIR [flags]``: snapshots for many files at once.

Every C file named, or found under a directory named, that invokes MACRO (several
macros: ``module_init,module_exit``) gets one snapshot file in DIR, named after its
path from the repository root: ``DIR/drivers/foo.c.module_init.json``.  The trace
flags (``--matrix``, ``--kernel-tree``, ``-I``...) are recorded, with paths made
relative to the repository root and the kernel tree recorded by what it is.
"""

import contextlib
import functools
import io
import os
import re
from dataclasses import dataclass, field
from typing import List

from . import codec, pool, portable
from .rerun import in_directory, input_errors, make_snapshot, produce_whole
from .errors import SnapshotError

SOURCE_SUFFIXES = (".c",)


@dataclass
class Made:
    source: str
    status: int                         # 0 written, 2 error; skipped: 0 with no path
    path: str = ""
    report: List[str] = field(default_factory=list)
    messages: List[str] = field(default_factory=list)


def sources(paths, macros):
    """(file, named explicitly) for every C file to snapshot: the files named, and the
    files under the directories named whose text mentions one of ``macros``."""
    word = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(m) for m in macros))
    out = []
    for p in paths:
        if os.path.isfile(p):
            out.append((p, True))
            continue
        if not os.path.isdir(p):
            raise SnapshotError("%s: No such file or directory" % p)
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                if f.endswith(SOURCE_SUFFIXES):
                    full = os.path.join(root, f)
                    try:
                        with open(full, encoding="utf-8", errors="replace") as fh:
                            if word.search(fh.read()):
                                out.append((full, False))
                    except OSError:
                        continue
    return out


def snapshot_name(out_dir, root, source, macros):
    """DIR/<the source's path from the root>.MACRO.json (its name alone when outside)."""
    rel = os.path.relpath(source, root)
    if rel.startswith(".."):
        rel = os.path.basename(source)
    return os.path.join(out_dir, "%s.%s.json" % (rel, "+".join(macros)))


def make_one(item, macros, flags, out_dir, cwd):
    source, explicit = item
    made = Made(source, 0)
    err = io.StringIO()
    root = portable.repository_root(out_dir)
    try:
        with contextlib.redirect_stderr(err):
            command, tree = portable.portable_command([",".join(macros), source] + list(flags), root, cwd)
            if tree is not None:
                tree = os.path.abspath(os.path.join(cwd, tree))
            with in_directory(root):
                obj = produce_whole(portable.with_tree(command, tree) if tree else command)
                snap = make_snapshot(obj, command, root, tree)
            path = snapshot_name(out_dir, root, os.path.join(cwd, source), macros)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(codec.dumps(snap))
            made.path = os.path.relpath(path, cwd)
            n = len(getattr(obj, "invocations", None) or obj.runs[0].trace.invocations)
            made.report.append("wrote %s (%d invocation%s%s)" % (
                made.path, n, "" if n == 1 else "s",
                ", %d configurations" % len(obj.runs) if hasattr(obj, "runs") else ""))
    except input_errors() as e:
        if explicit or not _not_invoked(e):
            made.status = 2
            made.messages.append(str(e))
        else:
            made.report.append("skipped %s: %s" % (source, e))
    made.messages = [l for l in err.getvalue().splitlines() if l.strip()] + made.messages
    return made


def _not_invoked(error):
    """A file found by its text that never expands the macro (in a comment, under #if 0):
    tracing's "never invoked" / "never expanded" error."""
    text = str(error)
    return "never invoked" in text or "never expanded" in text


def make(macros, paths, flags, out_dir, jobs=1, cwd=None):
    """[Made], one per C file found, in order."""
    cwd = cwd or os.getcwd()
    out_dir = os.path.abspath(os.path.join(cwd, out_dir))
    os.makedirs(out_dir, exist_ok=True)
    items = sources([os.path.join(cwd, p) if not os.path.isabs(p) else p for p in paths], macros)
    items = [(os.path.relpath(p, cwd), explicit) for p, explicit in items]
    if not items:
        raise SnapshotError("no C file under %s invokes %s" % (" ".join(paths), ", ".join(macros)))
    job = functools.partial(make_one, macros=macros, flags=list(flags), out_dir=out_dir, cwd=cwd)
    return pool.run(job, items, jobs, "files snapshotted")
