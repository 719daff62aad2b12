"""``macrotrace journey FILE [flags]``: the command's own flags and run; the CLI's
common flags, configuration and output helpers are cli.py's."""

import copy
import sys

from .. import cli
from ..config import ConfigError


def build_parser():
    p = cli._Parser(prog="macrotrace journey",
                    description="Follow each initcall FILE defines from its macro to the call at boot "
                                "(built in) or at insmod (module), with the artifact that proves each step.")
    p.add_argument("file", help="the C file (a driver, a module)")
    cli._common_flags(p)
    p.add_argument("--matrix", action="store_true", help="the built-in and the module journey side by side")
    p.add_argument("--format", choices=("text", "json", "html"), default="text")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    return p


def side_configs(ns, command):
    """One RunConfig per side: the run's own, or with --matrix built-in then module."""
    if not ns.matrix:
        return [cli.config_from_args(ns, command=command)]
    if ns.kernel_tree and not command and not ns.cmd_file:
        out = []
        for builtin in (True, False):
            one = copy.copy(ns)
            one.builtin, one.module = builtin, False
            out.append(cli.config_from_args(one, command=command))
        return out
    config = cli.config_from_args(ns, command=command)
    if config.origin != "flags":
        raise ConfigError("journey --matrix switches MODULE: give --kernel-tree (a compiler command or "
                          ".o.cmd file has one side only)")
    return [config.with_switches(config.lto, config.prel32, m) for m in (False, True)]


def config_maker(ns):
    """config_for(source, command=None, cwd=None, cmd_file=None): a RunConfig for another
    file of the journey (a .mod.c, a linker script), made as the CLI makes one."""
    def config_for(source, command=None, cwd=None, cmd_file=None):
        args = [source] + (["--cmd-file", cmd_file] if cmd_file else [])
        args += (["--kernel-tree", ns.kernel_tree] if ns.kernel_tree else [])
        args += (["--no-cache"] if ns.no_cache else [])
        one = cli.build_expand_parser().parse_args(args)
        one.command_cwd = cwd
        return cli.config_from_args(one, command=command)
    return config_for


def _flags(argv, file):
    """The run's flags without the file and the output options."""
    out = cli.recreate_args(argv)
    if file in out:
        out.remove(file)
    return out


def run(argv, command=None):
    from ..render import journey_text
    from .build import build_journey
    ns = build_parser().parse_args(argv)
    journey = build_journey(side_configs(ns, command), tree=ns.kernel_tree, config_for=config_maker(ns),
                            on_warning=cli._print_warning, flags=_flags(argv, ns.file),
                            command=["journey"] + cli.recreate_args(argv) + (["--"] + list(command) if command else []))
    if ns.format == "json":
        import json
        text = json.dumps(journey.to_dict(), indent=1, ensure_ascii=False) + "\n"
    elif ns.format == "html":
        from ..render import journey_html
        text = journey_html.render(journey)
    else:
        color = ns.color == "always" or (ns.color == "auto" and not ns.output and sys.stdout.isatty())
        text = journey_text.render(journey, color=color)
    cli._write(ns, text)
    return 1 if any(st.status == "mismatch" for c in journey.chains for st in c.stations) else 0
