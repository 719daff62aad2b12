"""Turning expanded tokens back into text, spaced the way ``gcc -E -P`` spaces them.

gcc prints a space before a token when the token had white space before it, or when a
PADDING token says the source of its spacing had, or when printing the two tokens
side by side would lex differently (``cpp_avoid_paste``).  The same rules render the
text of every trace step, so a step reads like compiler output.
"""

import re
from types import FunctionType

from .tokens import (CHAR, COUNTER_DIGITS, DIGRAPH, DIGRAPHS, EOF, IDENT, NUMBER, OTHER, PADDING,
                     PRAGMA, PREV_WHITE, PUNCT, STRING)

# Operators that form a new operator when followed by '=' (gcc: type <= CPP_LAST_EQ).
_EQ_FORMERS = {"=", "!", ">", "<", "+", "-", "*", "/", "%", "&", "|", "^", ">>", "<<"}
_FOLLOWERS = {">": ">", "<": "<%:", "+": "+", "-": "->", "/": "/*", "%": ":%", "&": "&",
              "|": "|", ":": ":>", "->": "*", "<=": ">", "#": "#%", ".": ".%"}
_C_HELPERS = False      # (compiled: printer.pxd's C test; set below)


def plain_name(text):
    """Whether identifier ``text`` prints as it is spelled: ASCII, no UCN (a backslash).
    Compiled, one C test on the string's own bytes (no method call, no substring search)."""
    if _C_HELPERS:
        return _c_plain_name(text)      # noqa: F821 (printer.pxd's C)
    return text.isascii() and "\\" not in text


_C_HELPERS = not isinstance(plain_name, FunctionType)


def avoid_paste(a, b):
    """True when printing ``a`` then ``b`` without a space would change the tokens."""
    ak, bk = a.kind, b.kind         # (kinds are the constants: compared by identity)
    c = "\0"                        # b's first character if it is a punctuator (none has NUL)
    if bk is PUNCT:
        text = b.text
        c = text[0]
    if ak is PUNCT:
        op = DIGRAPHS[a.text] if a.flags & DIGRAPH else a.text     # (Token.op, not a property call)
        if c == "=" and op in _EQ_FORMERS:
            return True
        if bk is NUMBER and op == ".":
            return True
        follow = _FOLLOWERS.get(op)
        return follow is not None and c in follow
    if ak is IDENT:
        return bk is IDENT or bk is NUMBER or bk is CHAR or bk is STRING
    if ak is NUMBER:
        return bk is NUMBER or bk is IDENT or bk is CHAR or c == "." or c == "+" or c == "-"
    if ak is OTHER:
        return a.text[0] == "\\" and bk is IDENT
    return False


class Printer:
    """Accumulates output text; ``line_change`` starts a new source line."""

    def __init__(self):
        self.parts = []
        self.prev = None
        self.source = None
        self.pending_space = False
        self.printed = False
        self.pragmas = True          # gcc -E prints no #pragma lines in assembler
        self.count = 0               # tokens printed
        self.marks = []              # indexes in ``parts`` of tokens holding __COUNTER__ values

    def line_change(self, tok):
        if self.printed:
            self.parts.append("\n")
        self.prev = None
        self.source = None
        # a pending avoid-paste survives: gcc then spaces a '#' that starts the line
        if tok.col > 2:
            self.parts.append(" " * (tok.col - 2))
        self.printed = True

    def directive_line(self, text):
        if self.printed:
            self.parts.append("\n")
        self.parts.append(text)
        self.parts.append("\n")
        self.printed = False
        self.prev = None
        self.source = None
        self.pending_space = False

    def token(self, tok):
        kind = tok.kind
        if kind is PADDING:
            self.pending_space = True
            src = self.source
            if src is None or (not src.flags & PREV_WHITE and tok.source is None):
                self.source = tok.source
            return
        if kind is PRAGMA:
            self.directive_line("#pragma " + tok.text if self.pragmas else "")
            return
        parts = self.parts
        if self.pending_space:
            src = self.source or tok
            prev = self.prev
            if src.flags & PREV_WHITE or (prev is not None and avoid_paste(prev, tok)) \
                    or (prev is None and tok.is_op("#")):
                parts.append(" ")
        elif tok.flags & PREV_WHITE:
            parts.append(" ")
        self.pending_space = False
        self.source = None
        self.prev = tok
        text = tok.text
        if kind is IDENT and not plain_name(text):
            text = ucn_spelling(text)       # (printed(tok), inline: one call less a token)
        if tok.flags & COUNTER_DIGITS:
            self.marks.append(len(parts))
        parts.append(text)
        self.printed = True
        self.count += 1

    def drain(self):
        """The text pieces printed since the last call (a token, its white space, a new
        line, a directive line), in order."""
        parts = self.parts
        self.parts = []
        return parts

    def state(self):
        """(the text so far, whether a line is open): a plain value to resume from."""
        return "".join(self.parts), self.printed

    def resume(self, saved):
        text, printed = saved
        self.parts = [text]
        self.printed = printed

    def text(self):
        if self.printed:
            self.parts.append("\n")
            self.printed = False
        return "".join(self.parts)


def printed(tok):
    r"""How one real token prints (a _Pragma's result is a whole #pragma line; an
    identifier with letters beyond ASCII as gcc 12 prints it: π as \U000003c0)."""
    kind = tok.kind
    if kind is IDENT:
        text = tok.text
        return text if plain_name(text) else ucn_spelling(text)
    return "#pragma " + tok.text if kind is PRAGMA else tok.text


_UCN = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def ucn_spelling(ident):
    r"""gcc -E's spelling of an extended identifier: each character beyond ASCII (written
    in UTF-8 or as a UCN) as \UXXXXXXXX."""
    text = _UCN.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), ident)
    return "".join(c if c < "\x80" else "\\U%08x" % ord(c) for c in text)


def render(tokens):
    """One-line text of a token sequence (PADDING tokens decide the spaces)."""
    if len(tokens) == 1:            # most macro arguments: no spacing to decide
        t = tokens[0]
        if t.kind is not PADDING and t.kind is not EOF:
            return printed(t)
    return _render(tokens, None)


def render_offsets(tokens):
    """Like ``render``, and the real (printed) tokens with where each starts."""
    offsets = ([], [])
    text = _render(tokens, offsets)
    return (text,) + offsets


def _render(tokens, offsets):
    """The one rendering loop (on a trace's hot path: keep it tight)."""
    parts = []
    length = 0
    prev = None
    source = None
    pending = False
    if offsets is not None:
        real, starts = offsets
    for t in tokens:
        kind = t.kind
        if kind is PADDING:
            pending = True
            if source is None or (not source.flags & PREV_WHITE and t.source is None):
                source = t.source
            continue
        if kind is EOF:             # the end of an argument or line: prints nothing
            continue
        text = t.text
        if kind is IDENT:
            text = printed(t)
        if kind is PRAGMA:
            text = printed(t)
            space = prev is not None
        elif pending:
            src = source or t
            space = bool(src.flags & PREV_WHITE) or (prev is not None and avoid_paste(prev, t)) \
                or (prev is None and t.is_op("#"))
        else:
            space = bool(t.flags & PREV_WHITE)
        if space and length:
            parts.append(" ")
            length += 1
        parts.append(text)
        if offsets is not None:
            real.append(t)
            starts.append(length)
        length += len(text)
        pending = False
        source = None
        prev = t
    return "".join(parts)


def space_after(end, tok):
    """Whether the renderer puts a space before ``tok`` printed after a text whose end
    is ``end``: (last real token, paddings follow it, their spacing source), or None
    for a text with nothing printed (no leading space)."""
    if end is None:
        return False
    prev, padded, source = end
    if not padded:
        return bool(tok.flags & PREV_WHITE)
    src = source or tok
    return bool(src.flags & PREV_WHITE) or avoid_paste(prev, tok)
