"""Reading the JSON text of a trace or matrix (``--format json``, written by
render/json.py), with the ``digest`` of its content, so a file edited by hand (or
truncated, or not macrotrace's at all) is refused with a clear error rather than
compared.
"""

import hashlib
import json

from ..render.json import dumps, layout_text, pieces  # noqa: F401  (dumps, pieces: the writer)
from ..trace import model
from ..trace.matrix import Matrix
from ..trace.model import SCHEMA, Trace
from .errors import OldSchemaError, SnapshotError


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
    """OldSchemaError (naming the command that makes it again) unless ``data`` is in a
    schema this macrotrace reads (the model's READABLE, when it names older ones)."""
    if data.get("schema") not in getattr(model, "READABLE", (SCHEMA,)):
        raise OldSchemaError("%s: written with JSON schema %s, this macrotrace reads schema %d; "
                             "regenerate it (macrotrace check --update)" % (origin, data.get("schema"), SCHEMA),
                             data.get("command") if isinstance(data.get("command"), list) else None)


def loads(text, origin, data=None):
    """The Trace or Matrix of a --format json text (``data``: the text already parsed)."""
    data = parse(text, origin) if data is None else dict(data)
    digest = data.pop("digest", None)
    if digest is not None and digest != hashlib.sha256(layout_text(data).encode()).hexdigest():
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
