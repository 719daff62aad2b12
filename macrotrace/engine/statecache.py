"""Caching the state reached after a file's leading directives.

Most of the time of a kernel run goes into the headers a file includes before its
first line of code; a second run on the same headers can start from there.  The
preprocessor's ``snapshot()`` at the first token of the main file that is not a
directive (state.py: the macro table, ``__COUNTER__``, include guards and ``#pragma
once`` files, the output so far, the warnings) is what this cache stores; it reads
nothing else of the preprocessor.

It must never change a result, so an entry is used only when: the run's
configuration and macrotrace's own engine code are the same (the key), the main
file's leading directives are the same text, every file read has the same
contents (sha1), and every directory the include search looked into has the same
modification time (a new header that would now shadow an old one changes it).
"""

import gc
import hashlib
import marshal
import mmap
import os

from . import diskcache
from .diskcache import cache_dir
from .stamps import remembered
from .state import digest, file_stamp, unchanged, with_data, without_data

FORMAT = 7      # 7: a compact definition's fingerprint made from its blob, zeros when not made; 6: a segment's definition's blob compact (defcode._compact); 5: definitions as defcode.py stores them; 4: the macro table packed
                # (state.Packed); 3: positions are offsets in the text
_HEAD = 8       # bytes of the length of the marshal part (a file: that length, the marshal
                # part, then the macro blobs' bytes as they are, mapped when read)


_FINGERPRINT = []


def _engine_fingerprint():
    """The engine's code, hashed (once a process: the state cache and the segment store
    both key on it; remembered under the files' stat: stamps.py)."""
    if _FINGERPRINT:
        return _FINGERPRINT[0]
    here = os.path.dirname(os.path.abspath(__file__))
    paths = sorted(os.path.join(here, name) for name in os.listdir(here)
                   if name.endswith(".py") and not name.startswith("."))     # (glob's *.py)

    def sha1():
        h = hashlib.sha1()
        for path in paths:
            with open(path, "rb") as fh:
                h.update(fh.read())
        return h.hexdigest()
    _FINGERPRINT.append(remembered("engine-code-sha1", paths, sha1))
    return _FINGERPRINT[0]


def _write_all(fd, chunks):
    """Write the bytes-like ``chunks`` (~20,000 macro blobs) without joining them first:
    a few system calls of many buffers each."""
    try:
        step = os.sysconf("SC_IOV_MAX")         # (-1: no limit known)
    except (AttributeError, ValueError, OSError):
        step = 16
    step = min(step, 1024) if step > 0 else 16
    for i in range(0, len(chunks), step):
        part = chunks[i:i + step]
        done = os.writev(fd, part)
        size = sum(map(len, part))
        if done < size:                     # (a short write: the rest, piece by piece)
            rest = memoryview(b"".join(part))[done:]
            while rest:
                rest = rest[os.write(fd, rest):]


class StateCache:
    def __init__(self, key_material, unsaved=None):
        self.unsaved = unsaved or {}    # real path -> text: an editor's buffers stand for files
        raw = repr((FORMAT, _engine_fingerprint(), key_material))
        self.key = hashlib.sha256(raw.encode()).hexdigest()[:24]
        self.path = os.path.join(cache_dir(), "state-%s.bin" % self.key)

    # -- saving ---------------------------------------------------------------
    def save(self, saved):
        """Store a ``Preprocessor.snapshot`` value."""
        # the files were hashed after saved["at"] (the run's start): a file whose last
        # change is older than that (by the racy margin) and whose stat is the same later
        # need not be hashed again
        macros, data = without_data(saved["macros"])
        saved = dict(saved, macros=macros, format=FORMAT,
                     stamps=[self._stamp(path) for path, _ in saved["files"]])
        tmp = "%s.%d" % (self.path, os.getpid())
        try:
            head = marshal.dumps(saved)
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(len(head).to_bytes(_HEAD, "little"))
                fh.write(head)
                fh.flush()
                _write_all(fh.fileno(), data)
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return
        diskcache.evict(keep=self.path)

    def _stamp(self, path):
        if self.unsaved and os.path.realpath(path) in self.unsaved:
            return None
        try:
            return file_stamp(os.stat(path))
        except OSError:
            return None

    # -- loading --------------------------------------------------------------
    def load(self, signature):
        """The stored snapshot if it is still valid, else None.  ``signature(pos)`` is
        what the main file's tokens before ``pos`` must hash to."""
        # (many small tuples: the cyclic GC would run during the load and find nothing
        # to collect)
        try:
            fh = open(self.path, "rb")
        except OSError:
            return None
        with fh:
            enabled = gc.isenabled()
            gc.disable()
            try:
                size = int.from_bytes(fh.read(_HEAD), "little")
                if size > os.fstat(fh.fileno()).st_size - _HEAD:
                    return None                     # (a damaged file)
                saved = marshal.loads(fh.read(size))   # (load(fh) reads piecemeal: slow)
            except (OSError, EOFError, ValueError, TypeError):
                return None
            finally:
                if enabled:
                    gc.enable()
            if not isinstance(saved, dict) or saved.get("format") != FORMAT:
                return None
            if not self._valid(saved, signature):
                return None
            # the blobs: only the few hundred a run looks up are ever read
            try:
                mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                saved["macros"] = with_data(saved["macros"], memoryview(mapped)[_HEAD + size:])
            except (OSError, ValueError, TypeError, IndexError):
                return None
        diskcache.touch(self.path)
        return saved

    def _valid(self, saved, signature):
        """Whether the files and directories ``saved`` depends on are as they were."""
        if signature(saved["pos"]) != saved["preamble"]:
            return False
        for d, mtime in saved["dirs"]:
            try:
                if os.stat(d).st_mtime_ns != mtime:
                    return False
            except OSError:
                if mtime != -1:
                    return False
        at = saved["at"]
        for (path, sha), stamp in zip(saved["files"], saved["stamps"]):
            text = self.unsaved.get(os.path.realpath(path)) if self.unsaved else None
            if text is None and stamp is not None:
                try:
                    if unchanged(os.stat(path), stamp, at):
                        continue        # the file hashed then, not written since
                except OSError:
                    return False
            try:
                if text is not None:
                    data = text.encode("utf-8")
                else:
                    with open(path, "rb") as fh:
                        data = fh.read()
            except OSError:
                return False
            if digest(data) != sha:
                return False
        return True
