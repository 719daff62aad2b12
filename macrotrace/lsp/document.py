"""Reading an editor's text: the name under the cursor, whether it is the name a
``#define`` defines, and how far an invocation extends in the text.

Positions are (line, character) counted from 0, as in the protocol; the engine counts
lines and columns from 1, with a tab one column, so ``column == character + 1``.
"""

import re

_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_DEFINE = re.compile(r"\s*#\s*define\s+([A-Za-z_][A-Za-z_0-9]*)")


def lines_of(text):
    return text.split("\n")


def word_at(text, line, character):
    """(name, first character, end character) of the identifier at the position, or None."""
    lines = lines_of(text)
    if not 0 <= line < len(lines):
        return None
    row = lines[line]
    for m in _IDENT.finditer(row):
        if m.start() <= character <= m.end() and not _after_digit(row, m.start()):
            return m.group(0), m.start(), m.end()
    return None


def _after_digit(row, start):
    """``0x1F``, ``1e5``: letters inside a number are no name."""
    k = start
    while k > 0 and (row[k - 1].isalnum() or row[k - 1] in "_."):
        k -= 1
    return k < start and row[k].isdigit()


def logical_start(text, line):
    """The first physical line of the logical line holding ``line`` (backslash-newlines
    join lines)."""
    lines = lines_of(text)
    while line > 0 and lines[line - 1].endswith("\\"):
        line -= 1
    return line


def defined_name(text, line, character):
    """The name if the position is on the NAME of a ``#define NAME``, else None."""
    lines = lines_of(text)
    if not 0 <= line < len(lines):
        return None
    m = _DEFINE.match(lines[line])
    if m and m.start(1) <= character <= m.end(1) and logical_start(text, line) == line:
        return m.group(1)
    return None


def in_directive(text, line):
    lines = lines_of(text)
    return 0 <= line < len(lines) and lines[logical_start(text, line)].lstrip().startswith("#")


def offset_of(text, line, character):
    lines = lines_of(text)
    return sum(len(l) + 1 for l in lines[:line]) + character


def position_of(text, offset):
    before = text[:offset]
    line = before.count("\n")
    return line, offset - (before.rfind("\n") + 1)


def extent(text, line, character, written):
    """The end offset of an invocation that starts at the position and reads as
    ``written`` (the trace's ``source``: its tokens, white space and comments aside,
    including any the expansion consumed after the name, as ``G\\n(4)``); None when
    the text does not read so."""
    i = offset_of(text, line, character)
    n = len(text)
    for ch in written:
        if ch.isspace():
            continue
        while i < n:
            if ch != "/" and text.startswith("/*", i):
                end = text.find("*/", i + 2)
                i = n if end < 0 else end + 2
            elif ch != "/" and text.startswith("//", i):
                end = text.find("\n", i)
                i = n if end < 0 else end
            elif text.startswith("\\\n", i):
                i += 2
            elif text[i].isspace():
                i += 1
            else:
                break
        if i >= n or text[i] != ch:
            return None
        i += 1
    return i


def enclosing_call(text, line, character, limit=4000):
    """(line, character) of the name before the innermost ``(`` that encloses the
    position (the invocation a cursor inside its arguments belongs to), or None.
    Looks back at most ``limit`` characters; strings and comments are not parsed."""
    i = offset_of(text, line, character)
    depth = 0
    stop = max(0, i - limit)
    k = i - 1
    while k >= stop:
        ch = text[k]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                j = k
                while j > 0 and text[j - 1] in " \t\n\\":
                    j -= 1
                end = j
                while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
                    j -= 1
                if j < end and _IDENT.fullmatch(text[j:end]):
                    return position_of(text, j)
                return None
            depth -= 1
        elif ch == ";" or ch == "{" or ch == "}":
            return None
        k -= 1
    return None
