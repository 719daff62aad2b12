"""The preprocessor's state as a plain value (``Preprocessor.snapshot``/``restore``).

As Boost.Wave's context saves its state, the preprocessor turns what it has reached
into lists, tuples, strings and bytes that ``marshal`` stores; ``statecache`` only
stores and validates that value.  Each macro is its own ``marshal`` blob, decoded only
when the expander asks for it: a kernel unit defines ~16,000 macros and uses a few
hundred after its headers, and decoding them all would cost more than the cache saves.
The table is stored as a few big values (``Packed``: the names in one string, the blobs
one after another, numbers in arrays), not one object per macro: marshal writes and
reads ~20,000 small objects several times slower than the same bytes in one piece.
"""

import hashlib
import itertools
import os
from array import array

from . import defcode
from .defcode import FP_SIZE, fingerprint
from .events import Branch
from .macros import MacroDef


class LazyMacros(dict):
    """The macro table, with definitions materialised on first lookup: a saved state's
    (``Packed`` decodes them) or a replayed segment's ``Pending`` ones."""

    def __init__(self, data, packed=None):
        super().__init__(data)
        self.packed = packed        # Packed: a saved state's entries are its indices
        self._convert = packed.decode if packed is not None else None
        # id(MacroDef) -> (MacroDef, the entry it was decoded from): a snapshot stores
        # a definition that was looked up as it was stored, not encoded again
        self.stored = {}

    def _decoded(self, v):
        return v.decode() if type(v) is Pending else self._convert(v)

    def _materialise(self, name, v):
        m = self._decoded(v)
        dict.__setitem__(self, name, m)
        self.stored[id(m)] = (m, v)
        return m

    def get(self, name, default=None):
        v = dict.get(self, name, default)
        if v is not None and type(v) is not MacroDef:
            v = self._materialise(name, v)
        return v

    def __getitem__(self, name):
        v = dict.__getitem__(self, name)
        if type(v) is not MacroDef:
            v = self._materialise(name, v)
        return v

    def pop(self, name, *default):
        v = dict.pop(self, name, *default)
        if v is not None and type(v) is not MacroDef:
            v = self._decoded(v)
        return v

    def values(self):
        return [self[k] for k in self]

    def items(self):
        return [(k, self[k]) for k in self]

    def raw(self, name):
        """The entry as stored: a MacroDef, or what is not decoded yet."""
        return dict.get(self, name)


def lazy(macros):
    """``macros`` as a LazyMacros (the same table when it is one)."""
    return macros if isinstance(macros, LazyMacros) else LazyMacros(macros)


# the place of a definition stored with its own #if numbers, or of a segment's compact
# one whose fingerprint was not made (defcode.blob_fingerprint makes it from the blob)
_NO_FP = bytes(FP_SIZE)


class Encoder:
    """Encodes macro tables for one run: a definition is encoded once however many
    snapshots hold it (a run saves a few: shared prefixes, then its own state), and the
    #if conditions (and the outer chains of segments' definitions) are numbered once,
    in tables that only grow."""

    def __init__(self, rows=(), branches=(), packed=None):
        # a restored table's blobs number conditions as its snapshot did: start from there
        self.cond_index = {id(c): (c, i) for i, c in enumerate(branches)}
        self.conds = list(rows)
        self.blobs = {}           # id(MacroDef) -> (MacroDef, blob)
        self.outers = {}          # id(outer chain), or its branches' ids -> (chain, its
                                  # index in outer_rows)
        self.outer_rows = list(packed.outers) if packed is not None else []
        self.packed = packed      # the restored table's entries (ints) keep their numbers
        # MacroDef -> (it, its blob, its outer chain): a definition a segment just
        # recorded (defcode.segment_defs), stored the same way, not encoded again (a
        # MacroDef is hashed by its identity)
        self.segment_blobs = {}
        self.initial = {}         # id(MacroDef) -> MacroDef: see ``start``

    def start(self, table):
        """``table`` is what the run defined before its first file (the compiler's
        predefined macros, -D): a run that restores a state has defined the same (the
        state's key says so), so a snapshot stores these as "the run's own", unencoded."""
        self.initial = {id(m): m for m in dict.values(table)
                        if type(m) is MacroDef and m.builtin is None}

    def encode(self, macros):
        """(the user macros as a ``Packed`` value, the #if conditions they refer to)."""
        names, data, outer_of, fps, own = _entries(self, macros)
        text = "\0".join(names)
        fp_data = b"".join(fps)
        if len(fp_data) != FP_SIZE * len(fps):
            raise ValueError("a definition's fingerprint is not %d bytes" % FP_SIZE)
        # the blobs stay a list (a file takes them as they are: statecache.py), with
        # their lengths (a reader adds them up)
        value = (text, data, _lengths(data), _int32s(outer_of), list(self.outer_rows), fp_data, own)
        return value, list(self.conds)

    def _as_stored(self, entry, add_data, add_outer, add_fp):
        """Add a stored entry, a Pending or a restored table's index, as it is."""
        if type(entry) is Pending:
            add_data(entry.blob)
            add_outer(self._outer(entry.outer))
            add_fp(entry.fp or _NO_FP)
        else:
            p = self.packed
            add_data(p.blob(entry))
            add_outer(p.outer[entry])     # (outer_rows began as the restored ones)
            add_fp(p.fps[entry * FP_SIZE:(entry + 1) * FP_SIZE])

    def _outer(self, outer):
        """The index of a replayed segment's outer #if chain (numbered once, for all
        the definitions the segment made) in ``outer_rows``."""
        entry = self.outers.get(id(outer))
        if entry is None or entry[0] is not outer:
            # each replay makes its own chain, most of them of the same branches (a
            # kernel unit: ~1,000 chains, a few dozen different): numbered once per
            # content (the chain kept in the entry keeps the ids of its branches taken)
            ids = tuple(map(id, outer))
            same = self.outers.get(ids)
            if same is None:
                same = self.outers[ids] = (outer, len(self.outer_rows))
                cond_index = self.cond_index
                numbers = []
                for c in outer:         # (most branches numbered already: found here)
                    entry = cond_index.get(id(c))
                    numbers.append(entry[1] if entry is not None and entry[0] is c
                                   else self._index(c))
                self.outer_rows.append(tuple(numbers))
            entry = self.outers[id(outer)] = (outer, same[1])
        return entry[1]

    def _index(self, c):
        cond_index, conds = self.cond_index, self.conds
        entry = cond_index.get(id(c))
        if entry is None or entry[0] is not c:
            earlier = tuple([self._index(e) for e in c.earlier])
            entry = cond_index[id(c)] = (c, len(conds))
            conds.append((c.directive, c.expression, c.file, c.line, c.taken, c.value, c.guard, earlier))
        return entry[1]

    def _blob(self, name, m):
        return defcode.encode(m, tuple(self._index(c) for c in m.conditions))


# Compiled, state.pxd defines these two in C (the numbers written in place, not each
# taken apart by ``array``: ~16,000 of each a cold kernel unit); plain Python, these:
def _py_lengths(blobs):
    """The lengths of ``blobs`` as ``array("I")``'s bytes."""
    return array("I", map(len, blobs)).tobytes()


def _py_int32s(values):
    """``values`` as ``array("i")``'s bytes."""
    return array("i", values).tobytes()


globals().setdefault("_lengths", _py_lengths)
globals().setdefault("_int32s", _py_int32s)


def _entries(encoder, macros):
    """``Encoder.encode``'s entries of ``macros``: (names, blobs, outer chains, fingerprints,
    the run's own).  Compiled when the engine is built (state.pxd): one loop over the
    ~16,000 entries of a unit's table, once a cold run."""
    blobs, outers = encoder.blobs, encoder.outers
    names, data, outer_of, fps = [], [], [], []
    last_chain, last = None, -1
    stored = macros.stored if isinstance(macros, LazyMacros) else {}
    initial, own, segment_blobs = encoder.initial, [], encoder.segment_blobs
    # the entries as stored (a LazyMacros' are not decoded); one loop over ~16,000 of
    # them at the end of a unit's headers, so the common cases come first, inline
    for name, m in dict.items(macros):
        t = type(m)
        if t is Pending:                  # a replayed segment's, not decoded yet
            outer = m.outer
            if outer is not last_chain:   # (a segment's definitions come together)
                entry = outers.get(id(outer))
                last = entry[1] if entry is not None and entry[0] is outer else encoder._outer(outer)
                last_chain = outer
            names.append(name)
            data.append(m.blob)
            outer_of.append(last)
            fps.append(m.fp or _NO_FP)       # (none yet: made from the blob when asked)
            continue
        if t is not MacroDef:             # restored and never looked at: as it was
            encoder._as_stored(m, data.append, outer_of.append, fps.append)
            names.append(name)
            continue
        seg = segment_blobs.get(m)
        if seg is not None:                       # made by a segment just recorded
            outer = seg[2]
            if outer is not last_chain:
                last = encoder._outer(outer)
                last_chain = outer
            names.append(name)
            data.append(seg[1])
            outer_of.append(last)
            fps.append((m.fp or _NO_FP) if seg[1][0] == 0 else fingerprint(m))
            continue
        if m.builtin is not None:
            continue
        names.append(name)
        if initial.get(id(m)) is m:               # defined before the first file
            own.append(len(data))
            data.append(b"")
            outer_of.append(-1)
            fps.append(_NO_FP)
            continue
        src = stored.get(id(m))
        if src is not None and src[0] is m:       # decoded from a stored entry
            encoder._as_stored(src[1], data.append, outer_of.append, fps.append)
            continue
        cached = blobs.get(id(m))
        if cached is None or cached[0] is not m:
            cached = blobs[id(m)] = (m, encoder._blob(name, m))
        data.append(cached[1])
        outer_of.append(-1)
        fps.append(_NO_FP)
    return names, data, outer_of, fps, own


class Packed:
    """A saved macro table as ``Encoder.encode`` stores it, read back: entry ``i`` (a
    name's value in the restored ``LazyMacros``) is decoded when first looked up.

    The stored value: the names joined by NUL; every blob (a list, or one bytes-like
    object as a file holds them), with their lengths (``array("I")``); per entry the index of its outer #if chain in ``outers``
    (a segment's definition: its blob holds only its own #ifs, ``defcode.segment_defs``) or -1
    (a blob numbering all its #ifs, ``Encoder._blob``); the fingerprints of segments'
    definitions, ``FP_SIZE`` bytes each (zeros for the others); the indices of the
    entries that are the run's own definitions (``Encoder.start``: no blob)."""

    __slots__ = ("names", "data", "offsets", "outer", "outers", "fps", "own", "conds", "_chains",
                 "_made")

    def __init__(self, value, conds):
        text, data, lengths, outer, self.outers, self.fps, self.own = value
        self.data = b"".join(data) if type(data) is list else data
        self.names = text.split("\0") if text else []
        self.offsets = array("I", itertools.accumulate(memoryview(lengths).cast("I"), initial=0))
        self.outer = memoryview(outer).cast("i")
        if not (len(self.offsets) == len(self.names) + 1 == len(self.outer) + 1
                and self.offsets[-1] == len(self.data) and len(self.fps) == FP_SIZE * len(self.names)):
            raise ValueError("a damaged macro table")
        self.conds = conds
        self._chains = {}
        self._made = {}             # entry -> its fingerprint made from its blob

    def blob(self, i):
        return self.data[self.offsets[i]:self.offsets[i + 1]]

    def fingerprint(self, i):
        """The stored fingerprint of entry ``i`` (None: computed from the definition)."""
        if self.outer[i] < 0:
            return None
        fp = self.fps[i * FP_SIZE:(i + 1) * FP_SIZE]
        if fp == _NO_FP:                # (not made when it was stored: from its blob)
            fp = self._made.get(i)
            if fp is None:
                fp = self._made[i] = defcode.blob_fingerprint(self.blob(i))
        return fp

    def decode(self, i):
        o = self.outer[i]
        if o >= 0:                  # a segment's definition, its outer #ifs numbered
            chain = self._chains.get(o)
            if chain is None:
                conds = self.conds
                chain = self._chains[o] = tuple(conds[c] for c in self.outers[o])
            fp = self.fps[i * FP_SIZE:(i + 1) * FP_SIZE]
            return Pending(self.blob(i), chain, fp if fp != _NO_FP else self._made.get(i)).decode()
        m, cond_ids = defcode.decode(self.blob(i))
        conds = self.conds
        m.conditions = tuple(conds[c] for c in cond_ids)
        return m


# -- definitions made by a header segment (segments.py), and their #if branches
def branch_of(row):
    directive, expression, file, line, taken, value, guard, earlier = row
    c = Branch(directive, expression, file, line, taken, value, guard)
    c.earlier = tuple(branch_of(e) for e in earlier)
    return c


def macro_of(blob, outer):
    m, own = defcode.decode(blob)
    m.conditions = tuple(outer) + tuple(branch_of(r) for r in own)
    return m


class Pending:
    """A definition a replayed segment made, decoded when first looked up
    (``state.LazyMacros``): a unit's headers define thousands it never uses.  Its
    fingerprint, None when the segment stored none, is made from the blob when a check
    asks (``fingerprint``)."""

    __slots__ = ("blob", "outer", "fp")

    def __init__(self, blob, outer, fp):
        self.blob, self.outer, self.fp = blob, outer, fp

    def fingerprint(self):
        fp = self.fp
        if fp is None:
            fp = self.fp = defcode.blob_fingerprint(self.blob)
        return fp

    def decode(self):
        m = macro_of(self.blob, self.outer)
        m.fp = self.fp          # (None: made from the definition, the same value)
        return m


def entry_fingerprint(table, name, entry):
    """The fingerprint of ``entry``, ``table[name]`` as stored: a MacroDef, a saved
    state's entry (its index in the table's ``Packed``), or a Pending (decoded only when
    it must be)."""
    if entry is None:
        return None
    t = type(entry)
    if t is MacroDef:
        return entry.fp or fingerprint(entry)
    if t is int:                         # a saved state's (state.LazyMacros)
        return table.packed.fingerprint(entry) or fingerprint(table[name])
    return entry.fingerprint()           # Pending


def _load_conditions(rows):
    conds = []
    for directive, expression, file, line, taken, value, guard, earlier in rows:
        c = Branch(directive, expression, file, line, taken, value, guard)
        c.earlier = tuple(conds[i] for i in earlier)
        conds.append(c)
    return conds


def without_data(encoded):
    """(``Encoder.encode``'s value with its blobs out, the blobs: a list of bytes-like
    objects): a file can hold them as they are, after the rest (statecache.py)."""
    return encoded[:1] + (sum(memoryview(encoded[2]).cast("I")),) + encoded[2:], encoded[1]


def with_data(encoded, data):
    """``without_data``'s value given its blobs back, as one bytes-like object (a mapped
    file's memoryview is decoded a blob at a time)."""
    if len(data) != encoded[1]:
        raise ValueError("a truncated macro table")
    return encoded[:1] + (data,) + encoded[2:]


def decode_macros(encoded, conditions, table):
    """(the macro table from ``Encoder.encode``'s value, lazily decoded, given the table
    the run has before its first file (its builtins come first, its own definitions
    where the state has them); an Encoder that goes on numbering its conditions and
    chains as they were).  ValueError: the value does not fit ``table``."""
    branches = _load_conditions(conditions)
    packed = Packed(encoded, branches)
    names = packed.names
    own = [(names[i], dict.get(table, names[i])) for i in packed.own]
    if not all(type(m) is MacroDef and m.builtin is None for _, m in own):
        raise ValueError("a state saved by a run that defined other macros first")
    lazy = LazyMacros({name: m for name, m in dict.items(table)
                       if type(m) is MacroDef and m.builtin is not None}, packed)
    dict.update(lazy, zip(names, range(len(names))))
    dict.update(lazy, own)              # (in their places: the names are there already)
    encoder = Encoder(conditions, branches, packed)
    encoder.start(table)
    return lazy, encoder


def preamble_signature(text, pos):
    """The main file's text before offset ``pos`` (its leading directives), hashed."""
    return hashlib.sha1(text[:pos].encode("utf-8", "surrogatepass")).hexdigest()


def digest(data):
    return hashlib.sha1(data).hexdigest()


# a file changed this close to the time it was hashed is hashed again: a write in the
# same clock tick would leave its stat unchanged (git's "racily clean" rule)
RACY_NS = 2_000_000_000


def file_stamp(st):
    """What of an ``os.stat`` says the file was not written since."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def unchanged(st, stamp, at):
    """``st`` is the stat stamped ``stamp`` when hashed at ``at`` (ns), long enough after
    its last change."""
    return stamp == file_stamp(st) and st.st_ctime_ns < at - RACY_NS


def directory_stamps(directories):
    """(directory, mtime in ns or -1) for each: a new file in one changes its stamp."""
    out = []
    for d in sorted(directories):
        try:
            out.append((d, os.stat(d).st_mtime_ns))
        except OSError:
            out.append((d, -1))
    return out
