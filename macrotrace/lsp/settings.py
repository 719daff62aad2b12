"""The language server's configuration for the session: the kernel switches, a kernel
tree, a compilation database, extra flags.  Set from the client's initialization
options, changed by the server's commands, and turned into a ``RunConfig`` by the
command line's own parser, so flags are found exactly as ``macrotrace MACRO FILE``
finds them (``compile_commands.json``, a ``.NAME.o.cmd`` beside the file, a kernel tree).
"""

from dataclasses import dataclass, replace

from ..config import SWITCHES, ConfigError

# initialization option -> field
OPTIONS = {"lto": "lto", "prel32": "prel32", "module": "module", "kernelTree": "kernel_tree",
           "compileCommands": "compile_commands", "noCompileCommands": "no_compile_commands",
           "noCmdFile": "no_cmd_file", "flags": "flags", "cache": "cache", "reportDir": "report_dir"}


@dataclass(frozen=True)
class Settings:
    lto: bool = False
    prel32: bool = False
    module: bool = False
    kernel_tree: str = None
    compile_commands: str = None      # a compile_commands.json, or the directory holding it
    no_compile_commands: bool = False
    no_cmd_file: bool = False
    flags: tuple = ()                 # more command-line flags: "-DFOO", "-I", "include"...
    cache: bool = True
    report_dir: str = None            # where "Show the expansion film" writes its report

    @classmethod
    def from_options(cls, options, base=None):
        """From initialization options (unknown keys are an error the client sees)."""
        base = base or cls()
        if not options:
            return base
        if not isinstance(options, dict):
            raise ConfigError("initializationOptions must be an object")
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise ConfigError("unknown initialization option(s): %s (known: %s)"
                              % (", ".join(unknown), ", ".join(sorted(OPTIONS))))
        values = {}
        for key, value in options.items():
            name = OPTIONS[key]
            if name == "flags":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError("flags must be a list of strings")
                value = tuple(value)
            elif name in ("kernel_tree", "compile_commands", "report_dir"):
                if value is not None and not isinstance(value, str):
                    raise ConfigError("%s must be a path" % key)
                value = value or None
            elif not isinstance(value, bool):
                raise ConfigError("%s must be true or false" % key)
            values[name] = value
        return replace(base, **values)

    def toggled(self, switch):
        if switch not in dict(SWITCHES):
            raise ConfigError("unknown switch %r (known: %s)" % (switch, ", ".join(dict(SWITCHES))))
        return replace(self, **{switch: not getattr(self, switch)})

    def describe(self):
        """One line for messages: 'CONFIG_LTO_CLANG=y ... · kernel tree DIR'."""
        parts = ["%s=%s" % (macro, "y" if getattr(self, attr) else "n") for attr, macro in SWITCHES]
        if self.kernel_tree:
            parts.append("kernel tree %s" % self.kernel_tree)
        if self.compile_commands:
            parts.append("database %s" % self.compile_commands)
        return "  ".join(parts)

    def argv(self, path):
        """The command-line arguments that say the same."""
        args = [path]
        for attr, _ in SWITCHES:
            if getattr(self, attr):
                args.append("--" + attr)
        if self.kernel_tree:
            args += ["--kernel-tree", self.kernel_tree]
        if self.compile_commands:
            args += ["--compile-commands" if self.compile_commands.endswith(".json") else "-p",
                     self.compile_commands]
        if self.no_compile_commands:
            args.append("--no-compile-commands")
        if self.no_cmd_file:
            args.append("--no-cmd-file")
        if not self.cache:
            args.append("--no-cache")
        return args + list(self.flags)

    def run_config(self, path, macro=None, line=None, unsaved=()):
        """The RunConfig of a trace of ``macro`` (on ``line``) in the file at ``path``."""
        from ..cli.options import Parser, UsageError, config_from_args, configuration_flags
        parser = Parser(prog="macrotrace lsp")
        parser.add_argument("file")
        configuration_flags(parser)
        try:
            ns = parser.parse_args(self.argv(path))
        except UsageError as e:
            raise ConfigError("flags: %s" % e)
        # (a database or .o.cmd found beside the file is said on stderr: the server's log)
        config = config_from_args(ns, macro=macro)
        return replace(config, line=line, unsaved=tuple(unsaved))

    def with_switches(self, lto, prel32, module):
        return replace(self, lto=bool(lto), prel32=bool(prel32), module=bool(module))
