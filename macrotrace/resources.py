"""Where the bundled headers and templates are, installed or in a checkout."""

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _find(name):
    installed = os.path.join(_HERE, name)          # wheel: macrotrace/headers
    if os.path.isdir(installed):
        return installed
    checkout = os.path.join(os.path.dirname(_HERE), name)   # source tree: ./headers
    if os.path.isdir(checkout):
        return checkout
    raise FileNotFoundError("macrotrace's %s/ directory is missing from the installation" % name)


def headers_dir():
    return _find("headers")


def templates_dir():
    return _find("templates")
