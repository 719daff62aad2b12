"""One module per subcommand; each registers itself with ``@command``
(cli/registry.py).  A module added here is a command: ``load_all`` imports them all."""

import importlib
import pkgutil


def load_all():
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module("%s.%s" % (__name__, module.name))
