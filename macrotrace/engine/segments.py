"""Per-header reuse: a file's *segments*, recorded once, replayed by later runs.

The units of one tree include mostly the same headers, in different orders, so the
state reached after a unit's first lines (a preamble, as clangd and precompiled
headers share it) rarely serves another unit.  The unit of reuse here is smaller and
does not depend on order: a *segment* is what the
preprocessor does with one header from a starting point (the file's start, or just
after a nested ``#include`` it ran) to the next boundary (the next ``#include`` it runs,
or the file's end).  A segment's result depends only on

- the file's contents (sha1) and where in it the segment starts, with the file's own
  state there (open ``#if`` groups, include-guard state, ``#line`` changes, its
  includer's name, where in the search chain it was found);
- the macros the segment *looked at* (every name it looked up, however: expansion,
  ``defined``, ``#ifdef``, a redefinition), each as it was when the segment began;
- what it asked the file system (every ``#include`` it skipped, and why: the same
  file found, the same guard known, the same ``#pragma once`` answer; every
  ``__has_include``), ``__COUNTER__``'s value if it used it, the include depth if it
  used ``__INCLUDE_LEVEL__``, and how the output line stood.

Those are this module's *dependencies*; a run that reaches the same starting point with
every dependency equal takes the recorded *effect* instead of reading the file: the
definitions made and removed, the text printed, the warnings, ``__COUNTER__``'s new
value, the file's state at the end, and how the segment ended (the ``#include`` to run,
or the end of the file, run then as usual, so a nested header is itself looked up).
Anything a segment cannot describe this way makes it unrecorded (``__DATE__``,
``__TIMESTAMP__``, ``__BASE_FILE__``, ``#pragma push_macro``, assertions, ``#import``,
a boundary met half-way through a macro's arguments): those headers are simply read.

Stored per (configuration, header path) in the cache directory, next to the states of
statecache.py (the same size cap and LRU eviction); the engine's code is part of the
key, as there.
"""

import hashlib
import marshal
import os
import time

from . import diskcache
from .diskcache import cache_dir
from .statecache import _engine_fingerprint

FORMAT = 1
MAX_VARIANTS = 16          # per starting point; the oldest goes first
RACY_NS = 2_000_000_000    # a file changed this close to its hashing is hashed again


def _stamp(st):
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


# ---------------------------------------------------------------- fingerprints
def fingerprint(m):
    """What a dependency compares of a definition (None: not defined).  Two equal
    fingerprints expand alike and say the same in a trace: parameters, spelling (gcc's
    white space rule), where it was written, whether the command line made it."""
    if m is None:
        return None
    fp = m.fp
    if fp is None:
        if m.builtin is not None:
            raw = "B\0" + m.builtin
        else:
            raw = repr((m.params if m.fun_like else None, m.variadic, m.spelling,
                        tuple(m.site or ()), m.from_command_line))
        fp = m.fp = hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=10).digest()
    return fp


# ---------------------------------------------------------------- recording
class Recording:
    """One segment being recorded (the top file's, from ``start`` on)."""

    __slots__ = ("path", "digest", "start", "psig", "reads", "written", "used", "checks",
                 "tainted", "counter", "depth", "n_outer", "parts", "count", "warnings",
                 "once_add")

    def __init__(self, path, digest, start, psig):
        self.path, self.digest, self.start, self.psig = path, digest, start, psig
        self.reads = {}           # macro names looked up, first look first
        self.written = {}         # name -> its definition when the segment began
        self.used = set()         # builtins whose value depends on more than the file
        self.checks = []          # file-system answers (skipped #includes, __has_include)
        self.tainted = False
        self.once_add = False


class SegmentStore:
    """The recorded segments of one configuration: per header path, a file in the cache
    directory holding that file's sha1 and its variants by starting point."""

    def __init__(self, key_material):
        raw = repr((FORMAT, _engine_fingerprint(), key_material))
        self.key = hashlib.sha256(raw.encode()).hexdigest()[:20]
        self.loaded = {}          # path -> {"sha": ..., "v": {start: [variant...]}}
        self.dirty = set()
        self.hits = self.misses = self.recorded = 0
        self.dir = cache_dir()
        self.files = {}           # path -> its file in the cache directory

    def _file(self, path):
        name = self.files.get(path)
        if name is None:
            h = hashlib.sha1(os.path.abspath(path).encode("utf-8", "surrogatepass")).hexdigest()[:20]
            name = self.files[path] = os.path.join(self.dir, "seg-%s-%s.bin" % (self.key, h))
        return name

    def _load(self, path):
        """The stored entry of ``path`` (None when there is none)."""
        if path in self.loaded:
            return self.loaded[path]
        e = None
        name = self._file(path)
        try:
            with open(name, "rb") as fh:
                e = marshal.loads(fh.read())   # (load(fh) reads piecemeal: slow)
        except (OSError, EOFError, ValueError, TypeError):
            pass
        if not isinstance(e, dict) or e.get("format") != FORMAT or e.get("path") != path:
            e = None
        else:
            diskcache.touch(name)              # (least recently used goes first)
        self.loaded[path] = e
        return e

    def entry(self, path, digest):
        e = self._load(path)
        if e is None:
            self.loaded[path] = e = {"format": FORMAT, "path": path, "sha": digest, "v": {}}
        if e["sha"] != digest:        # the file changed: what was recorded is void
            e.clear()
            e.update(format=FORMAT, path=path, sha=digest, v={})
            self.dirty.add(path)
        return e

    def known_digest(self, path, st):
        """The sha1 recorded for ``path`` when ``st`` (its ``os.stat``) is the one taken
        when it was hashed, and its last change was well before that (git's rule for a
        "racily clean" file: a write in the same clock tick would not show); else None."""
        e = self._load(path)
        if e is None or e.get("stat") != _stamp(st) or st.st_ctime_ns >= e["at"] - RACY_NS:
            return None
        return e["sha"]

    def note_stat(self, path, digest, st):
        """``path``, as ``st`` shows it, has the contents ``digest``."""
        e = self.entry(path, digest)
        if e.get("stat") != _stamp(st):
            e["stat"], e["at"] = _stamp(st), time.time_ns()
            self.dirty.add(path)

    def variants(self, path, digest, start):
        return self.entry(path, digest)["v"].get(start, ())

    def add(self, path, digest, start, variant):
        e = self.entry(path, digest)
        lst = e["v"].setdefault(start, [])
        lst.append(variant)
        if len(lst) > MAX_VARIANTS:
            del lst[0]
        self.dirty.add(path)
        self.recorded += 1

    def flush(self):
        """Write the files that gained variants (each replaced atomically)."""
        if not self.dirty:
            return
        try:
            os.makedirs(self.dir, exist_ok=True)
        except OSError:
            return
        last = None
        for path in sorted(self.dirty):
            target = self._file(path)
            tmp = "%s.%d" % (target, os.getpid())
            try:
                with open(tmp, "wb") as fh:
                    marshal.dump(self.loaded[path], fh)
                os.replace(tmp, target)
                last = target
            except (OSError, ValueError):
                continue
        self.dirty.clear()
        if last is not None:
            diskcache.evict(keep=last)
