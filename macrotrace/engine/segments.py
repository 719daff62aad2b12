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

import fcntl
import hashlib
import marshal
import mmap
import os
import time

from . import diskcache
from .diskcache import cache_dir
from .state import file_stamp, unchanged
from .statecache import _engine_fingerprint

FORMAT = 6      # 6: a compact definition's fingerprint made from its blob, stored as None; 5: a definition's blob compact (defcode._compact); 4: definitions and fingerprints as defcode.py makes them; 3: the pack keeps
                # the effects apart from the entries (read when replayed); a variant's names
                # and fingerprints are one string and one bytes (depcheck.py)
MAX_VARIANTS = 16          # per starting point; the oldest goes first
MAX_DELTAS = 300           # header files recorded since the pack, before they are folded in


# ---------------------------------------------------------------- recording
class Recording:
    """One segment being recorded (the top file's, from ``start`` on)."""

    __slots__ = ("path", "digest", "start", "psig", "reads", "written", "used", "checks",
                 "tainted", "counter", "depth", "outer", "parts", "count", "warnings",
                 "once_add")

    def __init__(self, path, digest, start, psig):
        self.path, self.digest, self.start, self.psig = path, digest, start, psig
        self.reads = set()        # macro names looked up (Expander.reads)
        self.written = {}         # name -> its definition when the segment began
        self.used = set()         # builtins whose value depends on more than the file
        self.checks = []          # file-system answers (skipped #includes, __has_include)
        self.tainted = False
        self.once_add = False


class SegmentStore:
    """The recorded segments of one configuration, per header path: the file's sha1 and
    its variants by starting point.

    On disk: a *pack* holding every header's entry (an index, then one marshal blob per
    header: a run opens one file and decodes only the headers it meets), and a *delta*
    file per header recorded since the pack was written (each replaced atomically, so
    parallel runs never see half a file); when deltas pile up, a run folds them into the
    pack under a lock.  A delta is newer than the pack's entry of the same header."""

    def __init__(self, key_material):
        raw = repr((FORMAT, _engine_fingerprint(), key_material))
        self.key = hashlib.sha256(raw.encode()).hexdigest()[:20]
        self.loaded = {}          # path -> {"sha": ..., "v": {start: [variant...]}}
        self.dirty = set()
        self.hits = self.misses = self.recorded = 0
        self.dir = cache_dir()
        self.pack_file = os.path.join(self.dir, "seg-%s.pack" % self.key)
        self.pack = None          # Pack: the entries folded so far (read on first need)
        self.deltas = set()       # delta file names present when the pack was read
        self.files = {}           # path -> its delta file

    def _file(self, path):
        name = self.files.get(path)
        if name is None:
            h = hashlib.sha1(os.path.abspath(path).encode("utf-8", "surrogatepass")).hexdigest()[:20]
            name = self.files[path] = os.path.join(self.dir, "seg-%s-%s.bin" % (self.key, h))
        return name

    def _read_pack(self):
        prefix = "seg-%s-" % self.key
        try:
            self.deltas = {n for n in os.listdir(self.dir) if n.startswith(prefix)}
        except OSError:
            self.deltas = set()
        self.pack = Pack(self.pack_file)
        if self.pack.index:
            diskcache.touch(self.pack_file)     # (least recently used goes first)

    def _load(self, path):
        """The stored entry of ``path`` (None when there is none)."""
        if path in self.loaded:
            return self.loaded[path]
        if self.pack is None:
            self._read_pack()
        e = None
        if self.deltas:             # (none on a cold run: the header's name not hashed)
            name = self._file(path)
            if os.path.basename(name) in self.deltas:
                e = _read(name)
                if e is not None:
                    diskcache.touch(name)
        if e is None:
            e = self.pack.get(path)
        if (not isinstance(e, dict) or e.get("format") != FORMAT or e.get("path") != path
                or not isinstance(e.get("v"), dict) or not isinstance(e.get("sha"), str)):
            e = None                           # (none, or damaged: recorded again)
        self.loaded[path] = e
        return e

    def _dirty(self, path):
        """``path``'s entry changed: it is written as a delta, with its effects in it (a
        pack's entry names them by their place in the pack, which a fold rewrites)."""
        if path in self.dirty:
            return              # (its effects read already; those added since are bytes)
        e = self.loaded[path]
        if self.pack is not None and e is not None:
            v = e["v"]
            for start, lst in v.items():
                if any(type(var[5]) is not bytes for var in lst):
                    v[start] = [var if type(var[5]) is bytes else var[:5] + (self.pack.effect(var[5]),)
                                for var in lst]
        self.dirty.add(path)

    def effect(self, variant):
        """A variant's effect (a marshal blob), read from the pack if it is there."""
        blob = variant[5]
        return blob if type(blob) is bytes else self.pack.effect(blob)

    def entry(self, path, digest):
        e = self._load(path)
        if e is None:
            self.loaded[path] = e = {"format": FORMAT, "path": path, "sha": digest, "v": {}}
        if e["sha"] != digest:        # the file changed: what was recorded is void
            e.clear()
            e.update(format=FORMAT, path=path, sha=digest, v={})
            self._dirty(path)
        return e

    def known_digest(self, path, st):
        """The sha1 recorded for ``path`` when ``st`` (its ``os.stat``) is the one taken
        when it was hashed, and its last change was well before that (git's rule for a
        "racily clean" file: a write in the same clock tick would not show); else None."""
        e = self._load(path)
        if e is None or "stat" not in e or not unchanged(st, e["stat"], e["at"]):
            return None
        return e["sha"]

    def note_stat(self, path, digest, st):
        """``path``, as ``st`` shows it, has the contents ``digest``."""
        e = self.entry(path, digest)
        if e.get("stat") != file_stamp(st):
            e["stat"], e["at"] = file_stamp(st), time.time_ns()
            self._dirty(path)

    def mark_warns(self, path, digest):
        """Lexing ``path`` warns: it is always read, never replayed."""
        self.entry(path, digest)["warns"] = True
        self._dirty(path)

    def variants(self, path, digest, start):
        return self.entry(path, digest)["v"].get(start, ())

    def add(self, path, digest, start, variant):
        e = self.entry(path, digest)
        lst = e["v"].setdefault(start, [])
        lst.append(variant)
        if len(lst) > MAX_VARIANTS:
            del lst[0]
        self._dirty(path)
        self.recorded += 1

    def flush(self):
        """Write the entries that changed as deltas (each replaced atomically); fold the
        deltas into the pack when they pile up."""
        if not self.dirty:
            return
        try:
            os.makedirs(self.dir, exist_ok=True)
        except OSError:
            return
        written = []
        if len(self.deltas) + len(self.dirty) > MAX_DELTAS and \
                self._fold({path: self.loaded[path] for path in self.dirty}):
            written.append(self.pack_file)      # (a cold unit: ~500 headers in one write)
        else:
            for path in sorted(self.dirty):
                target = self._file(path)
                if _write(target, self.loaded[path]):
                    written.append(target)
                    self.deltas.add(os.path.basename(target))
        self.dirty.clear()
        if written:
            diskcache.evict(keep=set(written) | {self.pack_file})

    def _fold(self, ours):
        """The deltas on disk and ``ours`` (path -> entry, newer) into the pack, under a
        lock; False when another run holds it (it is folding: leave it be)."""
        try:
            lock = open(os.path.join(self.dir, "seg-%s.lock" % self.key), "wb")
        except OSError:
            return False
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
            old = Pack(self.pack_file)
            entries = {path: old.get(path, whole=True) for path in old.index}
            prefix = "seg-%s-" % self.key
            try:
                names = [n for n in os.listdir(self.dir) if n.startswith(prefix)]
            except OSError:
                return False
            for n in names:
                e = _read(os.path.join(self.dir, n))
                if isinstance(e, dict) and e.get("format") == FORMAT:
                    entries[e["path"]] = e
            entries.update(ours)
            if not Pack.write(self.pack_file, {p: e for p, e in entries.items() if e is not None}):
                return False
            for n in names:
                try:
                    os.unlink(os.path.join(self.dir, n))
                except OSError:
                    pass
            self.deltas = set()
            return True


class Pack:
    """The pack file: 16 bytes giving the index's length and the entries' length, the
    index (marshal: path -> (offset, size)), each header's entry as a marshal blob, then
    the variants' effects.  In an entry read from the pack a variant's effect is its
    (offset, size) among the effects: a run decodes the dependencies of the few hundred
    headers it meets, and only the effects it replays."""

    def __init__(self, name):
        self.data = b""
        self.index = {}
        try:
            with open(name, "rb") as fh:
                # mapped, not read
                data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            n = int.from_bytes(data[:8], "little")
            m = int.from_bytes(data[8:16], "little")
            index = marshal.loads(data[16:16 + n])
            if isinstance(index, dict):          # (anything else: a damaged file)
                self.index, self.data, self.base = index, data, 16 + n
                self.effects = 16 + n + m
        except (OSError, EOFError, ValueError, TypeError):
            self.index = {}

    def blob(self, path):
        off, size = self.index[path]
        return self.data[self.base + off:self.base + off + size]

    def effect(self, ref):
        off, size = ref
        return self.data[self.effects + off:self.effects + off + size]

    def get(self, path, whole=False):
        """``path``'s entry (``whole``: with its effects, not their places)."""
        if path not in self.index:
            return None
        try:
            e = marshal.loads(self.blob(path))
        except (EOFError, ValueError, TypeError):
            return None
        if whole and isinstance(e, dict) and isinstance(e.get("v"), dict):
            for start, lst in e["v"].items():
                e["v"][start] = [var[:5] + (self.effect(var[5]),) for var in lst]
        return e

    @staticmethod
    def write(name, entries):
        index, off = {}, 0
        effects = []
        blobs = []
        eoff = 0
        for path, e in entries.items():
            light = dict(e)
            light["v"] = v = {}
            for start, lst in e["v"].items():
                out = v[start] = []
                for var in lst:
                    effects.append(var[5])
                    out.append(var[:5] + ((eoff, len(var[5])),))
                    eoff += len(var[5])
            blob = marshal.dumps(light)
            index[path] = (off, len(blob))
            off += len(blob)
            blobs.append(blob)
        head = marshal.dumps(index)
        tmp = "%s.%d" % (name, os.getpid())
        try:
            with open(tmp, "wb") as fh:
                fh.write(len(head).to_bytes(8, "little"))
                fh.write(off.to_bytes(8, "little"))
                fh.write(head)
                for blob in blobs:
                    fh.write(blob)
                for blob in effects:
                    fh.write(blob)
            os.replace(tmp, name)
            return True
        except OSError:
            return False


def _read(name):
    try:
        with open(name, "rb") as fh:
            return marshal.loads(fh.read())   # (load(fh) reads piecemeal: slow)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write(name, value):
    tmp = "%s.%d" % (name, os.getpid())
    try:
        with open(tmp, "wb") as fh:
            marshal.dump(value, fh)
        os.replace(tmp, name)
        return True
    except (OSError, ValueError):
        return False
