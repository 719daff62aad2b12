"""The command line: ``main.py`` reads it and dispatches to a subcommand
(``commands/``, one module each, registered in ``registry.py``); ``options.py`` holds
the shared flag groups and builds the RunConfig.  Nothing here formats results: the
renderers do (render/registry.py)."""

import importlib

from .main import build_parser, entry, main
from .options import EXIT_ERROR, EXIT_INTERNAL, UsageError, config_from_args

__all__ = ["EXIT_ERROR", "EXIT_INTERNAL", "UsageError", "build_parser", "build_trace_parser",
           "config_from_args", "entry", "main", "produce"]


def __getattr__(name):
    """build_trace_parser and produce live with the trace command, imported when asked
    for (a start-up imports only the command it runs)."""
    if name in ("build_trace_parser", "produce"):
        return getattr(importlib.import_module(".commands.trace", __name__), name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
