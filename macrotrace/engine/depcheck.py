"""A recorded segment's macro dependencies (segments.py), stored compactly, and whether
they hold: each name it looked at, as defined now, against the fingerprint recorded.

Stored as one string (the names, NUL-separated) and one bytes (their fingerprints, 10
bytes each, ``UNDEFINED`` for a name that was not defined): a header's entry is decoded
by every run that meets the header, and ~60 separate names and fingerprints a segment
made that decoding most of a replay's cost.  The check is the innermost loop of every
replay (~1,000 segments a kernel unit): compiled when the engine is built
(depcheck.pxd), plain Python otherwise."""

from .defcode import blob_fingerprint
from .macros import MacroDef
from .state import FP_SIZE, Pending, entry_fingerprint

UNDEFINED = b"\0" * FP_SIZE


def pack(names, fps):
    """(names, fingerprints) as stored."""
    return "\0".join(names), _joined_fps(fps)


# Compiled, depcheck.pxd defines these two in C (a fingerprint copied into the bytes
# made for all; a dictionary read as a dictionary: LazyMacros' ``get`` decodes, and a
# segment's check must not); plain Python, these:
def _py_joined_fps(fps):
    """``fps`` (FP_SIZE bytes each, None: ``UNDEFINED``) as one bytes."""
    return b"".join([UNDEFINED if fp is None else fp for fp in fps])


globals().setdefault("_joined_fps", _py_joined_fps)
globals().setdefault("_raw_get", dict.get)


def read_fingerprints(table, names, written, known):
    """The fingerprints of ``names`` (a segment's reads) as each was when the segment
    began: a name it changed as ``written`` holds it, the others as ``table`` does.  A
    definition with no fingerprint yet that a segment of this run stored has it made
    from its blob (``known``: definition -> (it, its blob, ...), state.Encoder's
    ``segment_blobs``), not encoded again."""
    out = []
    for name in names:
        e = written[name] if name in written else _raw_get(table, name)
        if e is None:
            out.append(None)
        elif type(e) is MacroDef:
            fp = e.fp
            if fp is None:
                seg = known.get(e)
                if seg is not None:
                    fp = blob_fingerprint(seg[1])
                    if fp is not None:
                        e.fp = fp
                if fp is None:
                    fp = entry_fingerprint(table, name, e)
            out.append(fp)
        else:
            out.append(entry_fingerprint(table, name, e))
    return tuple(out)


def fingerprints_match(table, names, fps):
    """``table``'s entries for ``names`` (as ``pack`` stores them) have the fingerprints
    ``fps``; the table is read as stored, a pending definition is not decoded."""
    if not names:
        return True
    at = 0
    for name in names.split("\0"):
        e = _raw_get(table, name)
        if e is None:
            efp = UNDEFINED
        else:
            t = type(e)
            if t is Pending:
                efp = e.fp
                if efp is None:
                    efp = e.fingerprint()
            elif t is MacroDef:
                efp = e.fp
                if efp is None:
                    efp = entry_fingerprint(table, name, e)
            else:
                efp = entry_fingerprint(table, name, e)
        if fps[at:at + FP_SIZE] != efp:
            return False
        at += FP_SIZE
    return True
