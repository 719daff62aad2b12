"""Output formats: one table from a format's name to the function that renders it.

Each kind of result a command produces (``trace``: a Trace or a Matrix; ``initcalls``:
the initcall list) has its formats.  A renderer is ``render_output(obj, options)`` and
returns the text, as one string or as an iterable of pieces written one after the other
(a large JSON or HTML trace is never held whole: they are generators).  Entries are
"module:function" strings, imported only when the format is used (jinja2 costs a text
run nothing).

To add a format: one row below, or ``register(kind, name, target)`` from the module
that defines it.  ``--format`` offers the names of its command's kind.
"""

import importlib

from ..record import record

_FORMATS = {
    "trace": {
        "text": "macrotrace.render.text:render_output",
        "json": "macrotrace.render.json:render_output",
        "html": "macrotrace.render.html:render_output",
    },
    "initcalls": {
        "text": "macrotrace.initcalls:render_text",
        "json": "macrotrace.initcalls:render_json",
    },
    "journey": {
        "text": "macrotrace.render.journey_text:render_output",
        "json": "macrotrace.render.journey_text:render_json",
        "html": "macrotrace.render.journey_html:render_output",
    },
}


@record(frozen=True)
class RenderOptions:
    """What a renderer may be told besides the model (each uses what applies to it)."""
    color: bool = False           # text: ANSI colours
    films: int = None             # html: invocations shown with their whole film (None: default)
    view: object = None           # trace.views.ViewOptions: which steps are shown (None: all)
    width: int = 100              # text: columns to fill
    brief: bool = False           # text: one line per visible step
    backtrace: bool = False       # text: each step's backtrace


def register(kind, name, target):
    """Add (or replace) format ``name`` for results of ``kind``; ``target`` is a
    callable or a "module:function" string."""
    _FORMATS.setdefault(kind, {})[name] = target


def formats(kind):
    """The format names offered for ``kind``, in the order they were registered."""
    return list(_FORMATS.get(kind, ()))


def renderer(kind, name):
    target = _FORMATS[kind][name]
    if isinstance(target, str):
        module, function = target.split(":")
        target = getattr(importlib.import_module(module), function)
    return target


def render(kind, name, obj, options=RenderOptions()):
    """The text of ``obj`` in format ``name``: a string or a list of pieces."""
    return renderer(kind, name)(obj, options)
