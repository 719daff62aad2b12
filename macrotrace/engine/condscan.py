"""Finding conditional directive lines without making tokens: skipping a group.

A group that ``#if`` skips costs gcc no tokens: its lexer only looks for the next
directive line.  ``conditional_lines`` does that, on the text ``lexer.normalize`` gave
(line endings unified, trigraphs replaced, lines spliced): where each ``#if``,
``#ifdef``, ``#ifndef``, ``#elif``, ``#elifdef``, ``#elifndef``, ``#else`` and
``#endif`` line starts, from a line start on (source.py walks them to the group's end).

It agrees with ``lexer.lex`` on what can hide a ``#`` at the start of a line, or make
one: a block comment (which may span lines: white space before the ``#`` when nothing
else is before it on its line), a line comment, a string or character literal (an
unterminated one ends at the end of its line), a raw string (which may span lines;
where one might start, the lexer's own token regex decides), ``%:`` where the language
has digraphs (``??=`` is gone already when it has trigraphs).  It also finds what the
lexer diagnoses in skipped groups: an unterminated comment or raw string and a raw
string's bad delimiter (errors), unterminated literals (warnings).
"""

import re

from . import lexer
from .lexer import _regex, bad_raw_delimiter, identifier_classes, line_opening, next_event

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
        first, other = identifier_classes(lang)
        ucn = r"|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}" if lang.xid else ""
        name = r"(?:%s%s)(?:%s%s)*" % (first, ucn, other, ucn)
        line = r"%s(?:(?:%s)%s(?P<name>%s)?|(?P<open>/\*))?" % (_BLANKS, hashes, _BLANKS, name)
        got = _PATTERNS[lang] = (re.compile(events), re.compile(line, re.DOTALL))
    return got


class LexError(Exception):
    """What the lexer refuses in a skipped group (a comment or raw string the file ends
    in, a raw string's bad delimiter): an error at ``offset``."""

    def __init__(self, offset, message="unterminated comment"):
        super().__init__(message)
        self.offset, self.message = offset, message


def conditional_lines(text, start, lang, open_literals):
    """Yield (offset of the line's start, name, offset of the name) for each conditional
    directive line of
    normalized ``text`` from offset ``start`` (a line start) on, in order, making no
    tokens.  The offsets of unterminated literals met on the way (up to the last line
    yielded) are appended to ``open_literals``; an unterminated comment or raw string,
    or a bad raw string delimiter, raises LexError."""
    size = len(text)
    pos = start
    # compiled, scans on C characters find the next event and read a line's start
    # (lexer.next_event, lexer.line_opening), and the regexes are compiled only for a
    # line they leave to them; in pure Python the regexes are faster (as for the
    # lexer's scanner: lexer.FAST_SCAN)
    fast = lexer.FAST_SCAN
    search = opening = None
    if not fast:
        events, line_start = _patterns(lang)
        search, opening = events.search, line_start.match
    digraphs, raw, dollars = lang.digraphs, lang.rliterals, lang.dollars
    at_line = start                 # a line start to read first
    while True:
        if at_line is not None:
            got = line_opening(text, at_line, digraphs, dollars) if fast else None
            if got is None:
                if opening is None:
                    opening = _patterns(lang)[1].match
                m = opening(text, at_line)
                got = (-1, None, m.start("open")) if m.group("open") is not None else \
                    (m.end(), m.group("name"), m.start("name"))
            end, name, name_at = got
            if end < 0:
                raise LexError(name_at)
            if name in CONDITIONALS:
                yield at_line, name, name_at
            pos = end
            at_line = None
        if fast:
            q = next_event(text, pos, digraphs, raw)
            if q < 0:
                return
        else:
            m = search(text, pos)
            if m is None:
                return
            q = m.start()
        c = text[q]
        if c == "\n":
            at_line = q + 1
        elif c == "/":
            if text[q + 1] == "*":
                end = text.find("*/", q + 2)
                if end < 0:
                    raise LexError(q)
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
                open_literals.append(q)
                end = text.find("\n", q)
                pos = end if end >= 0 else size


def _past_raw_candidate(text, pos, q, lang):
    """Where scanning goes on after an ``R"`` at ``q``: past the raw string if the lexer
    makes one there (``u8R"x(...)x"``), else past the token the ``R`` ends (``FOOR"``,
    the pp-number ``1.R``), whose quote is then a literal; a raw string that does not end
    is an error (gcc's, in a skipped group too).  The lexer starts at ``pos`` or the
    line's start, whichever is later: a token boundary."""
    rx = _regex(lang)
    r = max(pos, text.rfind("\n", 0, q) + 1)
    while True:
        m = rx.match(text, r)
        if m.end() > q:
            if m.lastgroup == "open_raw":
                raise LexError(m.start(m.lastindex), "unterminated raw string")
            if m.lastgroup == "ident2" and text.startswith('"', m.end()):
                raise LexError(m.start(m.lastindex), bad_raw_delimiter(text, m.end() + 1))
            return m.end()
        r = m.end()
