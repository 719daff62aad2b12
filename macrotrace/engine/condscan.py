"""Finding a file's conditional directive lines without making tokens.

A group that ``#if`` skips costs gcc no tokens: its lexer only looks for the next
directive line.  ``scan`` does that for a whole file at once, on the text
``lexer.normalize`` gave (line endings unified, trigraphs replaced, lines spliced), and
returns where each ``#if``, ``#ifdef``, ``#ifndef``, ``#elif``, ``#elifdef``,
``#elifndef``, ``#else`` and ``#endif`` line starts: skipping a group is then a
look-up, and the file is lexed only where it is read (source.py).

It agrees with ``lexer.lex`` on what can hide a ``#`` at the start of a line, or make
one: a block comment (which may span lines: white space before the ``#`` when nothing
else is before it on its line), a line comment, a string or character literal (an
unterminated one ends at the end of its line), a raw string (which may span lines;
where one might start, the lexer's own token regex decides), ``%:`` where the language
has digraphs (``??=`` is gone already when it has trigraphs).  It also finds what the
lexer diagnoses wherever it is, skipped groups included: an unterminated comment (an
error) and unterminated literals (warnings).
"""

import re
from bisect import bisect_right

from .lexer import _regex

CONDITIONALS = frozenset(("if", "ifdef", "ifndef", "elif", "elifdef", "elifndef", "else", "endif"))

# a block comment that ends at its first */ (no backtracking can make it longer)
_COMMENT = r"/\*[^*]*\*+(?:[^/*][^*]*\*+)*/"
_BLANKS = r"(?:[ \t\f\v]+|%s)*" % _COMMENT
_LITERALS = {'"': re.compile(r'"(?:[^"\\\n]|\\.)*"', re.DOTALL),
             "'": re.compile(r"'(?:[^'\\\n]|\\.)*'", re.DOTALL)}

_PATTERNS = {}


def _patterns(lang):
    """(events, line start) regexes of one language: ``events`` finds the next thing that
    can start a comment, a literal, or a directive line; ``line start`` reads what opens
    a line (blanks and comments, then maybe a ``#`` and a name)."""
    got = _PATTERNS.get(lang)
    if got is None:
        hashes = r"#(?!#)|%:(?!%:)" if lang.digraphs else r"#(?!#)"
        opens = r"#|/\*|%:" if lang.digraphs else r"#|/\*"
        events = r"\n(?=[ \t\f\v]*(?:%s))|/[*/]|[\"']" % opens + (r'|R"' if lang.rliterals else "")
        extra = ("$" if lang.dollars else "") + ("\u0080-\ud7ff\ue000-\U0010ffff" if lang.xid else "")
        ucn = r"|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}" if lang.xid else ""
        name = r"(?:[A-Za-z_%s]%s)(?:[0-9A-Za-z_%s]%s)*" % (extra, ucn, extra, ucn)
        line = r"%s(?:(?:%s)%s(?P<name>%s)?|(?P<open>/\*))?" % (_BLANKS, hashes, _BLANKS, name)
        got = _PATTERNS[lang] = (re.compile(events), re.compile(line, re.DOTALL))
    return got


class ScanError(Exception):
    def __init__(self, line, col, message):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def scan(text, splices, lang):
    """The conditional directive lines of normalized ``text``: a list of (offset of the
    line's start, directive name, number of newlines before it in ``text``), in order;
    and the unterminated literals, as (physical line, quote).  ``splices`` are
    ``normalize``'s.  An unterminated comment raises ScanError (line, column)."""
    events, line_start = _patterns(lang)
    search = events.search
    opening = line_start.match
    conds = []
    open_literals = []
    size = len(text)
    counted_to = newlines = 0       # newlines in text[:counted_to]
    pos = 0
    at_line = 0                     # a line start to read first (the file's)
    while True:
        if at_line is not None:
            m = opening(text, at_line)
            if m.group("open") is not None:
                _unterminated_comment(text, splices, m.start("open"))
            name = m.group("name")
            if name in CONDITIONALS:
                newlines += text.count("\n", counted_to, at_line)
                counted_to = at_line
                conds.append((at_line, name, newlines))
            pos = m.end()
            at_line = None
        m = search(text, pos)
        if m is None:
            break
        q = m.start()
        c = text[q]
        if c == "\n":
            at_line = q + 1
        elif c == "/":
            if text[q + 1] == "*":
                end = text.find("*/", q + 2)
                if end < 0:
                    _unterminated_comment(text, splices, q)
                pos = end + 2
            else:
                end = text.find("\n", q)
                pos = end if end >= 0 else size
        elif c == "R":
            pos = _past_raw_candidate(text, pos, q, lang)
        else:
            lit = _LITERALS[c].match(text, q)
            if lit is not None:
                pos = lit.end()
            else:
                newlines += text.count("\n", counted_to, q)
                counted_to = q
                open_literals.append((1 + newlines + bisect_right(splices, q), c))
                end = text.find("\n", q)
                pos = end if end >= 0 else size
    return conds, open_literals


def _past_raw_candidate(text, pos, q, lang):
    """Where scanning goes on after an ``R"`` at ``q``: past the raw string if the lexer
    makes one there (``u8R"x(...)x"``), else past the token the ``R`` ends (``FOOR"``,
    the pp-number ``1.R``), whose quote is then a literal.  The lexer starts at ``pos``
    or the line's start, whichever is later: a token boundary."""
    rx = _regex(lang)
    r = max(pos, text.rfind("\n", 0, q) + 1)
    while True:
        m = rx.match(text, r)
        if m.end() > q:
            return m.end()
        r = m.end()


def _unterminated_comment(text, splices, q):
    """Raise the lexer's "unterminated comment" at the comment starting at ``q``."""
    nl = text.rfind("\n", 0, q)
    k = bisect_right(splices, q)
    line_start = max(nl + 1, splices[k - 1] if k else 0)
    raise ScanError(1 + text.count("\n", 0, q) + k, q - line_start + 1, "unterminated comment")
