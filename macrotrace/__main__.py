import gc

# the cyclic GC finds nothing to free among the modules a start imports (cli/main.py
# keeps it off while the command runs; the process ends with os._exit)
gc.disable()

from .cli import entry  # noqa: E402

entry()
