"""The command line: ``main.py`` reads it and dispatches to a subcommand
(``commands/``, one module each, registered in ``registry.py``); ``options.py`` holds
the shared flag groups and builds the RunConfig.  Nothing here formats results: the
renderers do (render/registry.py)."""

from .commands.trace import build_trace_parser, produce
from .main import EXIT_ERROR, EXIT_INTERNAL, build_parser, entry, main
from .options import UsageError, config_from_args

__all__ = ["EXIT_ERROR", "EXIT_INTERNAL", "UsageError", "build_parser", "build_trace_parser",
           "config_from_args", "entry", "main", "produce"]
