"""Shared preambles: the state after a unit's prefix, reused by other units.

A unit's *prefix* is what it reads before its own code: the command line's
``-include`` files, then its leading ``#include <...>`` lines (clangd's preamble,
gcc's precompiled headers).  Most units of one tree share the -include files and the
first few headers, so the state reached after ``k`` of those lines (the preprocessor's
``snapshot``) is stored under a key that says everything it depends on, and another
unit starts from the longest prefix someone stored.

It must never change a result.  A stored state is used only when:
- the key is the same: compiler, flags, -std, search path, -include files, the names
  (not the values) of every -D/-U in order, and the header names of the ``k`` lines;
- every file read has the same contents and every directory searched the same
  modification time (``StateCache`` checks these, as for a unit's own state);
- the -D values that differ (a unit's ``KBUILD_MODNAME``, ``KBUILD_BASENAME``...) name
  macros the prefix never looked at: none was expanded (the expander notes every
  expansion of a command-line macro, however its name was made) and none was redefined
  or undefined by a directive (a redefinition's warning depends on the value).  Whether
  such a macro is *defined* (``#ifdef``) is the same in both units.  Those macros are
  then defined with this unit's values, as the command line would have;
- the prefix did not expand ``__BASE_FILE__`` (the main file's name), warned about the
  main file, or use ``#pragma push_macro``.
Only ``#include <...>`` lines written as such take part: a ``"..."`` include looks in
the unit's own directory, any other directive may depend on the unit.
"""

from .statecache import StateCache
from .tokens import BOL, IDENT, PUNCT, STRING

def include_prefix(tokens):
    """(header names, token index of each line's ``#``, index where the prefix ends)."""
    names, starts = [], []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if not (t.flags & BOL and t.kind == PUNCT and t.text == "#"):
            break
        j = i + 1
        while j < n and not tokens[j].flags & BOL:
            j += 1
        line = tokens[i + 1:j]
        if (len(line) < 4 or line[0].kind != IDENT or line[0].text != "include"
                or line[1].text != "<" or line[-1].text != ">"
                or any(x.kind == STRING or x.text in ("<", ">") for x in line[2:-1])):
            break
        names.append("".join((" " if x.flags & 1 and k else "") + x.text
                             for k, x in enumerate(line[2:-1])))
        starts.append(i)
        i = j
    return names, starts, i


def save_points(n):
    """After how many of the ``n`` lines a state is saved: none (the -include files),
    the first (units of a tree often begin alike), all.  Each costs a snapshot (only
    the definitions new since the last are encoded), and units part early."""
    return {0, min(1, n), n}


class Preamble:
    """The shared-prefix plan of one unit."""

    def __init__(self, key_material, main_tokens, unsaved=None):
        self.key_material = key_material
        self.unsaved = unsaved
        self.names, self.starts, self.end = include_prefix(main_tokens)
        n = len(self.names)
        # token index in the main file -> the prefix length whose state is taken there
        self.saves = {(self.starts[k] if k < n else self.end): k for k in save_points(n)}

    def cache(self, k):
        return StateCache(("preamble", self.key_material, tuple(self.names[:k])), self.unsaved)

    def position(self, k):
        return self.starts[k] if k < len(self.names) else self.end

    def find(self, options):
        """(k, saved state, options to apply again) for the longest stored prefix whose
        state holds for this unit, or None."""
        for k in range(len(self.names), -1, -1):      # another unit's n may be any k
            saved = self.cache(k).load(lambda pos: "")
            if saved is None:
                continue
            again = differing_options(saved["options"], options, set(saved["looked_at"]))
            if again is not None:
                return k, saved, again
        return None


def differing_options(saved, current, looked):
    """The current -D/-U options whose values differ from the saved run's, when the
    prefix looked at none of them; None when it looked at one."""
    if [(k, n) for k, n, _ in saved] != [(k, n) for k, n, _ in current]:
        return None
    names = [n for _, n, _ in current]
    out = []
    for (kind, name, old), (_, _, new) in zip(saved, current):
        if old == new:
            continue
        if name in looked or names.count(name) > 1:
            return None
        out.append((kind, name, new))
    return out
