"""Text wrapping for C: lines break at spaces outside string and character literals (a
literal is shown exactly as gcc spells it: never broken, tabs kept), the width comes from
the terminal, and a text shortened for one line loses its middle."""

import os
import sys

WIDTH = 100


def terminal_width(default=WIDTH):
    """Columns to fill: ``COLUMNS``, else the terminal's, else 100."""
    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) >= 20:
        return int(cols)
    try:
        return max(20, os.get_terminal_size(sys.stdout.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        return default


def breaks(text):
    """Positions of the spaces where ``text`` may wrap: never inside a string or
    character literal, which is shown exactly as gcc spells it."""
    out = []
    quote = None
    k, n = 0, len(text)
    while k < n:
        ch = text[k]
        if quote:
            if ch == "\\":
                k += 2
                continue
            if ch == quote or ch == "\n":
                quote = None
        elif ch == '"' or ch == "'":
            quote = ch
        elif ch == " " or ch == "\n":
            out.append(k)
        k += 1
    return out


def lines_of(text, width, first_width=None):
    """[(start, end)] of the lines ``text`` wraps into at ``width`` (end exclusive; the
    space a line breaks at belongs to no line).  A word longer than the width stays whole."""
    lines = []
    start = 0
    last = None             # the last break seen on the current line
    full = width
    width = first_width or width
    for b in breaks(text) + [len(text)]:
        if lines:
            width = full
        if text[b:b + 1] == "\n":
            if last is not None and b - start > width:
                lines.append((start, last))
                start = last + 1
            lines.append((start, b))
            start, last = b + 1, None
            continue
        if b - start > width and last is not None:
            lines.append((start, last))
            start = last + 1
        last = b
    lines.append((start, len(text)))
    return lines


def changed_region(before, after):
    """[start, end) of what differs in ``after`` from ``before`` (common prefix and suffix
    left out)."""
    n = min(len(before), len(after))
    lo, hi = 0, n               # the common prefix, by bisection on slices (compared in C)
    while lo < hi:
        m = (lo + hi + 1) // 2
        if before[:m] == after[:m]:
            lo = m
        else:
            hi = m - 1
    p = lo
    lo, hi = 0, n - p           # the common suffix, not overlapping the prefix
    while lo < hi:
        m = (lo + hi + 1) // 2
        if before[len(before) - m:] == after[len(after) - m:]:
            lo = m
        else:
            hi = m - 1
    return p, len(after) - lo


def shorten_middle(text, width):
    if len(text) <= width:
        return text
    keep = max(4, width - 1)
    head = keep * 2 // 3
    return text[:head] + "…" + text[len(text) - (keep - head):]
