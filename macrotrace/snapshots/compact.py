"""The compact form of a trace or matrix stored in a CI snapshot.

Nothing is lost: decoding gives back the same ``Trace``/``Matrix`` (a test checks it
step by step).  What makes it small:

- records that repeat are stored once, in tables, and referred to by number: a film
  identical in several configurations of a matrix (``hello.c`` has 5 distinct results in
  8), a step common to several films, a definition, an ``#if`` condition;
- what a step can be rebuilt from is left out: its ``text`` (the previous text with
  ``replaced`` spliced out at ``before_span`` and ``inserted`` put in), its ``replaced``,
  its ``after_span``, its ``index``, an argument's ``expanded`` equal to ``written``, a
  paste's ``result`` equal to ``lhs`` + ``rhs``, a definition's ``key``, a tree node's
  macro (its step's);
- fields at their default value are left out;
- a matrix's groups and divergences are computed again from its runs.
Each item is kept whenever rebuilding it would not give it back exactly.
"""

import dataclasses
import json

from ..trace.matrix import Matrix, build_matrix
from ..trace.model import Argument, Condition, Definition, Invocation, Node, Step, Trace

_CANON = dict(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_DEFAULT_KIND = "macro"


def _defaults(klass):
    out = {}
    for f in dataclasses.fields(klass):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


_DEFAULTS = {k: _defaults(k) for k in (Argument, Condition, Definition, Invocation, Node, Step, Trace)}


def _lean(record, klass):
    """``record`` without the fields at their default (the model fills them back in)."""
    defaults = _DEFAULTS[klass]
    return {k: v for k, v in record.items()
            if not (k in defaults and type(v) is type(defaults[k]) and v == defaults[k])}


class _Tables:
    def __init__(self):
        self.rows = {name: [] for name in ("conditions", "definitions", "steps", "invocations", "traces")}
        self._index = {name: {} for name in self.rows}

    def add(self, name, record):
        key = json.dumps(record, **_CANON)
        index = self._index[name]
        if key not in index:
            index[key] = len(self.rows[name])
            self.rows[name].append(record)
        return index[key]


def _encode_definition(tables, d):
    d = dict(d)
    if d.get("key") == "%s@%s:%s" % (d["name"], d["file"], d["line"]):
        del d["key"]
    d["conditions"] = [tables.add("conditions", _lean(c, Condition)) for c in d.get("conditions", [])]
    return tables.add("definitions", _lean(d, Definition))


def _encode_step(step, previous):
    s = dict(step)
    del s["index"]
    span = s.get("before_span")
    if previous is not None and span is not None:
        start, end = span
        if previous[:start] + s["inserted"] + previous[end:] == s["text"]:
            del s["text"]
        if previous[start:end] == s["replaced"]:
            del s["replaced"]
        if s.get("after_span") == [start, start + len(s["inserted"])]:
            del s["after_span"]
    args = []
    for a in s.get("arguments", []):
        a = dict(a)
        if a["expanded"] == a["written"]:
            del a["expanded"]           # absent: the same as written; null: not pre-expanded
        del a["index"]                  # its position
        args.append(_lean(a, Argument))
    s["arguments"] = args
    pastes = []
    for p in s.get("pastes", []):
        p = dict(p)
        if p["result"] is not None and p["result"] == p["lhs"] + p["rhs"]:
            del p["result"]             # absent: lhs + rhs; null: not a valid token
        pastes.append(p)
    s["pastes"] = pastes
    if s.get("kind") == _DEFAULT_KIND:
        del s["kind"]
    return _lean(s, Step)


def _encode_node(node, steps):
    n = _lean(node, Node)
    n["step"] = node["step"]
    if n.get("step") is not None and steps[n["step"]].get("macro") == n.get("macro"):
        del n["macro"]
    n["children"] = [_encode_node(c, steps) for c in node.get("children", [])]
    if not n["children"]:
        del n["children"]
    return n


def _encode_invocation(tables, inv):
    inv = dict(inv)
    steps, previous = [], None
    for s in inv["steps"]:
        steps.append(tables.add("steps", _encode_step(s, previous)))
        previous = s["text"]
    if inv.get("tree") is not None:
        inv["tree"] = _encode_node(inv["tree"], inv["steps"])
    inv["steps"] = steps
    return tables.add("invocations", _lean(inv, Invocation))


def _encode_trace(tables, trace, switches=None):
    t = dict(trace)
    config = dict(t.get("config", {}))
    if switches is not None and config.get("switches") == switches:
        del config["switches"]          # the run says it: films equal but for it are one
    t["config"] = config
    t["invocations"] = [_encode_invocation(tables, inv) for inv in t["invocations"]]
    t["definitions"] = [_encode_definition(tables, d) for d in t["definitions"].values()]
    del t["schema"], t["tool"]
    return tables.add("traces", t)


def encode(obj):
    """(content, tables): plain JSON-ready data for a Trace or Matrix."""
    tables = _Tables()
    data = obj.to_dict()
    if isinstance(obj, Matrix):
        # groups and divergences are computed again from the runs when read
        content = {k: v for k, v in data.items() if k not in ("runs", "groups", "divergences", "schema", "tool")}
        content["runs"] = [{"switches": r["switches"], "label": r["label"],
                            "trace": _encode_trace(tables, r["trace"], r["switches"])} for r in data["runs"]]
    else:
        content = {"kind": "trace", "trace": _encode_trace(tables, data)}
    return content, tables.rows


# -- decoding -----------------------------------------------------------------------

def _row(tables, name, index):
    rows = tables.get(name)
    if not isinstance(index, int) or not isinstance(rows, list) or not 0 <= index < len(rows):
        raise ValueError("reference %r out of the %s table" % (index, name))
    return rows[index]


def _decode_definition(tables, index):
    d = dict(_row(tables, "definitions", index))
    d["conditions"] = [dict(_row(tables, "conditions", c)) for c in d.get("conditions", [])]
    d.setdefault("key", "%s@%s:%s" % (d.get("name"), d.get("file"), d.get("line")))
    return d


def _decode_step(record, index, previous):
    s = dict(record)
    s["index"] = index
    s.setdefault("kind", _DEFAULT_KIND)
    span = s.get("before_span")
    if span is not None and previous is not None:
        start, end = span
        s.setdefault("replaced", previous[start:end])
        s.setdefault("text", previous[:start] + s.get("inserted", "") + previous[end:])
        s.setdefault("after_span", [start, start + len(s.get("inserted", ""))])
    args = []
    for k, a in enumerate(s.get("arguments", [])):
        a = dict(a)
        a.setdefault("expanded", a.get("written"))
        a["index"] = k
        args.append(a)
    s["arguments"] = args
    pastes = []
    for p in s.get("pastes", []):
        p = dict(p)
        p.setdefault("result", p.get("lhs", "") + p.get("rhs", ""))
        pastes.append(p)
    s["pastes"] = pastes
    return s


def _decode_node(node, steps):
    n = dict(node)
    n.setdefault("step", None)
    if "macro" not in n and n["step"] is not None and 0 <= n["step"] < len(steps):
        n["macro"] = steps[n["step"]].get("macro")
    n["children"] = [_decode_node(c, steps) for c in n.get("children", [])]
    return n


def _decode_invocation(tables, index):
    inv = dict(_row(tables, "invocations", index))
    steps, previous = [], None
    for k, s in enumerate(inv.get("steps", [])):
        step = _decode_step(_row(tables, "steps", s), k, previous)
        steps.append(step)
        previous = step.get("text")
    inv["steps"] = steps
    if inv.get("tree") is not None:
        inv["tree"] = _decode_node(inv["tree"], steps)
    return inv


def _decode_trace(tables, index, switches=None):
    from ..trace.model import SCHEMA
    t = dict(_row(tables, "traces", index))
    config = dict(t.get("config", {}))
    if switches is not None:
        config.setdefault("switches", switches)
    t["config"] = config
    t["invocations"] = [_decode_invocation(tables, i) for i in t.get("invocations", [])]
    defs = [_decode_definition(tables, i) for i in t.get("definitions", [])]
    t["definitions"] = {d["key"]: d for d in defs}
    t["schema"], t["tool"] = SCHEMA, "macrotrace"
    return Trace.from_dict(t)


_MATRIX_FIELDS = [f.name for f in dataclasses.fields(Matrix)
                  if f.name not in ("runs", "groups", "divergences", "schema", "tool", "kind")]


def decode(content, tables):
    """The Trace or Matrix of ``encode``'s output; ValueError when it is malformed."""
    if not isinstance(content, dict) or not isinstance(tables, dict):
        raise ValueError("no content")
    try:
        if content.get("kind") == "matrix":
            runs = [(r["switches"], _decode_trace(tables, r["trace"], r["switches"])) for r in content["runs"]]
            matrix = build_matrix(runs)
            labels = [r["label"] for r in content["runs"]]
            if [r.label for r in matrix.runs] != labels:
                raise ValueError("run labels do not match their switches")
            for name in _MATRIX_FIELDS:
                if name in content:
                    setattr(matrix, name, content[name])
            return matrix
        if content.get("kind") == "trace":
            return _decode_trace(tables, content["trace"])
    except (KeyError, TypeError, AttributeError, IndexError) as e:
        raise ValueError("malformed snapshot content (%s: %s)" % (type(e).__name__, e))
    raise ValueError("unknown content kind %r" % content.get("kind"))
