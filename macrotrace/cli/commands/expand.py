"""macrotrace expand FILE: the whole file preprocessed, like cpp -P."""

from ...engine.session import expand
from ..options import config_from_args, print_warning, write_output
from ..registry import command


def _arguments(p):
    p.add_argument("file", help="the C file to preprocess")


@command("expand", "the whole FILE preprocessed, like cpp -P", arguments=_arguments,
         flags=("config", "output"), rank=10, description="Preprocess FILE like cpp -P.")
def run(ns, compiler_command):
    config = config_from_args(ns, command=compiler_command)
    write_output(ns, expand(config, print_warning))
    return 0
