"""The flags several commands share, in named groups, and the one step from parsed
flags to a RunConfig.

A command asks for groups by name (``flags=("config", "output")`` in its ``@command``);
a new shared flag goes in its group here, once.
"""

import argparse
import os
import shutil
import sys

from ..compile_command import find_build_dir, parse_command, read_cmd_file
from .. import rawbytes
from ..config import SWITCHES, ConfigError, RunConfig, source_language
from ..messages import output_error
from .. import progress
from . import given_text
from ..render import registry as formats

EXIT_ERROR = 2          # bad input, said in one line
EXIT_INTERNAL = 3       # a bug in macrotrace


class UsageError(Exception):
    """A command line argparse refuses (said in one line, exit status 2)."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


class _MacroOption(argparse.Action):
    """-D and -U share one ordered list, as gcc applies them in order."""

    def __call__(self, parser, ns, value, option_string=None):
        ns.macro_options = list(ns.macro_options or []) + [(option_string.lstrip("-")[0], value)]


def configuration_flags(p):
    """What the preprocessor sees: switches, macros, include paths, the compiler, limits."""
    g = p.add_argument_group("configuration")
    for switch in SWITCHES:
        g.add_argument(switch.flag, dest=switch.field, action="store_true",
                       help=switch.help or "define %s" % switch.macro)
    g.add_argument("--builtin", action="store_true",
                   help="with --kernel-tree: compile FILE as built-in code (default there: "
                        "a module, -DMODULE, as Kbuild builds an out-of-tree module)")
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
    g.add_argument("-imacros", dest="imacros", action="append", default=[], metavar="FILE",
                   help="read FILE's macros first, its output thrown away, as gcc -imacros")
    g.add_argument("-nostdinc", action="store_true",
                   help="do not search the compiler's own include directories (<stddef.h>, "
                        "/usr/include...), as gcc -nostdinc")
    g.add_argument("-std", "--std", dest="std", default=None, metavar="STD",
                   help="language standard (default gnu11)")
    g.add_argument("-ansi", action="store_true", help="-std=c90, as gcc")
    g.add_argument("-trigraphs", action="store_true", help="replace trigraphs whatever the -std")
    g.add_argument("-fshort-wchar", dest="short_wchar", action="store_true",
                   help="wchar_t is unsigned short (L'x' in #if; with --cc, the predefined macros)")
    g.add_argument("-x", dest="x", metavar="LANG", default=None,
                   help="c or assembler-with-cpp (default: by the suffix, .S is assembler-with-cpp)")
    g.add_argument("--cc", metavar="COMPILER",
                   help="take predefined macros and __has_attribute answers from this compiler")
    g.add_argument("--kernel-tree", metavar="DIR",
                   help="a configured kernel tree or linux-headers directory: compile as Kbuild "
                        "compiles an out-of-tree module there")
    g.add_argument("--cmd-file", metavar="FILE",
                   help="a Kbuild .NAME.o.cmd file: its compiler command supplies every flag")
    g.add_argument("--no-cmd-file", action="store_true",
                   help="ignore a .NAME.o.cmd file beside the source")
    g.add_argument("-p", dest="compile_commands_dir", metavar="DIR",
                   help="take FILE's compiler command from DIR/compile_commands.json")
    g.add_argument("--compile-commands", metavar="FILE",
                   help="take FILE's compiler command from this compilation database")
    g.add_argument("--no-compile-commands", action="store_true",
                   help="ignore a compile_commands.json in FILE's directory or a parent")
    g.add_argument("--no-cache", action="store_true",
                   help="do not reuse (or save) the state reached after the headers")
    g.add_argument("--no-bundled-headers", action="store_true",
                   help="do not search macrotrace's model of the Linux headers")
    g.add_argument("--max-steps", type=int, default=2000, metavar="N",
                   help="stop a trace after N steps (default 2000): the steps so far are shown, "
                        "then the run exits 2")
    g.add_argument("--max-expansions", type=int, default=1_000_000, metavar="N",
                   help="stop one invocation after N macro replacements (default 1000000)")


def text_flag(p):
    """-e TEXT: the source is TEXT instead of FILE (as echo TEXT | cpp)."""
    p.add_argument("-e", dest="text", metavar="TEXT",
                   help="preprocess TEXT instead of a FILE, as echo TEXT | cpp would (FILE - reads "
                        "standard input)")


def output_flags(p):
    o = p.add_argument_group("output")
    o.add_argument("-o", dest="output", metavar="FILE", help="write to FILE instead of stdout")
    quiet_flag(o)


def quiet_flag(p):
    """-q/--quiet: no progress line (progress.py)."""
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress line on stderr (shown on a terminal for runs over 2 s)")


# name -> function adding the group's flags to a parser
GROUPS = {"config": configuration_flags, "output": output_flags}


def format_flag(p, kind, default="text"):
    """--format, offering every format the registry has for results of ``kind``."""
    p.add_argument("--format", choices=formats.formats(kind), default=default,
                   help="output format (default %s)" % default)


def config_from_args(ns, macro=None, command=None):
    """The RunConfig of parsed flags (``ns``), the traced ``macro`` and the compiler
    ``command`` given after ``--`` (a list, or None)."""
    if not os.path.exists(ns.file):
        raise ConfigError("%s: No such file or directory" % ns.file)
    if os.path.isdir(ns.file):
        raise ConfigError("%s: is a directory, not a C file" % ns.file)
    for d in ns.include_dirs:
        if not os.path.isdir(d):       # gcc ignores it (gcc -v says so)
            print('macrotrace: note: ignoring nonexistent directory "%s"' % d, file=sys.stderr)
    if ns.max_steps < 1 or ns.max_expansions < 1:
        raise ConfigError("--max-steps and --max-expansions must be at least 1")
    if ns.cmd_file and not os.path.isfile(ns.cmd_file):
        raise ConfigError("--cmd-file %s: No such file" % ns.cmd_file)
    if ns.cc and shutil.which(ns.cc.split()[0]) is None:
        raise ConfigError("--cc %s: no such compiler (not found on PATH)" % ns.cc)
    if command and shutil.which(command[0]) is None:
        raise ConfigError("the compiler command after --: %s: not found on PATH" % command[0])
    fields = dict(
        source=ns.file, macro=macro, line=getattr(ns, "line", None),
        switches_on=frozenset(s.macro for s in SWITCHES if getattr(ns, s.field)), modname=ns.modname,
        macro_options=tuple(ns.macro_options or ()), include_dirs=tuple(ns.include_dirs),
        quote_dirs=tuple(ns.quote_dirs), system_dirs=tuple(ns.system_dirs),
        after_dirs=tuple(ns.after_dirs), forced_includes=tuple(ns.forced_includes),
        imacros=tuple(ns.imacros), compiler_flags=_compiler_flags(ns),
        compiler=tuple(ns.cc.split()) if ns.cc else None, std="c90" if ns.ansi else ns.std or "gnu11",
        lang=source_language(ns.file, ns.x), trigraphs=True if ns.trigraphs else None,
        bundled_headers=not ns.no_bundled_headers, use_system_dirs=not ns.nostdinc,
        max_steps=ns.max_steps, max_expansions=ns.max_expansions,
        cache=not ns.no_cache and os.environ.get("MACROTRACE_CACHE", "1") != "0")
    if getattr(ns, "given", False):
        fields.update(given_text.config_fields(ns.file, fields))
    build = _build_command(ns, command)
    if build is not None:
        fields.update(build)
    return RunConfig(**fields)


def _compiler_flags(ns):
    """The flags given to macrotrace that change a compiler's predefined macros (--cc)."""
    flags = []
    if ns.std or ns.ansi:
        flags.append("-ansi" if ns.ansi else "-std=" + ns.std)
    if ns.short_wchar:
        flags.append("-fshort-wchar")
    return tuple(flags)


def _build_command(ns, command):
    """RunConfig fields from a real compiler command (-- CC ARGS, .o.cmd, --kernel-tree)."""
    cwd = parsed = None
    if command:
        argv, origin, cwd = command, "command", getattr(ns, "command_cwd", None) or os.getcwd()
    elif ns.cmd_file or (not ns.kernel_tree and not ns.no_cmd_file and not _names_database(ns)
                         and _beside_cmd_file(ns.file)):
        cmd_file = ns.cmd_file or _beside_cmd_file(ns.file)
        if not ns.cmd_file:
            print("macrotrace: using %s (the compiler command Kbuild used for %s; "
                  "--no-cmd-file to ignore it)" % (cmd_file, ns.file), file=sys.stderr)
        argv, deps = read_cmd_file(cmd_file)
        origin = "cmd-file"
        hints = [ns.kernel_tree, "/lib/modules/%s/build" % os.uname().release]
        parsed = parse_command(argv)            # (once: ~0.5 ms a kernel command)
        cwd = find_build_dir(deps, parsed, hints=[h for h in hints if h])
        if cwd is None:
            raise ConfigError("%s: cannot tell which directory this command ran in; "
                              "give it with --kernel-tree DIR" % cmd_file)
    elif (found := _compile_commands(ns, explicit=True)) is not None:
        (argv, cwd), origin = found, "compile-commands"
    elif ns.kernel_tree:
        from ..kernel_tree import builds_module, command_for   # (subprocess, json: on use)
        stem = ns.modname or os.path.splitext(os.path.basename(ns.file))[0].replace("-", "_")
        argv, cwd = command_for(ns.kernel_tree, ns.file, stem, builds_module(ns.module, ns.builtin))
        origin = "kernel-tree"
    elif (found := _compile_commands(ns, explicit=False)) is not None:
        (argv, cwd), origin = found, "compile-commands"
    else:
        return None
    if parsed is None:
        parsed = parse_command(argv)
    source = parsed["source"]
    src_abs = source if os.path.isabs(source) else os.path.join(cwd, source)
    if os.path.realpath(src_abs) != os.path.realpath(ns.file):
        raise ConfigError("the compiler command compiles %s, not %s" % (source, ns.file))
    extra = {"module": True} if origin == "kernel-tree" and "-DMODULE" in argv else {}
    return dict(
        source=source, cwd=cwd, origin=origin, **extra,
        compiler=parsed["compiler"], compiler_flags=tuple(parsed["compiler_flags"]),
        macro_options=tuple(parsed["macro_options"]) + tuple(ns.macro_options or ()),
        include_dirs=tuple(parsed["include_dirs"]) + tuple(ns.include_dirs),
        quote_dirs=tuple(parsed["quote_dirs"]) + tuple(ns.quote_dirs),
        system_dirs=tuple(parsed["system_dirs"]) + tuple(ns.system_dirs),
        after_dirs=tuple(parsed["after_dirs"]) + tuple(ns.after_dirs),
        forced_includes=tuple(parsed["forced_includes"]) + tuple(ns.forced_includes),
        imacros=tuple(parsed["imacros"]) + tuple(ns.imacros),
        std=parsed["std"], lang=parsed["lang"], trigraphs=parsed["trigraphs"],
        use_system_dirs=not parsed["nostdinc"], bundled_headers=False,
        macro_prefix_maps=tuple(parsed["macro_prefix_maps"]),
        compile_argv=tuple(argv))


def _names_database(ns):
    return bool(getattr(ns, "compile_commands_dir", None) or getattr(ns, "compile_commands", None))


def _compile_commands(ns, explicit):
    """(argv, directory) from a compilation database: the one -p/--compile-commands
    names (explicit), else one found beside FILE or in a parent; None when there is none."""
    from .. import compile_commands as db
    if explicit:
        if not _names_database(ns):
            return None
        path = db.database_path(getattr(ns, "compile_commands_dir", None), getattr(ns, "compile_commands", None))
        return db.command_for(path, ns.file)
    if getattr(ns, "no_compile_commands", False):
        return None
    path = db.discover(ns.file)
    if path is None:
        return None
    found = db.command_for(path, ns.file, found=True)
    print("macrotrace: using %s (the compiler command of %s; --no-compile-commands to "
          "ignore it)" % (path, ns.file), file=sys.stderr)
    return found


def _beside_cmd_file(source):
    d, base = os.path.split(source)
    stem = os.path.splitext(base)[0]
    # Kbuild: foo.c -> .foo.o.cmd; a linker script foo.lds.S -> .foo.lds.cmd
    candidate = os.path.join(d, (".%s.cmd" if base.endswith(".lds.S") else ".%s.o.cmd") % stem)
    return candidate if os.path.isfile(candidate) else None


def print_warning(w):
    progress.erase()
    print(str(w), file=sys.stderr)


def write_output(ns, text):
    """Write a command's output (a string, or a list of pieces written one by one) to
    -o FILE or stdout."""
    pieces = [text] if isinstance(text, str) else text
    if getattr(ns, "output", None):
        # source bytes that are not UTF-8 are written back as they were (rawbytes.py)
        try:
            fh = open(ns.output, "w", encoding="utf-8", errors="surrogateescape")
        except OSError as e:
            raise output_error("-o", e)
        with fh:
            for piece in pieces:
                fh.write(piece)
        return
    buffer = getattr(sys.stdout, "buffer", None)

    def write(piece):
        if buffer is not None and not piece.isascii() and rawbytes.has_raw(piece):
            sys.stdout.flush()
            buffer.write(rawbytes.encode(piece))
        else:
            sys.stdout.write(piece)
    from ..render.pager import write_stdout
    write_stdout(pieces, write, page=not getattr(ns, "no_pager", True), encode=rawbytes.encode)
