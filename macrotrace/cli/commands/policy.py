"""macrotrace policy --list: the hiding policies of the views, rule by rule."""

import sys

from ..registry import command


def _arguments(p):
    p.add_argument("--list", action="store_true", help="list every policy's rules (the default)")


@command("policy", "list the hiding policies (which macros a trace folds away)", arguments=_arguments,
         rank=80)
def run(ns, compiler_command):
    from ...trace.policy import listing
    sys.stdout.write(listing())
    return 0
