"""The ``macrotrace`` command: which subcommand, its flags, the run, errors.

    macrotrace MACRO FILE [flags] [-- CC ARGS...]      shorthand for macrotrace trace
    macrotrace COMMAND ARGS [flags] [-- CC ARGS...]    trace, expand, diff, check, ...

How a command line is read, in this order:
1. A first argument ``--`` means "no command here": what follows is a trace's
   MACRO FILE, whatever the macro is called (``macrotrace -- check c.c``).
2. The next ``--`` starts the compiler command line (``-- gcc -c ...``); everything
   after it is the compiler's, never macrotrace's.
3. A first argument that names a command runs that command; anything else (a macro
   name, or a flag) is the bare trace form.  So a macro named like a command is traced
   with ``macrotrace trace check c.c`` or ``macrotrace -- check c.c``.

Commands live in ``cli/commands/`` (one module each, see cli/registry.py).  Errors
are one line on stderr and exit status 2; a bug in macrotrace is "internal error", 3.
"""

import argparse
import gc
import os
import sys

from .. import progress, version_line
from ..config import ConfigError
from ..engine.diagnostics import PreprocessError
from ..messages import error_line
from . import given_text
from .commands import exists, load, load_all
from .options import EXIT_ERROR, EXIT_INTERNAL, Parser, UsageError
from .registry import COMMANDS, ordered

TRACE = "trace"
_TOP_OPTIONS = {"-h", "--help", "--version"}

USAGE = """macrotrace MACRO FILE [flags] [-- CC ARGS...]
       macrotrace COMMAND [arguments] [flags] [-- CC ARGS...]
       macrotrace -- MACRO FILE [flags] [-- CC ARGS...]"""

EPILOG = """\
macrotrace MACRO FILE is short for macrotrace trace MACRO FILE.  A macro named like a
command is traced with the explicit form (macrotrace trace check c.c) or after a
leading -- (macrotrace -- check c.c).  Any other -- starts a compiler command line:
its flags, and its compiler for the predefined macros.  macrotrace COMMAND --help
shows a command's flags."""


def build_parser(only=None):
    """The whole command line: every registered command as an argparse subcommand (or
    only the command named ``only``, enough to run it)."""
    if only is None:
        load_all()
    elif only not in COMMANDS:
        load(only)
    p = Parser(prog="macrotrace", usage=USAGE, epilog=EPILOG,
               formatter_class=argparse.RawDescriptionHelpFormatter,
               description="Show, step by step, how the C preprocessor expands a macro "
                           "(gcc -E is the oracle).")
    p.add_argument("--version", action="version", version=version_line())
    subs = p.add_subparsers(title="commands", metavar="COMMAND")
    for cmd in ordered():
        if only is not None and cmd.name != only:
            continue
        sub = subs.add_parser(cmd.name, prog="macrotrace " + cmd.name, help=cmd.help,
                              description=cmd.description or cmd.help,
                              epilog=cmd.epilog)
        cmd.configure(sub)
    return p


def split_command_line(argv):
    """(the command's name, its arguments, the compiler command after -- or None)."""
    bare = argv[:1] == ["--"]
    if bare:
        argv = argv[1:]
    compiler = None
    if "--" in argv:
        k = argv.index("--")
        argv, compiler = argv[:k], argv[k + 1:]
    if not bare and argv and (argv[0] in COMMANDS or exists(argv[0]) or argv[0] in _TOP_OPTIONS):
        return argv[0], argv[1:], compiler
    return TRACE, argv, compiler


def run(argv):
    """Parse ``argv`` (without the program name) and run its command: the exit status."""
    if "_ARGCOMPLETE" in os.environ:
        from .completion import complete        # (only then: not at every start)
        complete(build_parser())                # the shell asking for completions: answer, exit
    name, args, compiler = split_command_line(argv)
    if name == "--version" and not args:
        print(version_line())           # (argparse's answer, without loading every command)
        return 0
    if name in _TOP_OPTIONS:
        build_parser().parse_args([name] + args)        # prints, then SystemExit
    parser = build_parser(only=name)
    try:
        ns, extra = parser.parse_known_args([name] + args)
        if extra and not ns.subcommand.extra_args:
            parser.error("unrecognized arguments: %s" % " ".join(extra))
    except UsageError as e:
        hint = "macrotrace %s--help" % ("" if name == TRACE and argv[:1] != [TRACE] else name + " ")
        if name != TRACE:
            hint += "; a macro named %s is traced with: macrotrace trace %s FILE" % (name, name)
        raise UsageError("%s (see %s)" % (e, hint))
    ns.extra = extra
    ns.argv = args
    with progress.running(quiet=getattr(ns, "quiet", False)):
        return ns.subcommand.run(ns, compiler)


def entry():
    """The ``macrotrace`` command: ``main``, then exit without tearing the heap down.

    A large trace leaves millions of objects; freeing them one by one at interpreter
    exit took longer than writing the output (1.8 s of 11 for 2,000 invocations).
    Everything written is flushed first; nothing else needs a clean shutdown."""
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass                    # the reader stopped reading (| head): not an error
    except (OSError, ValueError):
        status = status or EXIT_ERROR
    os._exit(status if isinstance(status, int) else EXIT_ERROR)


def main(argv=None):
    # A trace allocates millions of small objects that live until the end, and makes
    # next to no cyclic garbage: the cyclic GC only rescanned them again and again
    # (0.5 s of a 2,000-invocation trace; peak memory 405 MB with it, 408 MB without).
    # It is off while a command runs and back on after.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        given_text.cleanup()
        if was_enabled:
            gc.enable()


def _main(argv):
    try:
        return run(argv)
    except SystemExit as e:             # --help, --version
        return e.code if isinstance(e.code, int) else 0
    except UsageError as e:
        print("macrotrace: error: %s" % e, file=sys.stderr)
    except _input_errors() as e:
        print(given_text.relabel(error_line(e)), file=sys.stderr)
    except RecursionError:
        print("macrotrace: error: input nests too deeply to follow", file=sys.stderr)
    except MemoryError:
        print("macrotrace: error: out of memory (is the input a macro bomb? try --max-steps)",
              file=sys.stderr)
    except BrokenPipeError:             # the reader stopped reading (| head): quietly done
        from ..render.pager import quiet_stdout
        quiet_stdout()
        return 0
    except OSError as e:
        print(given_text.relabel(error_line(e)), file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except Exception as e:      # a bug in macrotrace, not in the input
        if os.environ.get("MACROTRACE_DEBUG"):
            raise
        print("macrotrace: internal error: %s: %s (MACROTRACE_DEBUG=1 shows the traceback; "
              "please report it)" % (type(e).__name__, e), file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_ERROR


def _input_errors():
    """The exceptions that are the input's fault (one line, exit status 2).  A snapshot
    error can only come from a command that imported snapshots.py: a start-up that does
    not read snapshots does not import it."""
    snapshots = sys.modules.get(__package__.rsplit(".", 1)[0] + ".snapshots")
    return (ConfigError, PreprocessError) + ((snapshots.SnapshotError,) if snapshots else ())
