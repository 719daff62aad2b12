"""The cache directory's hygiene: a size cap, least-recently-used eviction, info, clear.

Everything macrotrace caches (states after the headers, compiler answers, Kbuild
answers) lives in ``compiler.cache_dir()``.  A file's modification time is its last
use: a hit touches it, and after a write the oldest files go until the directory is
under the cap (``MACROTRACE_CACHE_MAX``: bytes, or with a K/M/G suffix; default 300M).
"""

import os

from ..config import ConfigError

DEFAULT_MAX = 300 * 1024 * 1024
_UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}


class CacheSettingError(ConfigError):
    """A malformed MACROTRACE_CACHE_MAX (reported as a one-line error)."""


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "macrotrace")


def max_bytes():
    """The cap from ``MACROTRACE_CACHE_MAX`` (e.g. ``500M``), else the default."""
    raw = os.environ.get("MACROTRACE_CACHE_MAX", "").strip().upper().rstrip("B")
    if not raw:
        return DEFAULT_MAX
    unit = raw[-1] if raw[-1] in "KMG" else ""
    number = raw[:-1] if unit else raw
    try:
        value = float(number) * _UNITS[unit]
    except ValueError:
        raise CacheSettingError("MACROTRACE_CACHE_MAX=%s: expected a size such as 300M or 1G"
                                % os.environ["MACROTRACE_CACHE_MAX"])
    return max(int(value), 0)


def _entries(directory):
    """(mtime, size, path) of every cache file."""
    out = []
    try:
        names = os.listdir(directory)
    except OSError:
        return out
    for name in names:
        path = os.path.join(directory, name)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if os.path.isfile(path):
            out.append((st.st_mtime, st.st_size, path))
    return out


def touch(path):
    """Mark ``path`` as just used."""
    try:
        os.utime(path)
    except OSError:
        pass


def evict(keep=None, limit=None):
    """Delete least-recently-used files until the directory fits the cap (never ``keep``,
    the file or the set of files just written).  Returns the number of files deleted."""
    limit = max_bytes() if limit is None else limit
    entries = _entries(cache_dir())
    total = sum(size for _, size, _ in entries)
    deleted = 0
    keep = {os.path.abspath(k) for k in ([keep] if isinstance(keep, str) else keep or ())}
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        if os.path.abspath(path) in keep:
            continue
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
        deleted += 1
    return deleted


def info():
    """(directory, number of files, bytes used, cap in bytes)."""
    d = cache_dir()
    entries = _entries(d)
    return d, len(entries), sum(size for _, size, _ in entries), max_bytes()


def clear():
    """Delete every cache file; the number deleted."""
    deleted = 0
    for _, _, path in _entries(cache_dir()):
        try:
            os.unlink(path)
            deleted += 1
        except OSError:
            pass
    return deleted
