"""One module per subcommand, named as the command (dashes as underscores); each
registers itself with ``@command`` (cli/registry.py).  A module added here is a
command.  ``load_all`` imports them all (for --help), ``load`` only the one a run
needs, so a start-up pays for one command's imports."""

import importlib
import importlib.machinery
import os


def _module(name):
    return name.replace("-", "_")


def module_names():
    """The modules of this package, from a listing of its directory (pkgutil would cost
    every start its import)."""
    suffixes = tuple(importlib.machinery.all_suffixes())
    names = set()
    for directory in __path__:
        for entry in os.listdir(directory):
            if entry.endswith(suffixes) and not entry.startswith("__"):
                names.add(entry.split(".", 1)[0])
    return names


def exists(name):
    """Whether a module here is command ``name`` (without importing anything)."""
    return _module(name) in module_names()


def load_all():
    for name in sorted(module_names()):
        importlib.import_module("%s.%s" % (__name__, name))


def load(name):
    """Import the module of command ``name`` (nothing when there is none)."""
    if exists(name):
        importlib.import_module("%s.%s" % (__name__, _module(name)))
