"""The language server's configuration for the session: the kernel switches, a kernel
tree, a compilation database, extra flags.  Set from the client's initialization
options, changed by the server's commands, and turned into a ``RunConfig`` by the
command line's own parser, so flags are found exactly as ``macrotrace MACRO FILE``
finds them (``compile_commands.json``, a ``.NAME.o.cmd`` beside the file, a kernel tree).

The switches are the rows of ``config.SWITCHES``, by field name (``lto``, ``prel32``,
``module``): each is an initialization option, an argument of ``macrotrace.toggle``,
and a key of ``macrotrace.traceUnder``'s configuration.
"""

from dataclasses import dataclass

from ..config import SWITCHES, ConfigError
from ..record import replace

# initialization option -> Settings field (besides the switches)
OPTIONS = {"kernelTree": "kernel_tree", "compileCommands": "compile_commands",
           "noCompileCommands": "no_compile_commands", "noCmdFile": "no_cmd_file", "flags": "flags",
           "cache": "cache", "reportDir": "report_dir"}
_PATHS = ("kernel_tree", "compile_commands", "report_dir")


def switch_fields():
    return [s.field for s in SWITCHES]


@dataclass(frozen=True)
class Settings:
    switches: frozenset = frozenset()     # fields of the switches turned on: {"lto", "module"}
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
        known = set(OPTIONS) | set(switch_fields())
        unknown = sorted(set(options) - known)
        if unknown:
            raise ConfigError("unknown initialization option(s): %s (known: %s)"
                              % (", ".join(unknown), ", ".join(sorted(known))))
        values, on = {}, set(base.switches)
        for key, value in options.items():
            name = OPTIONS.get(key, key)
            if name == "flags":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError("flags must be a list of strings")
                values[name] = tuple(value)
            elif name in _PATHS:
                if value is not None and not isinstance(value, str):
                    raise ConfigError("%s must be a path" % key)
                values[name] = value or None
            elif not isinstance(value, bool):
                raise ConfigError("%s must be true or false" % key)
            elif key in OPTIONS:
                values[name] = value
            else:
                (on.add if value else on.discard)(key)
        return replace(base, switches=frozenset(on), **values)

    def toggled(self, switch):
        if switch not in switch_fields():
            raise ConfigError("unknown switch %r (known: %s)" % (switch, ", ".join(switch_fields())))
        return replace(self, switches=self.switches ^ {switch})

    def with_switches(self, values):
        """These settings with the switches ``values`` ({field: on}) and no others on."""
        return replace(self, switches=frozenset(f for f, on in values.items() if on))

    def as_dict(self):
        """The settings as initialization options say them."""
        out = {f: f in self.switches for f in switch_fields()}
        out.update({key: getattr(self, name) for key, name in OPTIONS.items()})
        out["flags"] = list(self.flags)
        return out

    def describe(self):
        """One line for messages: 'CONFIG_LTO_CLANG=y ... · kernel tree DIR'."""
        parts = ["%s=%s" % (s.macro, "y" if s.field in self.switches else "n") for s in SWITCHES]
        if self.kernel_tree:
            parts.append("kernel tree %s" % self.kernel_tree)
        if self.compile_commands:
            parts.append("database %s" % self.compile_commands)
        return "  ".join(parts)

    def argv(self, path):
        """The command-line arguments that say the same."""
        args = [path] + [s.flag for s in SWITCHES if s.field in self.switches]
        if self.kernel_tree:
            args += ["--kernel-tree", self.kernel_tree]
            if "module" not in self.switches:
                args.append("--builtin")    # --kernel-tree alone builds a module, as Kbuild does
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
