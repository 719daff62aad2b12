"""Expansion snapshots for CI: saving, loading, comparing.

A snapshot is a JSON trace or matrix plus a ``digest`` of its content, so a file edited
by hand (or truncated, or not macrotrace's at all) is refused with a clear error rather
than compared.  Comparison is per invocation and configuration: the result first, then
the chain of steps, one line per step (macro, definition site, what it inserted), so a
changed definition shows as one changed step.
"""

import difflib
import hashlib
import json
import os

from .render.json import dumps, layout_text, pieces  # noqa: F401  (dumps, pieces: the writer)
from .trace.matrix import Matrix, switches_label
from .trace.model import READABLE, SCHEMA, Trace


class SnapshotError(Exception):
    pass


class OldSchemaError(SnapshotError):
    """A sound snapshot in an older layout; ``command`` re-runs it (check --update)."""

    def __init__(self, message, command):
        super().__init__(message)
        self.command = command


def loads(text, origin):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SnapshotError("%s:%d: not valid JSON (%s): corrupt snapshot" % (origin, e.lineno, e.msg))
    if not isinstance(data, dict) or data.get("tool") != "macrotrace":
        raise SnapshotError("%s: not a macrotrace snapshot" % origin)
    digest = data.pop("digest", None)
    if digest is not None and digest != hashlib.sha256(layout_text(data).encode()).hexdigest():
        raise SnapshotError("%s: content does not match its digest: the snapshot was edited by hand "
                            "or damaged; regenerate it (macrotrace check --update)" % origin)
    if isinstance(data.get("schema"), int) and data["schema"] not in READABLE:
        raise OldSchemaError("%s: written with JSON schema %d, this macrotrace reads schema %d; "
                             "regenerate it (macrotrace check --update)" % (origin, data["schema"], SCHEMA),
                             data.get("command") if isinstance(data.get("command"), list) else None)
    try:
        if data.get("kind") == "matrix":
            return Matrix.from_dict(data)
        return Trace.from_dict(data)
    except ValueError as e:
        raise SnapshotError("%s: %s" % (origin, e))


def load(path):
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        raise SnapshotError("%s: %s" % (path, e.strerror))
    except UnicodeDecodeError:
        raise SnapshotError("%s: not UTF-8 text: corrupt snapshot" % path)
    return loads(text, path)


def _configurations(obj):
    """[(label, Trace)] for a trace or a matrix."""
    if isinstance(obj, Matrix):
        return [(r.label, r.trace) for r in obj.runs]
    sw = obj.config.get("switches", {})
    return [(switches_label(sw) if sw else "", obj)]


def _step_lines(trace, inv):
    lines = []
    for s in inv.steps[1:]:
        d = trace.definitions.get(s.definition)
        where = ("%s:%d" % (d.file, d.line)) if d and not d.builtin else ("built-in" if d else "")
        lines.append("step %s [%s] -> %s" % (s.macro, where, s.inserted if s.kind != "builtin" else s.value))
    return lines


class Difference:
    def __init__(self, label, inv_a, inv_b, diff_lines, first_step):
        self.label = label
        self.inv_a, self.inv_b = inv_a, inv_b
        self.lines = diff_lines
        self.first_step = first_step    # (macro, definition site) of the first changed step


def compare(a, b, name_a="a", name_b="b"):
    """List of Difference between two snapshots (empty when equal)."""
    confs_a, confs_b = dict(_configurations(a)), dict(_configurations(b))
    if not isinstance(a, Matrix) and not isinstance(b, Matrix):
        la, lb = next(iter(confs_a)), next(iter(confs_b))
        label = la if la == lb else "%s vs %s" % (la, lb)
        confs_a, confs_b = {label: a}, {label: b}
    diffs = []
    labels = list(confs_a) + [l for l in confs_b if l not in confs_a]
    for label in labels:
        ta, tb = confs_a.get(label), confs_b.get(label)
        if ta is None or tb is None:
            diffs.append(Difference(label, None, None, ["configuration %s only in %s" % (
                label or "(default)", name_a if tb is None else name_b)], None))
            continue
        n = max(len(ta.invocations), len(tb.invocations))
        for k in range(n):
            ia = ta.invocations[k] if k < len(ta.invocations) else None
            ib = tb.invocations[k] if k < len(tb.invocations) else None
            if ia is None or ib is None:
                only = ia or ib
                diffs.append(Difference(label, ia, ib, ["invocation at %s:%d only in %s" % (
                    only.file, only.line, name_a if ib is None else name_b)], None))
                continue
            left = ["result: " + ia.result] + _step_lines(ta, ia)
            right = ["result: " + ib.result] + _step_lines(tb, ib)
            if left == right:
                continue
            where = "%s:%d" % (ia.file, ia.line)
            header = "%s %s" % (where, "[%s]" % label if label else "")
            lines = list(difflib.unified_diff(left, right, "%s %s" % (name_a, header.strip()),
                                              "%s %s" % (name_b, header.strip()), lineterm="", n=2))
            first = None
            for x, y in zip(left[1:], right[1:]):
                if x != y:
                    first = (x, y)
                    break
            diffs.append(Difference(label, ia, ib, lines, first))
    return diffs


def snapshot_files(directory):
    if os.path.isfile(directory):
        return [directory]
    if not os.path.isdir(directory):
        raise SnapshotError("%s: no such directory" % directory)
    out = []
    for root, _, files in os.walk(directory):
        for f in sorted(files):
            if f.endswith(".json"):
                out.append(os.path.join(root, f))
    return sorted(out)


def junit_xml(results):
    """``results``: [(snapshot path, [Difference] or error string)] -> JUnit XML text."""
    # here, not at the top: xml.sax.saxutils imports urllib and http (90 ms at every start)
    from xml.sax.saxutils import escape, quoteattr
    failures = sum(1 for _, r in results if r)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<testsuite name="macrotrace" tests="%d" failures="%d">' % (len(results), failures)]
    for path, r in results:
        out.append('  <testcase classname="macrotrace.check" name=%s>' % quoteattr(path))
        if r:
            text = r if isinstance(r, str) else "\n".join(l for d in r for l in d.lines)
            out.append('    <failure message=%s>%s</failure>' % (
                quoteattr("expansion changed" if not isinstance(r, str) else r), escape(text)))
        out.append("  </testcase>")
    out.append("</testsuite>")
    return "\n".join(out) + "\n"
