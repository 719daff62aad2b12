"""The JSON view: the documented contract for tools (README, "JSON format").

It is also the snapshot format: the trace (or matrix), the arguments that make it
again, and a ``digest`` of the content, so that a snapshot edited by hand is refused
when it is read back (``snapshots.loads``, the other direction).
"""

import hashlib
import json
import json.encoder

from .. import rawbytes
from ..trace.model import record_of


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
    # a source byte that is not UTF-8 is written \udcXX (rawbytes.py)
    return [rawbytes.json_escaped(part) for part in out]


def layout_text(data):
    """The layout of a decoded snapshot (without its digest): what the digest covers."""
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


def render_output(obj, options=None):
    """The format registry's entry (render/registry.py): the snapshot text, in pieces."""
    return pieces(obj)
