"""The JSON view: the documented contract for tools (README, "JSON format").

It is also the snapshot format: the trace (or matrix), the arguments that make it
again, and a ``digest`` of the content, so that a snapshot edited by hand is refused
when it is read back (``snapshots.loads``, the other direction).
"""

import hashlib
import json
import json.encoder

from .. import rawbytes
from ..trace.model import invocation_from_dict, record_of
from ..trace.spool import Spool


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


def _layout(value, key, indent=""):
    """The pieces of ``value``'s layout, made as they are asked for."""
    if hasattr(value, "__dataclass_fields__"):
        value = record_of(value)
    elif isinstance(value, Spool) and not value:
        value = []
    # a streamed trace's invocations are a Spool (trace/spool.py), read back one by one
    spread = key in _SPREAD and isinstance(value, (dict, list, Spool)) and value
    if not spread:
        yield _LINE(value)
        return
    if isinstance(value, Spool) and value.form == _FORM + indent:
        yield from _stored_layout(value, indent)
        return
    inner = indent + "  "
    is_dict = isinstance(value, dict)
    items = value.items() if is_dict else ((key + "[]", v) for v in value)
    n = len(value)
    yield "{\n" if is_dict else "[\n"
    for k, (sub, item) in enumerate(items):
        yield inner
        if is_dict:
            yield _KEY(sub) + ": "
        elif key in ("invocations", "runs"):
            sub = None
        yield from _layout(item, sub, inner)
        yield ",\n" if k < n - 1 else "\n"
    yield indent + ("}" if is_dict else "]")


# -- a streamed trace (streaming.py) -----------------------------------------------
# Each invocation is laid out as it finishes, where a trace's invocations stand (two
# levels in), and stored so; writing the trace copies the stored text.

_FORM = "json layout at "
_AT = "    "


def spool():
    """A Spool keeping each invocation as its JSON layout."""
    return Spool(encode=_laid_out, decode=_read_back, form=_FORM + "  ")


def _laid_out(inv):
    return "".join(rawbytes.json_escaped(p) for p in _layout(inv, None, _AT)).encode()


def _read_back(data):
    return invocation_from_dict(json.loads(data))


def _stored_layout(spool_, indent):
    n = len(spool_)
    yield "[\n"
    for k, data in enumerate(spool_.stored()):
        yield _AT
        yield data.decode()
        yield ",\n" if k < n - 1 else "\n"
    yield indent + "]"


def _parts(data):
    # a source byte that is not UTF-8 is written \udcXX (rawbytes.py)
    return (rawbytes.json_escaped(part) for part in _layout(data, None))


def layout_text(data):
    """The layout of a decoded snapshot (without its digest): what the digest covers."""
    return "".join(_parts(data))


def pieces(obj):
    """The snapshot text of a Trace or Matrix, in pieces: the layout, then the digest of
    the whole layout in place of its closing brace.  The pieces are made as they are
    written (a generator): a large trace is never held as text, and a streamed trace's
    invocations are read back one at a time (streaming.py)."""
    digest = hashlib.sha256()
    held = []                   # the last two pieces: the layout ends "\n" "}"
    for part in _parts(obj):
        held.append(part)
        if len(held) > 2:
            done = held.pop(0)
            digest.update(done.encode())
            yield done
    assert held == ["\n", "}"], held
    digest.update(held[0].encode())
    digest.update(held[1].encode())
    # the digest goes before the closing brace
    yield ',\n  "digest": "%s"\n}\n' % digest.hexdigest()


def dumps(obj):
    """Snapshot text for a Trace or Matrix, ending with the digest of the text before it."""
    return "".join(pieces(obj))


def render_output(obj, options=None):
    """The format registry's entry (render/registry.py): the snapshot text, in pieces."""
    return pieces(obj)
