"""macrotrace completion SHELL: the shell completion script (argcomplete's) to load."""

from ..completion import SHELLS, script
from ..registry import command


def _arguments(p):
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")


@command("completion", "print the shell completion script for bash, zsh or fish", arguments=_arguments,
         rank=90, description="Print the completion script for SHELL (generated from macrotrace's own "
                              "argument definitions by argcomplete).",
         epilog='bash: eval "$(macrotrace completion bash)"   zsh: eval "$(macrotrace completion zsh)"   '
                "fish: macrotrace completion fish | source")
def run(ns, compiler_command):
    print(script(ns.shell), end="")
    return 0
