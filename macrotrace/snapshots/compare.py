"""The difference between a stored trace (or matrix) and the current one.

Per configuration, invocations are paired by what they are (matching.py), each pair is
judged on its steps (classify.py), and the findings are gathered per invocation over
all configurations: one finding says where the invocation is now, what happened to it
(moved, renumbered, changed, gone, new) and, for a change, the per-step diff: the
result first, then the chain of steps, one line per step (macro, definition site, what
it inserted), so a changed definition shows as one changed step.
"""

import difflib
from dataclasses import dataclass, field
from typing import List, Optional

from ..trace.matrix import Matrix, switches_label
from .classify import agreement, classify
from .matching import match

ORDER = {"changed": 0, "new": 0, "gone": 0, "renumbered": 1, "moved": 2}


@dataclass
class Finding:
    kind: str                       # changed, new, gone, renumbered, moved
    file: str                       # where the invocation is now (stored place when gone)
    line: int
    source: str
    old_line: Optional[int] = None
    labels: List[str] = field(default_factory=list)      # configurations concerned
    renumbered: List[str] = field(default_factory=list)  # "__LINE__ 20 -> 21"
    title: str = ""                 # changed: the first changed step
    lines: List[str] = field(default_factory=list)       # changed: the per-step diff

    @property
    def failing(self):
        return ORDER[self.kind] == 0


def configurations(obj):
    """[(label, Trace)] for a trace or a matrix."""
    if isinstance(obj, Matrix):
        return [(r.label, r.trace) for r in obj.runs]
    sw = obj.config.get("switches", {})
    return [(switches_label(sw) if sw else "", obj)]


def step_lines(trace, inv):
    lines = []
    for s in inv.steps[1:]:
        d = trace.definitions.get(s.definition)
        where = d.where() if d else ""
        lines.append("step %s [%s] -> %s" % (s.macro, where, s.inserted if s.kind != "builtin" else s.value))
    return lines


def _diff(ta, ia, tb, ib, name_a, name_b, label):
    """The per-step diff; a stored step (or result) the same as now but for renumbering
    is shown as it is now, so that only the change shows."""
    same, same_result = agreement(ta, ia, tb, ib)
    right = ["result: " + ib.result] + step_lines(tb, ib)
    left = ["result: " + ia.result] + step_lines(ta, ia)
    left = [right[k] if (k in same if k else same_result) else line for k, line in enumerate(left)]
    tag = " [%s]" % label if label else ""
    return list(difflib.unified_diff(left, right, "%s %s:%d%s" % (name_a, ia.file, ia.line, tag),
                                     "%s %s:%d%s" % (name_b, ib.file, ib.line, tag), lineterm="", n=2))


def compare(a, b, name_a="stored", name_b="now", sites_a=(), sites_b=()):
    """[Finding] between ``a`` (stored) and ``b`` (now), worst first; an invocation the
    same in every configuration and at the same line gives none.  ``sites_*``: the
    neighbourhoods of the invocations (codec.Site), for matching."""
    confs_a, confs_b = dict(configurations(a)), dict(configurations(b))
    if not isinstance(a, Matrix) and not isinstance(b, Matrix):
        la, lb = next(iter(confs_a)), next(iter(confs_b))
        label = la if la == lb else "%s vs %s" % (la, lb)
        confs_a, confs_b = {label: a}, {label: b}
    where_a = {(s.file, s.line): s for s in sites_a}
    where_b = {(s.file, s.line): s for s in sites_b}
    findings = {}
    order = []

    def finding(kind, inv, label, old_line=None):
        key = (inv.file, inv.line, inv.source, kind == "gone")
        f = findings.get(key)
        if f is None:
            f = findings[key] = Finding(kind, inv.file, inv.line, inv.source, old_line)
            order.append(key)
        elif ORDER[kind] < ORDER[f.kind]:
            f.kind, f.labels = kind, []     # the configurations where it is worst
        elif ORDER[kind] > ORDER[f.kind]:
            return f
        if label not in f.labels:
            f.labels.append(label)
        return f

    missing = []
    for label in list(confs_a) + [l for l in confs_b if l not in confs_a]:
        ta, tb = confs_a.get(label), confs_b.get(label)
        if ta is None or tb is None:
            missing.append("configuration %s only in %s" % (label or "(default)", name_a if tb is None else name_b))
            continue
        for ia, ib in match(ta.invocations, tb.invocations, where_a, where_b):
            if ib is None:
                f = finding("gone", ia, label)
                f.title = "%s is no longer expanded here" % ia.source
                continue
            if ia is None:
                f = finding("new", ib, label)
                f.title = "%s is newly expanded here" % ib.source
                continue
            verdict = classify(ta, ia, tb, ib)
            moved = ia.line if (ia.file, ia.line) != (ib.file, ib.line) else None
            if verdict.kind == "same" and moved is None:
                continue
            kind = {"same": "moved", "renumbered": "renumbered", "changed": "changed"}[verdict.kind]
            f = finding(kind, ib, label, moved)
            for macro, old, new in verdict.renumbered:
                text = "%s %s -> %s" % (macro, old, new)
                if text not in f.renumbered:
                    f.renumbered.append(text)
            if verdict.kind == "changed":
                if not f.title:
                    f.title = ("step %d (%s): %s" % (verdict.step, ib.steps[verdict.step].macro
                                                     if verdict.step < len(ib.steps) else "end", verdict.what)
                               if verdict.step is not None else verdict.what)
                f.lines += _diff(ta, ia, tb, ib, name_a, name_b, label)
    out = [findings[k] for k in order]
    for text in missing:
        out.append(Finding("changed", a.file, 0, "", title=text, lines=[text]))
    for f in out:
        if f.kind in ("new", "gone") and not f.lines:
            f.lines = ["%s:%d: %s %s" % (f.file, f.line, f.source, "only in " + (name_a if f.kind == "gone"
                                                                                  else name_b))]
    out.sort(key=lambda f: ORDER[f.kind])
    return out
