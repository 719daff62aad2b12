"""Replaying a header segment that used ``__COUNTER__`` at another value of it.

A segment that expands ``__COUNTER__`` (``__UNIQUE_ID``, ``BUILD_BUG_ON``...) prints
values that depend on how many the unit used before it, so it was replayed only where
``__COUNTER__`` stood exactly as when it was recorded; in a tree, units reach a header
with different values and read it again.  Such a segment can be *relocated*: replayed
from value ``c`` instead of ``c0``, each value ``c0 + k`` it printed becoming ``c + k``,
when its values went nowhere but into its output text:

- every token that holds a value is known: ``__COUNTER__``'s result is marked
  (``tokens.COUNTER_DIGITS``), and so is what ``##`` or ``#`` makes from a marked token;
  the printer notes where it prints one (``Printer.marks``);
- each such token holds exactly one run of digits that is one of the segment's values,
  and the output holds no other run equal to one of them (a value printed through a
  path that is not marked would show there: then the segment is not relocated);
- no value reached a directive (``#if __COUNTER__``), no builtin other than
  ``__LINE__``/``__FILE__`` ran, no warning was given;
- a macro name the segment looked up that holds one of its values (a pasted
  ``__UNIQUE_ID_x12``) must look the same under the relocated value too: it is checked
  under both names.

Anything else keeps the exact check of ``__COUNTER__``'s value.
"""

import bisect
import itertools
import re

from .state import entry_fingerprint

# the builtins a relocated segment may have used besides __COUNTER__ (their values do
# not depend on what came before it)
SAFE_BUILTINS = frozenset(("__COUNTER__", "__LINE__", "__FILE__"))
_DIGITS = re.compile(r"[0-9]+")
MAX_VALUES = 1000       # a segment that used more keeps the exact check
_LARGEST = 10 ** 15     # values from here on keep it too (their digits read as a C integer)


def relocation(parts, start, marks, chunk, c0, c1, names, fps, written):
    """How to replay a segment at another ``__COUNTER__`` value, or None when it cannot
    be: (its value-holding places in ``chunk`` as (offset, length, k), what its check
    needs: the looked-up names that hold a value as (name, offset, length, k,
    fingerprint), and the names it defined or undefined that have digits in them).
    ``parts[start:]`` is what the segment printed (``chunk`` joined), ``marks`` the
    indexes of the parts the printer marked, ``[c0, c1)`` the values it used,
    ``written`` the names it defined or undefined."""
    if not 0 < c1 - c0 <= MAX_VALUES or not 0 <= c0 < _LARGEST:
        return None
    # a run of digits (as long as it goes) that is one of the values: each text is
    # scanned once, its runs read as numbers where they are (``_value_runs``)
    places = []
    at = start
    offset = 0
    for i in sorted([i for i in marks if i >= start]):
        offset += _joined_length(parts, at, i)
        at = i
        found = _value_runs(parts[i], c0, c1)
        if len(found) != 1:
            return None         # (none: its value merged with other digits; or two)
        p, n, k = found[0]
        places.append((offset + p, n, k))
    if _value_runs(chunk, c0, c1) != places:
        return None             # a value printed unmarked, or a number that looks like one
    renamed = []
    found = _names_runs(names, c0, c1)
    if found:
        seen = set()
        for j, p, n, k in found:
            if j in seen:
                return None     # (two of its values in one name)
            seen.add(j)
            name = names[j]
            if name in written:
                return None     # (looked up after the segment changed it, perhaps)
            renamed.append((name, p, n, k, fps[j]))
    # a name the segment defines under the other values would be looked up as it left it
    digits = tuple(sorted(n for n in written if _DIGITS.search(n)))
    return tuple(places), (tuple(renamed), digits)


# Compiled, counters.pxd defines these three in C (each text scanned once, a run's
# digits read as a number where they stand: no string made per run, no value searched
# for again and again); plain Python, these:
def _py_value_runs(text, c0, c1):
    """(offset, length, k) of each run of digits in ``text`` (as long as it goes) that
    is ``str(c0 + k)`` for some ``0 <= k < c1 - c0`` (``0 <= c0 < c1``), in order."""
    width = len(str(c1 - 1))
    out = []
    for m in _DIGITS.finditer(text):
        s = m.group()
        n = len(s)
        if n <= width and (n == 1 or s[0] != "0"):     # (a value is spelled without zeros first)
            v = int(s)
            if c0 <= v < c1:
                out.append((m.start(), n, v - c0))
    return out


def _py_names_runs(names, c0, c1):
    """``_value_runs`` of each of ``names``, as (its index, offset, length, k), in order."""
    joined = "\0".join(names)
    found = _py_value_runs(joined, c0, c1)
    if not found:
        return found
    ends = list(itertools.accumulate(len(n) + 1 for n in names))   # (each name's end + 1)
    out = []
    for p, n, k in found:
        j = bisect.bisect_right(ends, p)
        out.append((j, p - (ends[j - 1] if j else 0), n, k))
    return out


def _py_joined_length(parts, start, end):
    """``len("".join(parts[start:end]))`` (a join copies: faster than len a part here)."""
    return len("".join(parts[start:end]))


globals().setdefault("_value_runs", _py_value_runs)
globals().setdefault("_names_runs", _py_names_runs)
globals().setdefault("_joined_length", _py_joined_length)


def value_runs(text, c0, c1):
    """``_value_runs`` as this build runs it (C when compiled: tests compare it with the
    plain rule)."""
    return _value_runs(text, c0, c1)


def names_runs(names, c0, c1):
    """``_names_runs`` as this build runs it."""
    return _names_runs(names, c0, c1)


def names_hold(table, check, c0, now):
    """The looked-up names that hold a value, under the values they get from ``now``,
    are defined as they were, and the segment defines none of them (the recorded names
    themselves are checked as usual)."""
    if now == c0:
        return True
    renamed, written = check
    get = dict.get
    for name, at, length, k, fp in renamed:
        name = name[:at] + str(now + k) + name[at + length:]
        if name in written or entry_fingerprint(table, name, get(table, name)) != fp:
            return False
    return True


def relocated(chunk, places, now):
    """``chunk`` with the value ``c0 + k`` at each place written ``now + k``."""
    out = []
    at = 0
    for offset, length, k in places:
        out.append(chunk[at:offset])
        out.append(str(now + k))
        at = offset + length
    out.append(chunk[at:])
    return "".join(out)
