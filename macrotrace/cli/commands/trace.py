"""macrotrace trace MACRO FILE: every invocation of MACRO written in FILE, step by step
(also the bare ``macrotrace MACRO FILE``)."""

import os
import sys

from ...config import ConfigError
from ...render import registry as formats
from ...streaming import Stream
from ...trace.matrix import Matrix
from ...tracing import matrix_axes, no_invocation_message, run_matrix, run_trace, run_trace_reached
from .. import given_text
from ..options import (EXIT_ERROR, Parser, UsageError, config_from_args, format_flag, print_warning,
                       text_flag, write_output)
from ..registry import COMMANDS, command
from ..view_flags import add_view_flags, annotate_views, not_found, view_options


def _arguments(p):
    p.add_argument("macro", nargs="?", help="the macro to trace, e.g. module_init (several: A,B); "
                   "with -e, the text's first identifier by default")
    p.add_argument("file", nargs="?", help="the C file to preprocess (- : standard input)")
    g = p.add_argument_group("trace")
    text_flag(g)
    g.add_argument("--line", type=int, metavar="N", help="only invocations on line N")
    g.add_argument("--verify", action="store_true",
                   help="compile the file and check the declarations against the object file")
    g.add_argument("--matrix", nargs="?", const="", default=None, metavar="A,B",
                   help="trace under every combination of the macros A, B... defined or not (by "
                        "default: the switches and the symbols the trace depends on) and compare")
    format_flag(g, "trace")
    g.add_argument("--films", type=int, default=None, metavar="N",
                   help="HTML: the whole film for the first N invocations only, the rest listed "
                        "with their results (default 50; 0: all)")
    g.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    add_view_flags(p)


@command("trace", "trace every invocation of MACRO written in FILE (the default command)",
         arguments=_arguments, flags=("config", "output"), rank=0,
         description="Show, step by step, how the C preprocessor expands MACRO at each "
                     "place FILE invokes it (gcc -E is the oracle).",
         epilog="--matrix varies, by default, the switches (--lto, --prel32, --module...) and "
                "the other symbols the trace depends on (the #if conditions around the "
                "definitions it used); --matrix=A,B varies A and B.  Give --matrix after FILE, "
                "or as --matrix=A,B.")
def run(ns, compiler_command):
    if ns.films is not None and ns.films < 0:
        raise UsageError("--films takes a number of invocations, 0 for all")
    given_text.resolve(ns, wants_macro=True)
    config = config_from_args(ns, macro=ns.macro, command=compiler_command)
    # JSON and HTML are written from a streamed trace (issue 18: memory); the text view,
    # --matrix and --verify need the whole trace (streaming.py says why)
    streamed = ns.format in ("json", "html") and ns.matrix is None and not ns.verify
    obj, cut = _produced(ns, config, compiler_command, streamed)
    if ns.verify:
        _verify(config, obj)
    color = ns.color == "always" or (
        ns.color == "auto" and not ns.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    from ...render.wrap import WIDTH, terminal_width
    options = formats.RenderOptions(color=color, films=ns.films, view=ns.view_options, brief=ns.brief,
                                    backtrace=ns.backtrace,
                                    width=terminal_width() if not ns.output else WIDTH)
    write_output(ns, formats.render("trace", ns.format, obj, options))
    if ns.verify and ns.format != "text" and getattr(obj, "verified_sections", None) is not None:
        # the report is for a tool or a browser; the reader of the terminal gets the check too
        from ...render.text import verification_text
        print(verification_text(obj), end="", file=sys.stderr)
    if cut is not None:
        print(str(cut), file=sys.stderr)
        return EXIT_ERROR
    return 1 if ns.verify and obj.mismatches() else 0


def build_trace_parser():
    """The parser of the trace command alone (``macrotrace trace``'s arguments)."""
    p = Parser(prog="macrotrace trace", description=COMMANDS["trace"].description)
    COMMANDS["trace"].configure(p)
    return p


OUTPUT_OPTIONS = {"-o", "--format", "--color", "--films"}


def recreate_args(argv):
    """The arguments that make the same trace again (output options dropped)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in OUTPUT_OPTIONS:
            skip = True
            continue
        if a.split("=", 1)[0] in OUTPUT_OPTIONS:
            continue
        out.append(a)
    return out


def produce(argv, command=None):
    """Run the trace the trace command's arguments ``argv`` ask for: (Trace or Matrix,
    the PreprocessError of --max-steps that cut the trace short, or None).  ``command``:
    the compiler command line given after --, or None."""
    ns = build_trace_parser().parse_args(argv)
    ns.argv = argv
    given_text.resolve(ns, wants_macro=True)
    return _produced(ns, config_from_args(ns, macro=ns.macro, command=command), command)


def _produced(ns, config, command, streamed=False):
    stream = None
    if streamed:
        # each renderer keeps the finished invocations in its own form
        if ns.format == "json":
            from ...render.json import spool
            stream = Stream(view_options(ns), spool())
        else:
            from ...render.html import spool
            stream = Stream(view_options(ns), spool(ns.films))
    if ns.matrix is not None:
        obj = run_matrix(config, print_warning, matrix_axes(ns.matrix))
        cut = None
    else:
        obj, result = run_trace(config, print_warning, stream=stream)
        cut = result.cut            # shown after the trace so far
        if not obj.invocations and cut is not None:
            raise cut
        if not obj.invocations:
            # MACRO may be reached only through the macros written in FILE
            obj, _ = run_trace_reached(config, print_warning)
            if obj is None:
                raise ConfigError(no_invocation_message(config, result))
    obj.command = given_text.recorded(recreate_args(ns.argv), ns) + (["--"] + list(command) if command else [])
    if stream is not None and obj.invocations is stream.spool:
        ns.view_options = stream.options          # recorded as each invocation finished
        if not stream.found and len(obj.invocations):
            not_found(obj, stream.options, stream.first, len(obj.invocations))
    else:
        ns.view_options = annotate_views(obj, ns)
    return obj, cut


def _verify(config, obj):
    """Compile the unit and check the traced declarations (into the model); when there
    is no compiler to do it, say so on stderr."""
    if isinstance(obj, Matrix):
        raise ConfigError("--verify works on one configuration; drop --matrix")
    from ...verify import CompileFailed, verify_trace      # (subprocess, tempfile: on use)
    try:
        verify_trace(config, obj, list(config.compile_argv) or None)
    except CompileFailed:
        raise                   # the answer, not a skipped check: exit 2 with gcc's error
    except ConfigError as e:
        print("macrotrace: %s" % e, file=sys.stderr)
