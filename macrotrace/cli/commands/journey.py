"""macrotrace journey FILE: each initcall FILE defines, from its macro to the call at
boot or at insmod, station by station (macrotrace/journey/)."""

import copy
import sys

from ...config import ConfigError
from ...render import registry as formats
from ..options import Parser, config_from_args, format_flag, print_warning, write_output
from ..registry import COMMANDS, command
from . import load
from .trace import recreate_args


def _arguments(p):
    p.add_argument("file", help="the C file (a driver, a module)")
    g = p.add_argument_group("journey")
    g.add_argument("--matrix", action="store_true", help="the built-in and the module journey side by side")
    format_flag(g, "journey")
    g.add_argument("--color", choices=("auto", "always", "never"), default="auto")


@command("journey", "each initcall of FILE from its macro to the call at boot or at insmod",
         arguments=_arguments, flags=("config", "output"), rank=45,
         description="Follow each initcall FILE defines from its macro to the call at boot (built in) "
                     "or at insmod (module), with the artifact that proves each step: the expansion, "
                     "the object file, the linker script or the module's .mod.c and .ko.")
def run(ns, compiler_command):
    from ...journey.build import build_journey
    journey = build_journey(side_configs(ns, compiler_command), tree=ns.kernel_tree,
                            config_for=config_maker(ns), on_warning=print_warning,
                            command=["journey"] + recreate_args(ns.argv) +
                            (["--"] + list(compiler_command) if compiler_command else []),
                            flags=[a for a in recreate_args(ns.argv) if a != ns.file])
    color = ns.color == "always" or (ns.color == "auto" and not ns.output and sys.stdout.isatty())
    write_output(ns, formats.render("journey", ns.format, journey, formats.RenderOptions(color=color)))
    return 1 if any(st.status == "mismatch" for c in journey.chains for st in c.stations) else 0


def side_configs(ns, compiler_command):
    """One RunConfig per side: the run's own, or with --matrix built-in then module."""
    if not ns.matrix:
        return [config_from_args(ns, command=compiler_command)]
    if ns.kernel_tree and not compiler_command and not ns.cmd_file:
        out = []
        for builtin in (True, False):
            one = copy.copy(ns)
            one.builtin, one.module = builtin, False
            out.append(config_from_args(one))
        return out
    config = config_from_args(ns, command=compiler_command)
    if config.origin != "flags":
        raise ConfigError("journey --matrix switches MODULE: give --kernel-tree (a compiler command or "
                          ".o.cmd file has one side only)")
    return [config.with_switches({"MODULE": m}) for m in (False, True)]


def config_maker(ns):
    """config_for(source, command=None, cwd=None, cmd_file=None): a RunConfig for another
    file of the journey (a .mod.c, a linker script), made as a command line makes one."""
    def config_for(source, command=None, cwd=None, cmd_file=None):
        args = [source] + (["--cmd-file", cmd_file] if cmd_file else [])
        args += (["--kernel-tree", ns.kernel_tree] if ns.kernel_tree else [])
        args += (["--no-cache"] if ns.no_cache else [])
        load("expand")          # a start-up imports only the command it runs
        parser = Parser(prog="macrotrace expand")
        COMMANDS["expand"].configure(parser)
        one = parser.parse_args(args)
        one.command_cwd = cwd
        return config_from_args(one, command=command)
    return config_for
