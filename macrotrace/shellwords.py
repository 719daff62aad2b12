"""A compiler command line split into its words as ``shlex.split`` splits it (POSIX
rules, no comments), by a regular expression instead of shlex's character-at-a-time
loop: a Kbuild ``.o.cmd`` command (~2,300 characters) took shlex ~1 ms of every kernel
run, this ~0.05 ms.  What the expression cannot take whole (an unclosed quote, a
backslash at the end) is left to shlex, for its error.
"""

import re

_BLANK = " \t\r\n"          # (shlex's whitespace: no other white space separates words)
# a word: pieces without a blank between them; a piece is a run of plain characters, a
# single-quoted string (all literal), a double-quoted string (a backslash escapes only a
# double quote or a backslash) or a backslash and the character it escapes
_WORD = re.compile(r"""(?:[^ \t\r\n'"\\]+|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)+""", re.S)
_PIECE = re.compile(r"""[^ \t\r\n'"\\]+|'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)""", re.S)
_IN_DOUBLE = re.compile(r"""\\(["\\])""")


def _unquote(m):
    single, double, escaped = m.groups()
    if single is not None:
        return single
    if double is not None:
        return _IN_DOUBLE.sub(r"\1", double)
    if escaped is not None:
        return escaped
    return m.group()


def split(command):
    """``shlex.split(command)``."""
    words = []
    at, end = 0, len(command)
    while True:
        while at < end and command[at] in _BLANK:
            at += 1
        if at == end:
            return words
        m = _WORD.match(command, at)
        if m is None or (m.end() < end and command[m.end()] not in _BLANK):
            import shlex            # (the cases it rejects, with its message)
            return shlex.split(command)
        words.append(_PIECE.sub(_unquote, m.group()))
        at = m.end()
