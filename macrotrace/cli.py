"""The ``macrotrace`` command: parse flags, build a RunConfig, run, render.

    macrotrace MACRO FILE [flags]       trace every invocation of MACRO in FILE
    macrotrace expand FILE [flags]      the whole file preprocessed (like cpp -P)

Errors are one line on stderr and exit status 2.
"""

import argparse
import difflib
import json
import os
import sys

from . import __version__
from .config import ConfigError, RunConfig
from .engine.diagnostics import PreprocessError

EXIT_ERROR = 2
EXIT_INTERNAL = 3


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


class _MacroOption(argparse.Action):
    """-D and -U share one ordered list, as gcc applies them in order."""

    def __call__(self, parser, ns, value, option_string=None):
        ns.macro_options = list(ns.macro_options or []) + [(option_string.lstrip("-")[0], value)]


def _common_flags(p):
    g = p.add_argument_group("configuration")
    g.add_argument("--lto", action="store_true", help="define CONFIG_LTO_CLANG")
    g.add_argument("--prel32", action="store_true", help="define CONFIG_HAVE_ARCH_PREL32_RELOCATIONS")
    g.add_argument("--module", action="store_true", help="define MODULE (a loadable module)")
    g.add_argument("--modname", metavar="NAME",
                   help='KBUILD_MODNAME="NAME" and __KBUILD_MODNAME=kmod_NAME (default: file stem)')
    g.add_argument("-D", dest="macro_options", action=_MacroOption, metavar="NAME[=VALUE]", default=[],
                   help="define a macro, as gcc -D")
    g.add_argument("-U", dest="macro_options", action=_MacroOption, metavar="NAME", help="undefine, as gcc -U")
    g.add_argument("-I", dest="include_dirs", action="append", default=[], metavar="DIR")
    g.add_argument("-iquote", dest="quote_dirs", action="append", default=[], metavar="DIR")
    g.add_argument("-isystem", dest="system_dirs", action="append", default=[], metavar="DIR")
    g.add_argument("-idirafter", dest="after_dirs", action="append", default=[], metavar="DIR")
    g.add_argument("-include", dest="forced_includes", action="append", default=[], metavar="FILE")
    g.add_argument("-std", "--std", dest="std", default="gnu11", metavar="STD",
                   help="language standard (default gnu11)")
    g.add_argument("--cc", metavar="COMPILER",
                   help="take predefined macros and __has_attribute answers from this compiler")
    g.add_argument("--no-bundled-headers", action="store_true",
                   help="do not search macrotrace's model of the Linux headers")
    g.add_argument("--max-steps", type=int, default=2000, metavar="N",
                   help="cut a trace after N steps (default 2000)")
    g.add_argument("--max-expansions", type=int, default=1_000_000, metavar="N",
                   help="stop one invocation after N macro replacements (default 1000000)")
    o = p.add_argument_group("output")
    o.add_argument("-o", dest="output", metavar="FILE", help="write to FILE instead of stdout")


def build_trace_parser():
    p = _Parser(prog="macrotrace", description="Show, step by step, how the C preprocessor "
                "expands a macro (gcc -E is the oracle).",
                epilog="Other commands: macrotrace expand FILE [flags]")
    p.add_argument("macro", help="the macro to trace, e.g. module_init")
    p.add_argument("file", help="the C file to preprocess")
    _common_flags(p)
    p.add_argument("--line", type=int, metavar="N", help="only invocations on line N")
    p.add_argument("--format", choices=("text", "json", "html"), default="text")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--version", action="version", version="macrotrace " + __version__)
    return p


def build_expand_parser():
    p = _Parser(prog="macrotrace expand", description="Preprocess FILE like cpp -P.")
    p.add_argument("file")
    _common_flags(p)
    return p


def config_from_args(ns, macro=None):
    if not os.path.exists(ns.file):
        raise ConfigError("%s: No such file or directory" % ns.file)
    if os.path.isdir(ns.file):
        raise ConfigError("%s: is a directory, not a C file" % ns.file)
    for d in ns.include_dirs:
        if not os.path.isdir(d):
            raise ConfigError("-I %s: not a directory" % d)
    if ns.max_steps < 1 or ns.max_expansions < 1:
        raise ConfigError("--max-steps and --max-expansions must be at least 1")
    compiler = tuple(ns.cc.split()) if ns.cc else None
    return RunConfig(
        source=ns.file, macro=macro, line=getattr(ns, "line", None),
        lto=ns.lto, prel32=ns.prel32, module=ns.module, modname=ns.modname,
        macro_options=tuple(ns.macro_options or ()), include_dirs=tuple(ns.include_dirs),
        quote_dirs=tuple(ns.quote_dirs), system_dirs=tuple(ns.system_dirs),
        after_dirs=tuple(ns.after_dirs), forced_includes=tuple(ns.forced_includes),
        compiler=compiler, std=ns.std, bundled_headers=not ns.no_bundled_headers,
        max_steps=ns.max_steps, max_expansions=ns.max_expansions)


def _print_warning(w):
    print(str(w), file=sys.stderr)


def _write(ns, text):
    if ns.output:
        with open(ns.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def cmd_expand(argv):
    from .engine.session import expand
    ns = build_expand_parser().parse_args(argv)
    config = config_from_args(ns)
    _write(ns, expand(config, _print_warning))
    return 0


def cmd_trace(argv):
    from .tracing import no_invocation_message, run_trace
    ns = build_trace_parser().parse_args(argv)
    config = config_from_args(ns, macro=ns.macro)
    trace, pp = run_trace(config, _print_warning)
    if not trace.invocations:
        raise ConfigError(no_invocation_message(config, pp))
    if ns.format == "json":
        from .render.json_ import render
        text = render(trace)
    elif ns.format == "html":
        from .render.html import render
        text = render(trace)
    else:
        from .render.text import render
        color = ns.color == "always" or (
            ns.color == "auto" and not ns.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
        text = render(trace, color=color)
    _write(ns, text)
    return 0


COMMANDS = {"expand": cmd_expand}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        return cmd_trace(argv)
    except UsageError as e:
        print("macrotrace: error: %s (see macrotrace --help)" % e, file=sys.stderr)
    except (ConfigError, PreprocessError) as e:
        msg = str(e)
        print(msg if msg.startswith(("macrotrace", "/")) or ": error:" in msg
              else "macrotrace: error: %s" % msg, file=sys.stderr)
    except RecursionError:
        print("macrotrace: error: input nests too deeply to follow", file=sys.stderr)
    except MemoryError:
        print("macrotrace: error: out of memory (is the input a macro bomb? try --max-steps)",
              file=sys.stderr)
    except OSError as e:
        print("macrotrace: error: %s" % e, file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except Exception as e:      # a bug in macrotrace, not in the input
        if os.environ.get("MACROTRACE_DEBUG"):
            raise
        print("macrotrace: internal error: %s: %s (MACROTRACE_DEBUG=1 shows the traceback; "
              "please report it)" % (type(e).__name__, e), file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_ERROR


def suggest(name, candidates):
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    return (" (did you mean %s?)" % ", ".join(close)) if close else ""


if __name__ == "__main__":
    sys.exit(main())
