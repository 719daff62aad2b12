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
_FEW = 16               # values few enough to count each in a text (C searches) before
                        # splitting the text into its runs of digits
_DIGIT_CHARS = frozenset("0123456789")
_SHORT = 256            # a text shorter than this has its runs found by the regex alone
_BLANK_BUT_DIGITS = {c: " " for c in range(128) if chr(c) not in _DIGIT_CHARS}


def relocation(parts, start, marks, chunk, c0, c1, names, fps, written):
    """How to replay a segment at another ``__COUNTER__`` value, or None when it cannot
    be: (its value-holding places in ``chunk`` as (offset, length, k), what its check
    needs: the looked-up names that hold a value as (name, offset, length, k,
    fingerprint), and the names it defined or undefined that have digits in them).
    ``parts[start:]`` is what the segment printed (``chunk`` joined), ``marks`` the
    indexes of the parts the printer marked, ``[c0, c1)`` the values it used,
    ``written`` the names it defined or undefined."""
    if not 0 < c1 - c0 <= MAX_VALUES:
        return None
    values = {str(v): v - c0 for v in range(c0, c1)}
    # a run of digits (as long as it goes) that is one of the values: the runs are found
    # by the regex engine (a chunk is up to a few hundred kilobytes, and the names looked
    # up are thousands), each looked up among the values
    places = []
    marked = sorted(i for i in marks if i >= start)
    at = start
    offset = 0
    for i in marked:
        offset += _joined_length(parts, at, i)
        at = i
        found = _runs(parts[i], values)
        if len(found) != 1:
            return None         # (none: its value merged with other digits; or two)
        p, n, k = found[0]
        places.append((offset + p, n, k))
    if not _only(chunk, places, values):
        return None             # a value printed unmarked, or a number that looks like one
    renamed = []
    joined = "\0".join(names)
    found = _runs(joined, values) if _any_run(joined, values) else ()
    if found:
        ends = list(itertools.accumulate(len(n) + 1 for n in names))   # (each name's end + 1)
        seen = set()
        for p, n, k in found:
            j = bisect.bisect_right(ends, p)
            if j in seen:
                return None     # (two of its values in one name)
            seen.add(j)
            name = names[j]
            if name in written:
                return None     # (looked up after the segment changed it, perhaps)
            renamed.append((name, p - (ends[j - 1] if j else 0), n, k, fps[j]))
    # a name the segment defines under the other values would be looked up as it left it
    digits = tuple(sorted(n for n in written if _DIGITS.search(n)))
    return tuple(places), (tuple(renamed), digits)


def _runs(text, values):
    """(offset, length, k) of each run of digits in ``text`` that is one of ``values``
    (its digits -> k), in order.  A long text (the names a segment looked up, joined) has
    thousands of runs and few of them values: the runs are listed in C (``_digit_runs``),
    and only a value that is one is searched for, as a substring that is a whole run."""
    if len(text) < _SHORT:
        get = values.get
        out = []
        for m in _DIGITS.finditer(text):
            k = get(m.group())
            if k is not None:
                out.append((m.start(), m.end() - m.start(), k))
        return out
    out = []
    end = len(text)
    for v in set(_digit_runs(text)).intersection(values):
        n = len(v)
        k = values[v]
        at = text.find(v)
        while at >= 0:
            if (not at or text[at - 1] not in _DIGIT_CHARS) and \
                    (at + n == end or text[at + n] not in _DIGIT_CHARS):
                out.append((at, n, k))
            at = text.find(v, at + n)
    out.sort()
    return out


def _only(chunk, places, values):
    """``places`` are the runs of digits in ``chunk`` that are one of ``values``, all of
    them: each place is a whole run holding its value, and there are no more such runs
    than places (counted on the runs' strings: no match object for every number)."""
    n = len(chunk)
    for p, length, k in places:
        if (p and chunk[p - 1] in _DIGIT_CHARS) or (p + length < n and chunk[p + length] in _DIGIT_CHARS) \
                or values.get(chunk[p:p + length]) != k:
            return False        # (a place inside a longer run: not where it was marked)
    if len(values) <= _FEW and sum(map(chunk.count, values)) == len(places):
        # a run holding a value holds it as a substring, counted once (no other
        # occurrence of digits reaches into a run): no more substrings than places, so
        # no run but the places (the runs themselves never made)
        return True
    return sum(map(values.__contains__, _digit_runs(chunk))) == len(places)


def _any_run(text, values):
    """Some run of digits in ``text`` is one of ``values`` (when none of them is even a
    substring, by ``str.count`` alone)."""
    if len(values) <= _FEW and not any(map(text.__contains__, values)):
        return False
    return any(map(values.__contains__, _digit_runs(text)))


def _digit_runs(text):
    """The runs of digits in ``text``, as strings."""
    if text.isascii():
        # (every character but a digit made a blank, in C, then split: the runs without
        # the regex engine walking them)
        return text.translate(_BLANK_BUT_DIGITS).split()
    return _DIGITS.findall(text)


# Compiled, counters.pxd defines this in C (each part's length added: ~240,000 parts
# a cold kernel unit); plain Python, this (a join copies: faster than len a part there):
def _py_joined_length(parts, start, end):
    """``len("".join(parts[start:end]))``."""
    return len("".join(parts[start:end]))


globals().setdefault("_joined_length", _py_joined_length)


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
