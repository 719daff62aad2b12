"""The ``macrotrace`` command: parse flags, build a RunConfig, run, render.

    macrotrace MACRO FILE [flags]       trace every invocation of MACRO in FILE
    macrotrace expand FILE [flags]      the whole file preprocessed (like cpp -P)

Errors are one line on stderr and exit status 2.
"""

import argparse
import gc
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
    g.add_argument("--kernel-tree", metavar="DIR",
                   help="a configured kernel tree or linux-headers directory: compile as Kbuild "
                        "compiles an out-of-tree module there")
    g.add_argument("--cmd-file", metavar="FILE",
                   help="a Kbuild .NAME.o.cmd file: its compiler command supplies every flag")
    g.add_argument("--no-cmd-file", action="store_true",
                   help="ignore a .NAME.o.cmd file beside the source")
    g.add_argument("--no-cache", action="store_true",
                   help="do not reuse (or save) the state reached after the headers")
    g.add_argument("--no-bundled-headers", action="store_true",
                   help="do not search macrotrace's model of the Linux headers")
    g.add_argument("--max-steps", type=int, default=2000, metavar="N",
                   help="stop a trace after N steps (default 2000): the steps so far are shown, "
                        "then the run exits 2")
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
    p.add_argument("--verify", action="store_true",
                   help="compile the file and check the declarations against the object file")
    p.add_argument("--matrix", action="store_true",
                   help="trace under all 8 combinations of --lto/--prel32/--module and compare")
    p.add_argument("--format", choices=("text", "json", "html"), default="text")
    p.add_argument("--films", type=int, default=None, metavar="N",
                   help="HTML: the whole film for the first N invocations only, the rest listed "
                        "with their results (default 50; 0: all)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--version", action="version", version="macrotrace " + __version__)
    return p


def build_expand_parser():
    p = _Parser(prog="macrotrace expand", description="Preprocess FILE like cpp -P.")
    p.add_argument("file")
    _common_flags(p)
    return p


def config_from_args(ns, macro=None, command=None):
    if not os.path.exists(ns.file):
        raise ConfigError("%s: No such file or directory" % ns.file)
    if os.path.isdir(ns.file):
        raise ConfigError("%s: is a directory, not a C file" % ns.file)
    for d in ns.include_dirs:
        if not os.path.isdir(d):
            raise ConfigError("-I %s: not a directory" % d)
    if ns.max_steps < 1 or ns.max_expansions < 1:
        raise ConfigError("--max-steps and --max-expansions must be at least 1")
    fields = dict(
        source=ns.file, macro=macro, line=getattr(ns, "line", None),
        lto=ns.lto, prel32=ns.prel32, module=ns.module, modname=ns.modname,
        macro_options=tuple(ns.macro_options or ()), include_dirs=tuple(ns.include_dirs),
        quote_dirs=tuple(ns.quote_dirs), system_dirs=tuple(ns.system_dirs),
        after_dirs=tuple(ns.after_dirs), forced_includes=tuple(ns.forced_includes),
        compiler=tuple(ns.cc.split()) if ns.cc else None, std=ns.std,
        bundled_headers=not ns.no_bundled_headers, use_system_dirs=bool(ns.cc),
        max_steps=ns.max_steps, max_expansions=ns.max_expansions,
        cache=not ns.no_cache and os.environ.get("MACROTRACE_CACHE", "1") != "0")
    build = _build_command(ns, command)
    if build is not None:
        fields.update(build)
    return RunConfig(**fields)


def _build_command(ns, command):
    """RunConfig fields from a real compiler command (-- CC ARGS, .o.cmd, --kernel-tree)."""
    from .compile_command import find_build_dir, parse_command, read_cmd_file
    notes = []
    cwd = None
    if command:
        argv, origin, cwd = command, "command", os.getcwd()
    elif ns.cmd_file or (not ns.kernel_tree and not ns.no_cmd_file and _beside_cmd_file(ns.file)):
        cmd_file = ns.cmd_file or _beside_cmd_file(ns.file)
        if not ns.cmd_file:
            print("macrotrace: using %s (the compiler command Kbuild used for %s; "
                  "--no-cmd-file to ignore it)" % (cmd_file, ns.file), file=sys.stderr)
        argv, deps = read_cmd_file(cmd_file)
        origin = "cmd-file"
        hints = [ns.kernel_tree, "/lib/modules/%s/build" % os.uname().release]
        cwd = find_build_dir(deps, parse_command(argv), hints=[h for h in hints if h])
        if cwd is None:
            raise ConfigError("%s: cannot tell which directory this command ran in; "
                              "give it with --kernel-tree DIR" % cmd_file)
    elif ns.kernel_tree:
        from .kernel_tree import command_for
        stem = ns.modname or os.path.splitext(os.path.basename(ns.file))[0].replace("-", "_")
        argv, cwd = command_for(ns.kernel_tree, ns.file, stem, ns.module)
        origin = "kernel-tree"
    else:
        return None
    parsed = parse_command(argv)
    source = parsed["source"]
    src_abs = source if os.path.isabs(source) else os.path.join(cwd, source)
    if os.path.realpath(src_abs) != os.path.realpath(ns.file):
        raise ConfigError("the compiler command compiles %s, not %s" % (source, ns.file))
    return dict(
        source=source, cwd=cwd, origin=origin,
        compiler=parsed["compiler"], compiler_flags=tuple(parsed["compiler_flags"]),
        macro_options=tuple(parsed["macro_options"]) + tuple(ns.macro_options or ()),
        include_dirs=tuple(parsed["include_dirs"]) + tuple(ns.include_dirs),
        quote_dirs=tuple(parsed["quote_dirs"]) + tuple(ns.quote_dirs),
        system_dirs=tuple(parsed["system_dirs"]) + tuple(ns.system_dirs),
        after_dirs=tuple(parsed["after_dirs"]) + tuple(ns.after_dirs),
        forced_includes=tuple(parsed["forced_includes"]) + tuple(ns.forced_includes),
        std=parsed["std"], use_system_dirs=not parsed["nostdinc"], bundled_headers=False,
        macro_prefix_maps=tuple(parsed["macro_prefix_maps"]), notes=tuple(notes),
        compile_argv=tuple(argv))


def _beside_cmd_file(source):
    d, base = os.path.split(source)
    stem = os.path.splitext(base)[0]
    candidate = os.path.join(d, ".%s.o.cmd" % stem)
    return candidate if os.path.isfile(candidate) else None


def _print_warning(w):
    print(str(w), file=sys.stderr)


def _write(ns, text):
    """Write the output (a string, or a list of pieces written one by one)."""
    pieces = [text] if isinstance(text, str) else text
    if ns.output:
        with open(ns.output, "w", encoding="utf-8") as fh:
            for piece in pieces:
                fh.write(piece)
    else:
        for piece in pieces:
            sys.stdout.write(piece)


def cmd_expand(argv, command=None):
    from .engine.session import expand
    ns = build_expand_parser().parse_args(argv)
    config = config_from_args(ns, command=command)
    _write(ns, expand(config, _print_warning))
    return 0


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
    """Run the trace the arguments ask for: (Trace or Matrix, namespace)."""
    from .tracing import no_invocation_message, run_matrix, run_trace
    ns = build_trace_parser().parse_args(argv)
    config = config_from_args(ns, macro=ns.macro, command=command)
    ns.cut = None
    if ns.matrix:
        obj = run_matrix(config, _print_warning)
    else:
        obj, pp = run_trace(config, _print_warning)
        if pp.cut is not None and not obj.invocations:
            raise pp.cut
        if not obj.invocations:
            raise ConfigError(no_invocation_message(config, pp))
        ns.cut = pp.cut         # shown after the trace so far
    obj.command = recreate_args(argv) + (["--"] + list(command) if command else [])
    ns.config = config
    return obj, ns


def cmd_trace(argv, command=None):
    from .snapshots import pieces
    from .trace.matrix import Matrix
    obj, ns = produce(argv, command)
    color = ns.color == "always" or (
        ns.color == "auto" and not ns.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    matrix = isinstance(obj, Matrix)
    verification = _verify(ns, obj, command) if ns.verify else None
    if ns.format == "json":
        text = pieces(obj)
        if verification is not None:
            # stdout stays one JSON document; the check goes where messages go
            sys.stderr.write(_verify_text(obj, *verification))
    elif ns.format == "html":
        from .render import html
        films = html.FILMS if ns.films is None else ns.films
        if films < 0:
            raise UsageError("--films takes a number of invocations, 0 for all")
        text = html.render_matrix(obj, films=films) if matrix else \
            html.render(obj, verification=verification, films=films)
    else:
        from .render import text as text_view
        text = text_view.render_matrix(obj, color=color) if matrix else text_view.render(obj, color=color)
        if verification is not None:
            text += _verify_text(obj, *verification)
    _write(ns, text)
    if ns.cut is not None:
        print(str(ns.cut), file=sys.stderr)
        return EXIT_ERROR
    return 1 if getattr(ns, "verify_failed", False) else 0


def _verify(ns, obj, command):
    """Compile the unit and check the traced declarations: (rows, object info), or None
    when there is no compiler to do it (said on stderr)."""
    from .trace.matrix import Matrix
    from .verify import verify
    if isinstance(obj, Matrix):
        raise ConfigError("--verify works on one configuration; drop --matrix")
    try:
        rows, info = verify(ns.config, obj, _command_argv(ns.config, command))
    except ConfigError as e:
        print("macrotrace: %s" % e, file=sys.stderr)
        return None
    if any(status == "mismatch" for checks in rows for _, status, _ in checks):
        ns.verify_failed = True
    return rows, info


def _verify_text(obj, rows, info):
    from .render.text import declaration_line
    out = ["", "verified against the object file (sections: %s)" % " ".join(
        s for s in info["sections"] if s.startswith((".init", ".exit", ".modinfo", ".discard", ".initcall")))]
    bad = 0
    for inv, checks in zip(obj.invocations, rows):
        out.append("  %s:%d: %s" % (inv.file, inv.line, inv.source))
        for d, status, detail in checks:
            mark = {"ok": "ok  ", "mismatch": "DIFF", "expected absent": "gone", "skipped": "skip"}[status]
            bad += status == "mismatch"
            out.append("    %s %s — %s" % (mark, declaration_line(d)[:70], detail))
    out.append("  %d mismatch%s" % (bad, "" if bad == 1 else "es"))
    return "\n".join(out) + "\n"


def _command_argv(config, command):
    """The real compiler command of a command-driven run, else None."""
    return list(config.compile_argv) if config.compile_argv else None


def cmd_diff(argv, command=None):
    """macrotrace diff A.json B.json | macrotrace diff MACRO FILE [flags] --a FLAGS --b FLAGS"""
    import shlex
    from .snapshots.codec import load
    from .snapshots.compare import compare
    p = _Parser(prog="macrotrace diff", description="Compare two expansions; exit 0 equal, 1 different.")
    p.add_argument("a", help="a JSON snapshot, or the MACRO")
    p.add_argument("b", help="a JSON snapshot, or the FILE")
    p.add_argument("--a", dest="flags_a", default="", metavar="FLAGS", help="flags for the first run")
    p.add_argument("--b", dest="flags_b", default="", metavar="FLAGS", help="flags for the second run")
    ns, rest = p.parse_known_args(argv)
    if ns.a.endswith(".json") and ns.b.endswith(".json") and not rest and not (ns.flags_a or ns.flags_b):
        a, b = load(ns.a).obj, load(ns.b).obj
        name_a, name_b = ns.a, ns.b
    else:
        common = [ns.a, ns.b] + rest
        a, _ = produce(common + shlex.split(ns.flags_a), command)
        b, _ = produce(common + shlex.split(ns.flags_b), command)
        name_a, name_b = ns.flags_a or "(no flags)", ns.flags_b or "(no flags)"
    diffs = [f for f in compare(a, b, name_a, name_b) if f.kind != "moved"]
    for d in diffs:
        print("\n".join(d.lines) if d.lines else "%s:%d: %s: %s" % (
            d.file, d.line, d.source, ", ".join(d.renumbered)))
    return 1 if diffs else 0


def cmd_check(argv, command=None):
    """macrotrace check DIR: re-trace every snapshot and compare (snapshots/check.py)."""
    from .snapshots import check
    from .snapshots.pool import default_jobs
    p = _Parser(prog="macrotrace check", description="Re-run stored snapshots and compare: exit 0 when "
                "every expansion is the same (renumbered __LINE__/__COUNTER__/__FILE__ values are "
                "reported, not failed), 1 when one changed, 2 when a snapshot cannot be checked.")
    p.add_argument("directory")
    p.add_argument("--update", action="store_true", help="rewrite the snapshots that differ")
    p.add_argument("--strict", action="store_true", help="renumbering fails the check too")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML")
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="check N snapshots at a time (default: the number of CPUs)")
    p.add_argument("--shard", metavar="K/N", help="check only the K-th of N disjoint slices")
    p.add_argument("--kernel-tree", metavar="DIR",
                   help="the kernel tree for snapshots made on one (default: $MACROTRACE_KERNEL_TREE)")
    ns = p.parse_args(argv)
    options = check.Options(update=ns.update, strict=ns.strict, format=ns.format,
                            kernel_tree=ns.kernel_tree, cwd=os.getcwd())
    shard = check.parse_shard(ns.shard) if ns.shard else None
    outcomes = check.check(ns.directory, options, ns.jobs or default_jobs(), shard)
    for o in outcomes:
        for line in o.messages:
            print(line, file=sys.stderr)
        for line in o.report:
            print(line)
    if ns.junit:
        with open(ns.junit, "w", encoding="utf-8") as fh:
            fh.write(check.junit_xml(outcomes))
    return max([o.status for o in outcomes] + [0])


def cmd_snapshot(argv, command=None):
    """macrotrace snapshot MACRO PATH... -o DIR [trace flags]: one snapshot per C file."""
    from .snapshots import make
    from .snapshots.pool import default_jobs
    usage = ("macrotrace snapshot MACRO[,MACRO...] PATH... -o DIR [-j N] [trace flags: --matrix, "
             "--kernel-tree DIR, -I DIR...]")
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: %s\n\nTrace MACRO in every C file named or found under a directory named, and "
              "store one snapshot per file in DIR (for macrotrace check)." % usage)
        return 0
    positional, flags, out_dir, jobs = [], [], None, None
    k = 0
    while k < len(argv):
        a = argv[k]
        if a in ("-o", "--output", "-j", "--jobs"):
            if k + 1 >= len(argv):
                raise UsageError("%s needs a value" % a)
            if a in ("-o", "--output"):
                out_dir = argv[k + 1]
            else:
                jobs = _positive(a, argv[k + 1])
            k += 2
            continue
        if a.startswith("-") or flags:
            flags.append(a)
        else:
            positional.append(a)
        k += 1
    if len(positional) < 2 or out_dir is None:
        raise UsageError("usage: " + usage)
    if command:
        raise UsageError("snapshot takes trace flags, not a compiler command after --")
    made = make.make(positional[0].split(","), positional[1:], flags, out_dir, jobs or default_jobs())
    for m in made:
        for line in m.messages:
            print(line, file=sys.stderr)
        for line in m.report:
            print(line)
    return max(m.status for m in made)


def _positive(flag, text):
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise UsageError("%s takes a positive number, not %s" % (flag, text))
    return n


def cmd_initcalls(argv, command=None):
    """macrotrace initcalls FILE... [flags]: the initcall order."""
    import json as json_
    from dataclasses import asdict
    from .initcalls import collect, render_text
    from .tracing import run_trace
    p = _Parser(prog="macrotrace initcalls", description="List the initcalls of FILEs in the order "
                "do_initcalls() runs them.")
    p.add_argument("files", nargs="+", metavar="FILE")
    _common_flags(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    ns = p.parse_args(argv)
    ns.file = ns.files[0]
    config = config_from_args(ns, command=command)
    for f in ns.files:
        if not os.path.isfile(f):
            raise ConfigError("%s: No such file or directory" % f)
    calls = collect(config, ns.files, lambda c: run_trace(c, _print_warning))
    if ns.format == "json":
        text = json_.dumps([asdict(c) for c in calls], indent=1) + "\n"
    else:
        text = render_text(calls)
    _write(ns, text)
    return 0


COMMANDS = {"expand": cmd_expand, "diff": cmd_diff, "check": cmd_check, "snapshot": cmd_snapshot,
            "initcalls": cmd_initcalls}


def entry():
    """The ``macrotrace`` command: ``main``, then exit without tearing the heap down.

    A large trace leaves millions of objects; freeing them one by one at interpreter
    exit took longer than writing the output (1.8 s of 11 for 2,000 invocations).
    Everything written is flushed first; nothing else needs a clean shutdown."""
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
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
        return _main(argv)
    finally:
        if was_enabled:
            gc.enable()


def _main(argv):
    argv = list(sys.argv[1:] if argv is None else argv)
    command = None
    if "--" in argv:
        k = argv.index("--")
        argv, command = argv[:k], argv[k + 1:]
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:], command)
        return cmd_trace(argv, command)
    except UsageError as e:
        print("macrotrace: error: %s (see macrotrace --help)" % e, file=sys.stderr)
    except (ConfigError, PreprocessError, _snapshot_error()) as e:
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


def _snapshot_error():
    from .snapshots import SnapshotError
    return SnapshotError


if __name__ == "__main__":
    sys.exit(main())
