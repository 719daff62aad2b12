"""Whether a recorded segment's macro dependencies hold (segments.py): each name it
looked at, as defined now, against the fingerprint recorded.  The innermost loop of
every replay (~60 names a segment, ~1,000 segments a kernel unit): compiled when the
engine is built (depcheck.pxd), plain Python otherwise."""

from .macros import MacroDef
from .state import Pending, entry_fingerprint


def fingerprints_match(table, names, fps):
    """``table``'s entries for ``names`` have the fingerprints ``fps`` (None: not
    defined); the table is read as stored, a pending definition is not decoded."""
    get = dict.get
    for i in range(len(names)):
        name = names[i]
        fp = fps[i]
        e = get(table, name)
        if e is None:
            if fp is not None:
                return False
            continue
        t = type(e)
        if t is Pending:
            efp = e.fp
        elif t is MacroDef:
            efp = e.fp
            if efp is None:
                efp = entry_fingerprint(table, name, e)
        else:
            efp = entry_fingerprint(table, name, e)
        if efp != fp:
            return False
    return True
