"""A macro definition as stored bytes, and its fingerprint: what a recorded header
segment (segments.py, reuse.py) and a unit's saved state (state.py) keep of each
definition.

A cold kernel unit records ~16,000 definitions and a later run decodes a few hundred of
them, so encoding is the side that must be cheap: the replacement list is not a tuple
per token but three values: the tokens' texts joined in one string, their numbers (kind,
flags, line, column, argument number + 1, length of the text) as varints in one bytes
(a line past 2**35 or below 0, which #line cannot make: a tuple of them), and the rare
tokens written in another file or with UCNs listed apart.  Compiled with
the engine when it is built (defcode.pxd); plain Python otherwise, the same bytes.

A blob is ``marshal`` of (name, parameters or None, variadic, site, spelling, made on
the command line, conditions, texts, numbers, the rare tokens): the
conditions are what the caller gives (a segment's own ``#if`` rows, or a state's
condition numbers), given back to the caller's ``conditions`` when decoded.  A
segment's definition (no rare token) is *compact* instead (``_compact``): the same
values as varints and one UTF-8 text, its #if rows marshalled once for all the
definitions under them: marshal of the tuple was most of the cost of encoding.
"""

import hashlib
import marshal

from .macros import MacroDef
from .tokens import CHAR, EOF, IDENT, MACRO_ARG, NUMBER, OTHER, PADDING, PRAGMA, PUNCT, STRING, Token

FP_SIZE = 10            # bytes of a fingerprint
KINDS = (IDENT, NUMBER, CHAR, STRING, PUNCT, OTHER, PADDING, EOF, MACRO_ARG, PRAGMA)
_CODE = {k: i for i, k in enumerate(KINDS)}
_FIELDS = 6             # numbers per token
_LARGE = 1 << 35        # a line, column or flags from here on is not a varint of 5 bytes
_blake2b = hashlib.blake2b
_FLAGS = ("000", "001", "010", "011", "100", "101", "110", "111")   # function-like, variadic,
                                                                    # from the command line
COMPACT = b"\0"         # the first byte of a blob ``_compact`` made


def fingerprint(m):
    """What a segment's dependency compares of a definition (None: not defined), kept on
    it.  Two equal fingerprints expand alike and say the same in a trace: parameters,
    spelling (gcc's white space rule), where it was written, whether the command line
    made it.  A definition a compact blob can hold is fingerprinted as that blob
    (``blob_fingerprint``: everything it decodes to but its conditions), so a stored
    definition's fingerprint is made from its blob only when a dependency asks for it:
    a cold unit stores ~15,000 and its checks read ~2,000."""
    if m is None:
        return None
    fp = m.fp
    if fp is None:
        if m.builtin is not None:
            raw = "B\0" + m.builtin
        else:
            blob = encode(m, None, b"")
            if blob[0] == 0:            # (COMPACT: its conditions' bytes are empty)
                fp = m.fp = _blake2b(blob).digest()[:FP_SIZE]
                return fp
            # the parameters are identifiers and the site's file a path (neither holds a
            # NUL); the spelling, which may hold anything, comes last
            site = m.site
            params = " ".join(m.params) if m.fun_like else "-"
            flags = _FLAGS[(4 if m.fun_like else 0) | (2 if m.variadic else 0)
                           | (1 if m.from_command_line else 0)]
            if site is not None and len(site) == 2 and type(site[0]) is str and type(site[1]) is int:
                # (one f-string: the text "%s\0%s" % site makes, without the format)
                raw = f"{params}\0{flags}\0{site[0]}\0{site[1]}\0{m.spelling}"
            else:
                where = "%s\0%s" % site if site is not None and len(site) == 2 \
                    and type(site[0]) is str else repr(site)
                raw = f"{params}\0{flags}\0{where}\0{m.spelling}"
        # (blake2b's whole digest, cut: its keyword arguments cost more than the hash)
        fp = m.fp = _blake2b(raw.encode("utf-8", "surrogatepass")).digest()[:FP_SIZE]
    return fp


def blob_fingerprint(blob):
    """``fingerprint`` of the definition a compact blob holds (the blob up to its
    conditions' bytes), not decoded; None for a blob that is not compact."""
    data = blob if type(blob) is bytes else bytes(blob)
    if not len(data) or data[0] != 0:
        return None
    return _blake2b(data[:_compact_end(data)]).digest()[:FP_SIZE]


def encode(m, conditions, stored=None):
    """``m`` as a blob, its conditions stored as ``conditions`` (plain values; given as
    ``stored``, their marshal bytes, a segment's definitions have a compact blob)."""
    site = m.site
    spelling = m.spelling
    if (stored is not None and site is not None and len(site) == 2 and type(site[0]) is str
            and type(site[1]) is int and 0 <= site[1] < _LARGE and type(spelling) is str):
        blob = _compact(m, site[0], site[1], spelling, stored)
        if blob is not None:
            return blob
    return _marshalled(m, conditions)


def _marshalled(m, conditions):
    """``m`` as the marshal of its ten values (module docstring): a definition with a
    token written in another file or with UCNs, or a number past a varint's 5 bytes."""
    site = m.site
    home = site[0] if site else None
    texts = []
    rare = None
    wide = False
    for k, t in enumerate(m.body):
        texts.append(t.text)
        if not (0 <= t.line < _LARGE and 0 <= t.col < _LARGE and 0 <= t.flags < _LARGE):
            wide = True
        f = t.file
        # an identifier written with UCNs keeps its spelling (``source``) for ``#``
        spelled = t.source if t.kind == IDENT else None
        if spelled is not None or (f is not home and f != home):
            if rare is None:
                rare = []
            rare.append((k, None if f == home else f, spelled))
    if wide:
        packed = _plain_numbers(m.body)
    else:
        out = _buffer(len(m.body) * _FIELDS * 5)
        at = _put_numbers(out, 0, m.body)
        packed = bytes(out[:at])
    return marshal.dumps((m.name, tuple(m.params) if m.fun_like else None, m.variadic,
                          tuple(site) if site else None, m.spelling, m.from_command_line,
                          conditions, "".join(texts), packed,
                          tuple(rare) if rare is not None else None))


def _put_numbers(out, at, body):
    """Write the numbers of ``body``'s tokens (``_FIELDS`` each, all of them varints)
    into ``out`` from ``at``; where they end."""
    for t in body:
        at = _put_token(out, at, t)
    return at


def _put_token(out, at, t):
    """Write the ``_FIELDS`` numbers of token ``t`` (each a varint) into ``out`` from
    ``at``; where they end."""
    at = _put(out, at, _code(t.kind))
    at = _put(out, at, t.flags)
    at = _put(out, at, t.line)
    at = _put(out, at, t.col)
    at = _put(out, at, t.argno + 1)
    return _put(out, at, len(t.text))


_BUFFER = [bytearray(1 << 12)]


def _buffer(size):
    """The buffer blobs are written into (one for all of them), at least ``size`` bytes
    long: it grows in place, keeping what was written."""
    out = _BUFFER[0]
    if len(out) < size:
        out.extend(bytes(2 * size - len(out)))
    return out


def _compact(m, home, line, spelling, stored):
    """A definition without marshal, whose tuple of ten values cost most of encoding
    one (None: ``m`` has a token the compact form cannot hold): ``COMPACT``; varints
    (flags, the site's line, the lengths of the name, the site's file, the spelling, the
    number of parameters or 0, each one's length, the length of the tokens' numbers, of
    the text); the tokens' numbers; the name, file, spelling, parameters and tokens'
    texts as one UTF-8 text; the conditions' marshal bytes (``stored``: made once for the
    definitions that share them).  All of it is written in one buffer kept for all
    definitions (the head last, in the room left before the numbers), and the blob is
    one copy of it: no text joined, encoded or sliced on the way (compiled, an ASCII
    text's characters are its UTF-8: copied as they are)."""
    params = m.params if m.fun_like else ()
    body = m.body
    name = m.name
    start = 1 + (9 + len(params)) * 5
    out = _buffer(start + len(body) * _FIELDS * 5)
    at = start
    chars = len(name) + len(home) + len(spelling)
    same = home                 # (a token's file is ``home`` or a string equal to it)
    large = _LARGE              # (a C integer, compiled: compared without a Python one)
    for t in body:
        f = t.file
        if f is not same:
            if f != home:
                return None     # written in another file
            same = f
        kind = t.kind
        if t.source is not None and kind == IDENT:
            return None         # an identifier written with UCNs keeps its spelling
        if not (0 <= t.line < large and 0 <= t.col < large and 0 <= t.flags < large):
            return None         # a number past a varint of 5 bytes
        at = _put_token(out, at, t)
        chars += len(t.text)
    end = at
    for p in params:
        chars += len(p)
    # (a character is at most 4 bytes of UTF-8)
    out = _buffer(end + 4 * chars + len(stored))
    at = _put_text(out, end, name)
    at = _put_text(out, at, home)
    at = _put_text(out, at, spelling)
    for p in params:
        at = _put_text(out, at, p)
    for t in body:
        at = _put_text(out, at, t.text)
    n_text = at - end
    stop = _put_bytes(out, at, stored)
    flags = (1 if m.fun_like else 0) | (2 if m.variadic else 0) | (4 if m.from_command_line else 0)
    size = (_size(flags) + _size(line) + _size(len(name)) + _size(len(home))
            + _size(len(spelling)) + _size(len(params)) + _size(end - start) + _size(n_text))
    for p in params:
        size += _size(len(p))
    begin = start - size - 1
    out[begin] = 0                      # (COMPACT)
    k = _put(out, begin + 1, flags)
    k = _put(out, k, line)
    k = _put(out, k, len(name))
    k = _put(out, k, len(home))
    k = _put(out, k, len(spelling))
    k = _put(out, k, len(params))
    for p in params:
        k = _put(out, k, len(p))
    k = _put(out, k, end - start)
    _put(out, k, n_text)
    return _bytes_of(out, begin, stop)


# Compiled, defcode.pxd defines these three in C (a text's or a blob's bytes copied into
# the buffer, which has room for them; the blob made from it); plain Python, these:
def _py_put_text(out, at, text):
    """Write ``text`` as UTF-8 (lone surrogates kept) into ``out`` at ``at``; where it
    ends."""
    data = text.encode("utf-8", "surrogatepass")
    end = at + len(data)
    out[at:end] = data
    return end


def _py_put_bytes(out, at, data):
    end = at + len(data)
    out[at:end] = data
    return end


def _py_bytes_of(out, begin, end):
    return bytes(out[begin:end])


globals().setdefault("_put_text", _py_put_text)
globals().setdefault("_put_bytes", _py_put_bytes)
globals().setdefault("_bytes_of", _py_bytes_of)


def _py_size(v):
    """The bytes of ``v`` as a varint (``_put``).  (Compiled: ``_size`` of defcode.pxd,
    the same in C.)"""
    n = 1
    while v >= 0x80:
        v >>= 7
        n += 1
    return n


globals().setdefault("_size", _py_size)


def _compact_head(data):
    """(the numbers of a ``_compact`` blob's head, where they end)."""
    values, at = _read_varints(data, 1, 6)              # the head: 8 numbers, and one per parameter
    more, at = _read_varints(data, at, values[5] + 2)
    return values + more, at


def _compact_end(data):
    """Where a ``_compact`` blob's conditions' bytes begin."""
    values, at = _compact_head(data)
    return at + values[-2] + values[-1]


def _decode_compact(blob):
    """(the definition, its conditions) of a ``_compact`` blob."""
    data = bytes(blob)
    values, at = _compact_head(data)
    flags, line, n_name, n_path, n_spelling, n_params = values[:6]
    n_numbers, n_text = values[-2], values[-1]
    packed = data[at:at + n_numbers]
    at += n_numbers
    text = str(data[at:at + n_text], "utf-8", "surrogatepass")
    conditions = marshal.loads(data[at + n_text:])
    name = text[:n_name]
    path = text[n_name:n_name + n_path]
    k = n_name + n_path + n_spelling
    spelling = text[n_name + n_path:k]
    params = []
    for n in values[6:6 + n_params]:
        params.append(text[k:k + n])
        k += n
    m = MacroDef(name, params if flags & 1 else None, bool(flags & 2), (), (path, line),
                 spelling=spelling)
    m.body = _tokens(_varints(packed), text[k:], path)
    m.from_command_line = bool(flags & 4)
    return m, conditions


def _code(kind):
    """``kind``'s number (``KINDS``): the common ones by identity, first."""
    if kind is IDENT:
        return 0
    if kind is PUNCT:
        return 4
    if kind is NUMBER:
        return 1
    if kind is STRING:
        return 3
    return _CODE[kind]


def _plain_numbers(body):
    """The numbers of ``body``'s tokens as a tuple (where one is not a varint)."""
    return tuple(v for t in body for v in (_CODE[t.kind], t.flags, t.line, t.col, t.argno + 1,
                                           len(t.text)))


def _py_put(out, at, v):
    """Write ``v`` (0 <= v < 2**35) into ``out`` at ``at`` as a varint (7 bits a byte, low
    first); where it ends.  (Compiled: ``_put`` of defcode.pxd, the same in C.)"""
    while v >= 0x80:
        out[at] = (v & 0x7F) | 0x80
        v >>= 7
        at += 1
    out[at] = v
    return at + 1


globals().setdefault("_put", _py_put)


def segment_defs(table, written, n_outer, rows, known, outer):
    """What a recorded segment's effect holds of the names it defined or undefined
    (``written``): (name, blob, fingerprint: None for a compact blob, whose fingerprint
    is made from it when a check asks), or (name, None, None) for a name it left
    undefined.  A blob keeps the definition's own #if branches (its first ``n_outer``,
    the includers', are the replaying run's), as rows kept in ``rows`` (id(branch) ->
    (branch, row), and a tuple of branches -> (their rows, marshalled): a header's
    definitions share theirs); each is noted in ``known``
    (definition -> (it, blob, ``outer``): a definition is hashed by its identity), which
    the unit's state stores as is (state.Encoder.segment_blobs)."""
    defs = []
    entry = last = None     # (the definitions of a run of lines share one chain: its entry)
    plain = table if type(table) is dict else None      # (read without a method call)
    for name in written:
        m = plain.get(name) if plain is not None else table.get(name)
        if m is None:
            defs.append((name, None, None))
            continue
        conds = m.conditions
        if conds is not last:
            # the definition's own branches, as rows and their marshal bytes, made once
            # for all the segments of a header (``rows`` keeps them by the branches)
            own = tuple(conds[n_outer:])
            entry = rows.get(own)
            if entry is None:
                own_rows = tuple([kept_row(rows, c) for c in own])
                entry = rows[own] = (own_rows, marshal.dumps(own_rows))
            last = conds
        blob = encode(m, entry[0], entry[1])
        # a compact blob's fingerprint is made from it when a check needs it (None)
        defs.append((name, blob, m.fp if blob[0] == 0 else fingerprint(m)))
        known[m] = (m, blob, outer)
    return tuple(defs)


def kept_row(rows, c):
    """``branch_row(c)``, made once: ``rows`` keeps it (id(branch) -> (branch, row); the
    branch is held, so no other one takes its id)."""
    entry = rows.get(id(c))
    if entry is None or entry[0] is not c:
        entry = rows[id(c)] = (c, branch_row(c))
    return entry[1]


def branch_row(c):
    """An #if branch (events.Branch) as plain values."""
    return (c.directive, c.expression, c.file, c.line, c.taken, c.value, c.guard,
            tuple([branch_row(e) for e in c.earlier]))


def decode(blob):
    """(the definition of ``blob`` without its conditions, the conditions as stored)."""
    if len(blob) and blob[0] == 0:      # (COMPACT: no marshal value starts with a zero byte)
        return _decode_compact(blob)
    name, params, variadic, site, spelling, cmdline, conditions, texts, packed, rare = \
        marshal.loads(blob)
    m = MacroDef(name, list(params) if params is not None else None, variadic, (),
                 tuple(site) if site else None, spelling=spelling)
    home = site[0] if site else None
    body = _tokens(packed if type(packed) is tuple else _varints(packed), texts, home)
    if rare is not None:
        for k, f, spelled in rare:
            t = body[k]
            if f is not None:
                t.file = f
            if spelled is not None:
                t.source = spelled
    m.body = body
    m.from_command_line = cmdline
    return m, conditions


def _varints(packed):
    """All the varints of ``packed`` (``_put``'s), as a list."""
    return _read_varints(packed, 0, -1)[0]


def _read_varints(data, at, count):
    """(``count`` varints read from ``data`` at ``at`` (-1: to its end), where they end)."""
    numbers = []
    v = shift = 0
    n = len(data)
    while at < n and count != 0:
        byte = data[at]
        at += 1
        v |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            if shift > 56:
                raise ValueError("a blob's number is too long")    # (damaged)
        else:
            numbers.append(v)
            v = shift = 0
            count -= 1
    if count > 0:
        raise ValueError("a blob ends inside its numbers")     # (damaged: never read short)
    return numbers, at


def _tokens(numbers, texts, home):
    """The tokens of ``numbers`` (``_FIELDS`` a token) and their joined ``texts``."""
    body = []
    at = 0
    kinds = KINDS
    for i in range(0, len(numbers), _FIELDS):
        n = numbers[i + 5]
        t = Token(kinds[numbers[i]], texts[at:at + n], numbers[i + 1], numbers[i + 2],
                  numbers[i + 3], home)
        t.argno = numbers[i + 4] - 1
        at += n
        body.append(t)
    return body
