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
import json.encoder
import os

from .trace.matrix import Matrix
from .trace.model import READABLE, SCHEMA, Trace, record_of


class SnapshotError(Exception):
    pass


class OldSchemaError(SnapshotError):
    """A sound snapshot in an older layout; ``command`` re-runs it (check --update)."""

    def __init__(self, message, command):
        super().__init__(message)
        self.command = command


def _record(o):
    """json's hook for the model's dataclasses: encode their fields (in order)."""
    if getattr(o, "__dict__", None) is None:
        raise TypeError("cannot write %r as JSON" % type(o).__name__)
    return record_of(o)


# Keys whose value is laid out over several lines; everything else (a step, a tree,
# a definition) is one line written by json's C encoder.  The pretty printer of the
# json module is pure Python and used to be most of a large trace's time.
_SPREAD = {None, "invocations", "steps", "definitions", "runs", "trace", "groups", "divergences",
           "config"}


def _line_encoder():
    """A function writing one value as one line of JSON.  json's encode() builds a new
    C encoder at every call, and a trace writes a line per step: build it once."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:            # no C accelerator: the plain route
        return json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=_record,
                                check_circular=False).encode
    encode = make(None, _record, json.encoder.encode_basestring, None, ": ", ", ",
                  False, False, True)
    return lambda value: "".join(encode(value, 0))


_LINE = _line_encoder()
_KEY = json.JSONEncoder(ensure_ascii=False).encode


def _layout(value, key, out, indent=""):
    if hasattr(value, "__dataclass_fields__"):
        value = record_of(value)
    spread = key in _SPREAD and isinstance(value, (dict, list)) and value
    if not spread:
        out.append(_LINE(value))
        return
    inner = indent + "  "
    is_dict = isinstance(value, dict)
    items = value.items() if is_dict else ((key + "[]", v) for v in value)
    n = len(value)
    out.append("{\n" if is_dict else "[\n")
    for k, (sub, item) in enumerate(items):
        out.append(inner)
        if is_dict:
            out.append(_KEY(sub) + ": ")
        elif key in ("invocations", "runs"):
            sub = None
        _layout(item, sub, out, inner)
        out.append(",\n" if k < n - 1 else "\n")
    out.append(indent + ("}" if is_dict else "]"))


def _parts(data):
    out = []
    _layout(data, None, out)
    return out


def _text(data):
    return "".join(_parts(data))


def pieces(obj):
    """The snapshot text of a Trace or Matrix, in pieces: the layout, then the digest of
    the whole layout in place of its closing brace.  Writing the pieces one by one
    keeps a large trace from holding several whole copies of its text at once."""
    parts = _parts(obj)
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
    # the layout ends "\n" "}"; the digest goes before the brace
    assert parts[-2:] == ["\n", "}"], parts[-2:]
    del parts[-2:]
    parts.append(',\n  "digest": "%s"\n}\n' % digest.hexdigest())
    return parts


def dumps(obj):
    """Snapshot text for a Trace or Matrix, ending with the digest of the text before it."""
    return "".join(pieces(obj))


def loads(text, origin):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SnapshotError("%s:%d: not valid JSON (%s): corrupt snapshot" % (origin, e.lineno, e.msg))
    if not isinstance(data, dict) or data.get("tool") != "macrotrace":
        raise SnapshotError("%s: not a macrotrace snapshot" % origin)
    digest = data.pop("digest", None)
    if digest is not None and digest != hashlib.sha256(_text(data).encode()).hexdigest():
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
    from .trace.matrix import switches_label
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
