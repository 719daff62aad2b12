"""macrotrace expand FILE: the whole file preprocessed, like cpp -P."""

from ... import progress
from ...engine.session import expand
from .. import given_text
from ..options import config_from_args, print_warning, text_flag, write_output
from ..registry import command


def _arguments(p):
    p.add_argument("file", nargs="?", help="the C file to preprocess (- : standard input)")
    text_flag(p)


@command("expand", "the whole FILE preprocessed, like cpp -P", arguments=_arguments,
         flags=("config", "output"), rank=10, description="Preprocess FILE like cpp -P.")
def run(ns, compiler_command):
    given_text.resolve(ns, wants_macro=False)
    config = config_from_args(ns, command=compiler_command)
    result = expand(config, print_warning)
    progress.add("units")
    write_output(ns, result.text)
    return 0
