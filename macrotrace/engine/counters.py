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

import re

from .state import entry_fingerprint

# the builtins a relocated segment may have used besides __COUNTER__ (their values do
# not depend on what came before it)
SAFE_BUILTINS = frozenset(("__COUNTER__", "__LINE__", "__FILE__"))
_DIGITS = re.compile(r"[0-9]+")


def relocation(parts, start, marks, chunk, c0, c1, names, fps, written):
    """How to replay a segment at another ``__COUNTER__`` value, or None when it cannot
    be: (its value-holding places in ``chunk`` as (offset, length, k), what its check
    needs: the looked-up names that hold a value as (name, offset, length, k,
    fingerprint), and the names it defined or undefined that have digits in them).
    ``parts[start:]`` is what the segment printed (``chunk`` joined), ``marks`` the
    indexes of the parts the printer marked, ``[c0, c1)`` the values it used,
    ``written`` the names it defined or undefined."""
    values = {str(v): v - c0 for v in range(c0, c1)}
    if not values:
        return None
    places = []
    marked = sorted(i for i in marks if i >= start)
    if marked:
        at = start
        offset = 0
        for i in marked:
            offset += sum(len(parts[j]) for j in range(at, i))
            at = i
            runs = [m for m in _DIGITS.finditer(parts[i]) if m.group() in values]
            if len(runs) != 1:
                return None         # (none: its value merged with other digits; or two)
            m = runs[0]
            places.append((offset + m.start(), m.end() - m.start(), values[m.group()]))
    found = [(m.start(), m.end() - m.start(), values[m.group()])
             for m in _DIGITS.finditer(chunk) if m.group() in values]
    if found != places:
        return None                 # a value printed unmarked, or a number that looks like one
    renamed = []
    for name, fp in zip(names, fps):
        runs = [m for m in _DIGITS.finditer(name) if m.group() in values]
        if len(runs) > 1:
            return None
        if runs:
            if name in written:
                return None     # (looked up after the segment changed it, perhaps)
            m = runs[0]
            renamed.append((name, m.start(), m.end() - m.start(), values[m.group()], fp))
    # a name the segment defines under the other values would be looked up as it left it
    digits = tuple(sorted(n for n in written if _DIGITS.search(n)))
    return tuple(places), (tuple(renamed), digits)


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
