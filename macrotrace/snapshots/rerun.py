"""Re-running the command a snapshot records, and making a snapshot of the result.

A command runs from the directory its paths are relative to (the repository root);
``make_snapshot`` adds what checking needs later: the invocations' neighbourhoods, the
kernel tree and compiler identities.
"""

import contextlib
import os

from . import codec, portable
from .compare import configurations
from .errors import SnapshotError
from .matching import file_reader, sites


def split_command(command):
    """A snapshot's command: (macrotrace arguments, compiler command after -- or None)."""
    cmd = list(command)
    if "--" in cmd:
        k = cmd.index("--")
        return cmd[:k], cmd[k + 1:]
    return cmd, None


def produce_whole(command):
    """Run a recorded command: the Trace or Matrix (a trace cut by --max-steps is an error)."""
    from ..cli.commands.trace import produce
    cmd, tail = split_command(command)
    obj, cut = produce(cmd, tail)
    if cut is not None:
        raise cut
    obj.command = list(command)
    return obj


@contextlib.contextmanager
def in_directory(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def input_errors():
    """What a re-run can raise that is the input's fault (reported, exit status 2)."""
    from ..cli.options import UsageError
    from ..config import ConfigError
    from ..engine.diagnostics import PreprocessError
    return (SnapshotError, ConfigError, PreprocessError, UsageError, OSError)


def make_snapshot(obj, command, run_dir, kernel_tree=None):
    """A Snapshot of ``obj`` made from ``run_dir`` (the neighbourhoods read there)."""
    obj.command = list(command)         # as recorded: the kernel tree not by its path
    invocations = [inv for _, t in configurations(obj) for inv in t.invocations]
    for inv in invocations:             # a file outside the working directory is shown
        if os.path.isabs(inv.file):     # absolute: named from the root, as the command names it
            inv.file = os.path.relpath(inv.file, run_dir)
    compiler = portable.compiler_identity(obj.config.get("compiler"))
    return codec.Snapshot(obj, list(command), True,
                          portable.tree_identity(kernel_tree) if kernel_tree else None,
                          compiler, sites(invocations, file_reader(run_dir)))
