"""A CI snapshot file: the trace or matrix in compact form, and what checking it needs.

    {"tool": "macrotrace", "schema": 3, "kind": "snapshot",
     "command": [macrotrace arguments, paths relative to the repository root],
     "kernel_tree": null | {"release": ..., "config_digest": ...},
     "compiler": null | {"name": "gcc", "version": "12.2.0"},
     "sites": [{"file", "line", "source", "before", "after"}: each invocation's neighbours],
     "content": ..., "tables": {...}  (compact.py),
     "digest": sha256 of the rest, canonically written}

A plain ``--format json`` trace or matrix is read as a snapshot too (its command is
run from the working directory, as it was made).
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import List, Optional

from ..trace.model import SCHEMA
from . import compact, layout
from .errors import SnapshotError

_CANON = dict(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Site:
    """Where an invocation was written, and its neighbouring source lines (matching)."""
    file: str
    line: int
    source: str
    before: str = ""
    after: str = ""


@dataclass
class Snapshot:
    obj: object                         # Trace or Matrix
    command: List[str]
    portable: bool = True               # paths relative to the repository root
    kernel_tree: Optional[dict] = None
    compiler: Optional[dict] = None
    sites: List[Site] = field(default_factory=list)


def _line(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps(snap):
    content, tables = compact.encode(snap.obj)
    data = {"tool": "macrotrace", "schema": SCHEMA, "kind": "snapshot", "command": list(snap.command),
            "kernel_tree": snap.kernel_tree, "compiler": snap.compiler,
            "sites": [s.__dict__ for s in snap.sites], "content": content, "tables": tables}
    digest = hashlib.sha256(json.dumps(data, **_CANON).encode()).hexdigest()
    out = ["{\n"]
    for key, value in data.items():
        if key == "tables":
            out.append('"tables": {\n')
            for k, (name, rows) in enumerate(value.items()):
                out.append("%s: [\n" % _line(name))
                out.append(",\n".join(_line(r) for r in rows))
                out.append("\n]%s\n" % ("," if k < len(value) - 1 else ""))
            out.append("},\n")
        elif key == "sites":
            out.append('"sites": [\n%s\n],\n' % ",\n".join(_line(s) for s in value))
        else:
            out.append("%s: %s,\n" % (_line(key), _line(value)))
    out.append('"digest": "%s"\n}\n' % digest)
    return "".join(out)


def loads(text, origin):
    """A Snapshot from a snapshot file's text, or a plain JSON trace/matrix."""
    data = layout.parse(text, origin)
    if data.get("kind") != "snapshot":
        obj = layout.loads(text, origin, data)
        return Snapshot(obj, list(obj.command), portable=False)
    digest = data.pop("digest", None)
    if digest != hashlib.sha256(json.dumps(data, **_CANON).encode()).hexdigest():
        raise layout.edited(origin)
    layout.require_schema(data, origin)
    command = data.get("command") if isinstance(data.get("command"), list) else None
    try:
        obj = compact.decode(data.get("content"), data.get("tables"))
        sites = [Site(**s) for s in data.get("sites", [])]
    except (ValueError, TypeError) as e:
        raise SnapshotError("%s: %s" % (origin, e))
    if command is None:
        raise SnapshotError("%s: records no command to re-run" % origin)
    return Snapshot(obj, command, True, data.get("kernel_tree"), data.get("compiler"), sites)


def load(path):
    return loads(layout.read_text(path), path)
