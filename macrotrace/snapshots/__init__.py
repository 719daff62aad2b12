"""Expansion snapshots for CI: the file format, matching invocations, telling
renumbering from change, comparing, and checking a whole tree of snapshots.

    layout.py    the JSON text of a trace or matrix (--format json), with its digest
    compact.py   the compact, lossless form a snapshot stores
    codec.py     a snapshot file: compact content + command, sites, tree, compiler
    portable.py  repository root, kernel tree and compiler identities, portable commands
    matching.py  which stored invocation is which current one (source text and context)
    classify.py  same / renumbered / changed, decided on the steps
    compare.py   the per-step difference of two traces or matrices
    rerun.py     running a recorded command; a snapshot of its result
    report.py    text lines, GitHub annotations, JUnit XML
    pool.py      serially or in a process pool, in order, with a progress line
    check.py     ``macrotrace check``: many snapshots, in parallel, sharded
    make.py      ``macrotrace snapshot``: snapshots for many files and macros at once
"""

from .errors import OldSchemaError, SnapshotError  # noqa: F401


def __getattr__(name):
    """dumps, loads, pieces (the --format json text) on first use: a start-up that only
    needs the errors does not import the JSON layout."""
    if name in ("dumps", "loads", "pieces"):
        from . import layout
        return getattr(layout, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
