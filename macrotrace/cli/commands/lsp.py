"""macrotrace lsp: the language server over stdio (macrotrace/lsp/)."""

import gc

from ...config import ConfigError
from ..registry import command


def _arguments(p):
    p.add_argument("--log", metavar="FILE", help="write the server's log here (default: stderr)")
    p.add_argument("--verbose", action="store_true", help="log every message")


@command("lsp", "a language server over stdio for editors (hover, code actions, commands)",
         arguments=_arguments, rank=80,
         description="A language server over stdio: hover on a macro invocation for gcc's text "
                     "and its spine, code actions to expand it, commands to pick the kernel "
                     "configuration. See README, 'In your editor'.")
def run(ns, compiler_command):
    try:
        from ...lsp.server import serve
    except ImportError as e:
        # not 'macrotrace[lsp]': that name on the package index is another project
        raise ConfigError("macrotrace lsp needs pygls: pip install pygls, or from a checkout "
                          "pip install '.[lsp]' (%s)" % e)
    gc.enable()         # a long-running server makes cyclic garbage over time
    return serve(ns.log, ns.verbose)
