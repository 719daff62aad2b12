# The hot modules may be compiled (compiled.py): decide, before any is imported,
# whether their builds or their .py files are loaded.
from .compiled import install as _install

_install()
