"""Values computed from the package's own files, remembered under the files' stat as
CPython remembers a ``.pyc`` under its source's: whether the compiled modules were
built from the ``.py`` files on disk (compiled.py), the hash of the engine's code that
the caches key on (statecache.py).

Hashing those files at every start cost a run ~5 ms of CPU.  A memo, in the engine's
``__pycache__``, holds the value with each file's size and modification time (ns) when
it was computed; while every file still has them the value is taken from the memo, and
when one differs (an edit, a rebuild, a ``touch``, a file more or less) it is computed
again and the memo rewritten.  Where the directory cannot be written the value is
computed at every start, as it was.
"""

import marshal
import os
import sys

_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__")


def memo_path(name):
    return os.path.join(_DIR, "%s.%s" % (name, sys.implementation.cache_tag))


def stats(paths):
    """Each path with its size and modification time, or None when one is missing."""
    out = []
    try:
        for path in paths:
            st = os.stat(path)
            out.append((path, st.st_size, st.st_mtime_ns))
    except OSError:
        return None
    return out


def remembered(name, paths, compute):
    """``compute()``, a value (marshal can store) that depends only on the contents of
    ``paths``: from memo ``name`` while they keep their stat, else computed again."""
    # (the stat before the contents: a file changed while it is read is seen next time)
    key = stats(paths)
    if key is not None:
        memo = _read(memo_path(name))
        if type(memo) is tuple and len(memo) == 2 and memo[0] == key:
            return memo[1]
    value = compute()
    if key is not None:
        _write(memo_path(name), (key, value))
    return value


def _read(path):
    try:
        with open(path, "rb") as fh:
            return marshal.loads(fh.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write(path, value):
    """(atomically; a directory that cannot be written is no error)"""
    tmp = "%s.%d" % (path, os.getpid())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump(value, fh)
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
