"""macrotrace initcalls FILE...: the initcall order."""

import os

from ... import progress
from ...config import ConfigError
from ...initcalls import collect
from ...render import registry as formats
from ...tracing import run_trace
from ..options import config_from_args, format_flag, print_warning, write_output
from ..registry import command


def _arguments(p):
    p.add_argument("files", nargs="+", metavar="FILE")
    format_flag(p, "initcalls")


@command("initcalls", "the initcalls of FILEs in the order do_initcalls() runs them",
         arguments=_arguments, flags=("config", "output"), rank=40,
         description="List the initcalls of FILEs in the order do_initcalls() runs them.")
def run(ns, compiler_command):
    for f in ns.files:
        if not os.path.isfile(f):
            raise ConfigError("%s: No such file or directory" % f)
    configs = _configs_per_file(ns, compiler_command)
    progress.total("units", len(configs))          # the progress line: 3/40 units
    calls = collect(configs, lambda c: run_trace(c, print_warning))
    write_output(ns, formats.render("initcalls", ns.format, calls))
    return 0


def _configs_per_file(ns, compiler_command):
    """One RunConfig per file: each its own KBUILD_MODNAME (unless --modname) and, with
    --kernel-tree, its own Kbuild command."""
    import copy
    configs = []
    for f in ns.files:
        one = copy.copy(ns)
        one.file = f
        configs.append(config_from_args(one, command=compiler_command))
    return configs
