"""macrotrace trace MACRO FILE: every invocation of MACRO written in FILE, step by step
(also the bare ``macrotrace MACRO FILE``)."""

import os
import sys

from ...config import ConfigError
from ...render import registry as formats
from ...render.text import verification_text
from ...trace.matrix import Matrix
from ...tracing import no_invocation_message, run_matrix, run_trace
from ...verify import verify
from ..options import Parser, UsageError, config_from_args, format_flag, print_warning, write_output
from ..registry import COMMANDS, command

EXIT_ERROR = 2


def _arguments(p):
    p.add_argument("macro", help="the macro to trace, e.g. module_init (several: A,B)")
    p.add_argument("file", help="the C file to preprocess")
    g = p.add_argument_group("trace")
    g.add_argument("--line", type=int, metavar="N", help="only invocations on line N")
    g.add_argument("--verify", action="store_true",
                   help="compile the file and check the declarations against the object file")
    g.add_argument("--matrix", action="store_true",
                   help="trace under all 8 combinations of --lto/--prel32/--module and compare")
    format_flag(g, "trace")
    g.add_argument("--films", type=int, default=None, metavar="N",
                   help="HTML: the whole film for the first N invocations only, the rest listed "
                        "with their results (default 50; 0: all)")
    g.add_argument("--color", choices=("auto", "always", "never"), default="auto")


@command("trace", "trace every invocation of MACRO written in FILE (the default command)",
         arguments=_arguments, flags=("config", "output"), rank=0,
         description="Show, step by step, how the C preprocessor expands MACRO at each "
                     "place FILE invokes it (gcc -E is the oracle).")
def run(ns, compiler_command):
    obj, ns = _produced(ns, compiler_command)
    color = ns.color == "always" or (
        ns.color == "auto" and not ns.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    if ns.films is not None and ns.films < 0:
        raise UsageError("--films takes a number of invocations, 0 for all")
    verification = _verify(ns, obj) if ns.verify else None
    if verification is not None and ns.format == "json":
        # stdout stays one JSON document; the check goes where messages go
        sys.stderr.write(verification_text(obj, *verification))
    options = formats.RenderOptions(color=color, films=ns.films, verification=verification)
    write_output(ns, formats.render("trace", ns.format, obj, options))
    if ns.cut is not None:
        print(str(ns.cut), file=sys.stderr)
        return EXIT_ERROR
    return 1 if getattr(ns, "verify_failed", False) else 0


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
    namespace).  ``command``: the compiler command line given after --, or None."""
    ns = build_trace_parser().parse_args(argv)
    ns.argv = argv
    return _produced(ns, command)


def _produced(ns, command):
    config = config_from_args(ns, macro=ns.macro, command=command)
    ns.cut = None
    if ns.matrix:
        obj = run_matrix(config, print_warning)
    else:
        obj, pp = run_trace(config, print_warning)
        if pp.cut is not None and not obj.invocations:
            raise pp.cut
        if not obj.invocations:
            raise ConfigError(no_invocation_message(config, pp))
        ns.cut = pp.cut         # shown after the trace so far
    obj.command = recreate_args(ns.argv) + (["--"] + list(command) if command else [])
    ns.config = config
    return obj, ns


def _verify(ns, obj):
    """Compile the unit and check the traced declarations: (rows, object info), or None
    when there is no compiler to do it (said on stderr)."""
    if isinstance(obj, Matrix):
        raise ConfigError("--verify works on one configuration; drop --matrix")
    try:
        rows, info = verify(ns.config, obj, list(ns.config.compile_argv) or None)
    except ConfigError as e:
        print("macrotrace: %s" % e, file=sys.stderr)
        return None
    if any(status == "mismatch" for checks in rows for _, status, _ in checks):
        ns.verify_failed = True
    return rows, info
