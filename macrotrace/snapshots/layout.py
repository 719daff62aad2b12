"""The JSON text of a trace or matrix (``--format json``), with a ``digest`` of its
content, so a file edited by hand (or truncated, or not macrotrace's at all) is refused
with a clear error rather than compared.
"""

import hashlib
import json
import json.encoder
import os

from ..trace.matrix import Matrix
from ..trace.model import SCHEMA, Trace, record_of


from .errors import OldSchemaError, SnapshotError


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


def parse(text, origin):
    """The JSON object of a snapshot's text; SnapshotError when it is not macrotrace's."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SnapshotError("%s:%d: not valid JSON (%s): corrupt snapshot" % (origin, e.lineno, e.msg))
    if not isinstance(data, dict) or data.get("tool") != "macrotrace":
        raise SnapshotError("%s: not a macrotrace snapshot" % origin)
    return data


def edited(origin):
    return SnapshotError("%s: content does not match its digest: the snapshot was edited by hand "
                         "or damaged; regenerate it (macrotrace check --update)" % origin)


def require_schema(data, origin):
    """OldSchemaError (naming the command that makes it again) unless ``data`` is in
    this macrotrace's schema."""
    if data.get("schema") != SCHEMA:
        raise OldSchemaError("%s: written with JSON schema %s, this macrotrace reads schema %d; "
                             "regenerate it (macrotrace check --update)" % (origin, data.get("schema"), SCHEMA),
                             data.get("command") if isinstance(data.get("command"), list) else None)


def loads(text, origin, data=None):
    """The Trace or Matrix of a --format json text (``data``: the text already parsed)."""
    data = parse(text, origin) if data is None else dict(data)
    digest = data.pop("digest", None)
    if digest is not None and digest != hashlib.sha256(_text(data).encode()).hexdigest():
        raise edited(origin)
    if isinstance(data.get("schema"), int):
        require_schema(data, origin)
    try:
        if data.get("kind") == "matrix":
            return Matrix.from_dict(data)
        return Trace.from_dict(data)
    except ValueError as e:
        raise SnapshotError("%s: %s" % (origin, e))


def read_text(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as e:
        raise SnapshotError("%s: %s" % (path, e.strerror))
    except UnicodeDecodeError:
        raise SnapshotError("%s: not UTF-8 text: corrupt snapshot" % path)
