"""Which stored invocation is which current one: by what it is, not by its line.

An invocation is known by its file and source text (``module_init(hello_init)``) and,
to tell apart two with the same text, by its neighbourhood: the nearest non-blank
source lines above and below it.  Invocations are paired in order, those agreeing on
text and neighbourhood first, then those agreeing on text alone; what is left is an
invocation that is gone, or new.
"""

import difflib

from .codec import Site


def _neighbours(lines, line):
    """The nearest non-blank lines above and below line ``line`` (1-based)."""
    before = after = ""
    for k in range(line - 2, -1, -1):
        if k < len(lines) and lines[k].strip():
            before = " ".join(lines[k].split())
            break
    for k in range(line, len(lines)):
        if lines[k].strip():
            after = " ".join(lines[k].split())
            break
    return before, after


def sites(invocations, read_lines):
    """A Site for each distinct (file, line) of ``invocations``.  ``read_lines(file)``
    gives the file's lines (or [] when it cannot be read)."""
    out, seen, cache = [], set(), {}
    for inv in invocations:
        if (inv.file, inv.line) in seen:
            continue
        seen.add((inv.file, inv.line))
        if inv.file not in cache:
            cache[inv.file] = read_lines(inv.file)
        before, after = _neighbours(cache[inv.file], inv.line)
        out.append(Site(inv.file, inv.line, inv.source, before, after))
    return out


def file_reader(base):
    """read_lines for files named relative to ``base``."""
    import os

    def read(path):
        try:
            with open(os.path.join(base, path), encoding="utf-8", errors="replace") as fh:
                return fh.read().splitlines()
        except OSError:
            return []
    return read


def _key(inv, where):
    site = where.get((inv.file, inv.line))
    return (inv.file, inv.source) + ((site.before, site.after) if site else ("", ""))


def match(old, new, old_sites, new_sites):
    """Pairs (old invocation or None, new invocation or None), in the current order
    (what is gone last).  ``*_sites``: {(file, line): Site}."""
    pairs = {}          # new index -> old index
    free_old, free_new = list(range(len(old))), list(range(len(new)))
    for key in (lambda inv, w: _key(inv, w), lambda inv, w: (inv.file, inv.source)):
        a = [key(old[i], old_sites) for i in free_old]
        b = [key(new[j], new_sites) for j in free_new]
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        taken_old, taken_new = set(), set()
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                i, j = free_old[block.a + k], free_new[block.b + k]
                pairs[j] = i
                taken_old.add(i)
                taken_new.add(j)
        free_old = [i for i in free_old if i not in taken_old]
        free_new = [j for j in free_new if j not in taken_new]
    out = [(old[pairs[j]] if j in pairs else None, new[j]) for j in range(len(new))]
    out += [(old[i], None) for i in free_old]
    return out
