"""Preprocessing tokens: the unit every other engine module works on.

A token is deliberately small (``__slots__``) because a kernel translation unit
makes hundreds of thousands of them.  Tokens read from a file are never mutated
once lexed; when the expander needs a different flag it makes a copy, as gcc's
cpplib does.
"""

# Token kinds.  Plain interned strings: cheap to compare, readable in a debugger.  A
# token's kind is always one of these objects (Token() makes an equal string the
# constant itself), so the engine compares kinds with ``is``: one pointer, where ``==``
# on two different strings compares their characters.
IDENT = "ident"
NUMBER = "number"        # a pp-number: 12, 0x1f, 1.5e+3, 12abc
CHAR = "char"            # 'a', L'a', u'a', U'a'
STRING = "string"        # "a", L"a", u8"a", u"a", U"a", R"(raw)"
PUNCT = "punct"          # operators and punctuators, digraphs included
OTHER = "other"          # a stray character gcc lexes as CPP_OTHER (`@`, a lone quote...)
PADDING = "padding"      # gcc's CPP_PADDING: spacing information only, never printed
EOF = "eof"              # end of a macro argument or of a directive line
MACRO_ARG = "macro_arg"  # a parameter inside a macro's replacement list
PRAGMA = "pragma"        # a #pragma line made by _Pragma("..."): text is what follows #pragma

_KINDS = {k: k for k in (IDENT, NUMBER, CHAR, STRING, PUNCT, OTHER, PADDING, EOF, MACRO_ARG, PRAGMA)}

# Flags (bit set).
PREV_WHITE = 1      # white space (or a comment) before this token
BOL = 2             # first token of a logical source line
NO_EXPAND = 4       # "painted blue": this identifier will never be expanded again
PASTE_LEFT = 8      # in a replacement list: this token is the left operand of ##
STRINGIFY = 16      # MACRO_ARG only: the parameter is the operand of #
DIGRAPH = 32        # punctuator spelled as a digraph (<: :> <% %> %: %:%:)
UNTERMINATED = 64   # OTHER only: an unterminated string or character literal
INDENTED = 128      # BOL token that had white space before it on its line
DIRECTIVE = 256     # part of a directive line (set by the lexer or the preprocessor)
COUNTER_DIGITS = 512  # its text holds a __COUNTER__ value (reuse.py relocates a segment's)

DIGRAPHS = {"<:": "[", ":>": "]", "<%": "{", "%>": "}", "%:": "#", "%:%:": "##"}


class Token:
    """One preprocessing token.

    ``line``/``col``/``file`` are the spelling location for tokens read from a
    file (1-based).  ``source`` is only used by PADDING tokens: the token whose
    PREV_WHITE decides whether a space is printed (None means gcc's
    ``avoid_paste`` padding) -- and by an identifier written with UCNs, whose ``text``
    is its name (macro\u5B57 is macro字): its spelling, which ``#`` keeps.
    ``argno`` is only used by MACRO_ARG tokens.
    """

    __slots__ = ("kind", "text", "flags", "line", "col", "file", "source", "argno")

    def __init__(self, kind, text, flags=0, line=0, col=0, file=None):
        self.kind = _KINDS.get(kind, kind)      # (the constant: see the kinds above)
        self.text = text
        self.flags = flags
        self.line = line
        self.col = col
        self.file = file
        self.source = None
        self.argno = -1

    def copy(self, flags=None):
        t = Token.__new__(Token)
        t.kind = self.kind
        t.text = self.text
        t.flags = self.flags if flags is None else flags
        t.line = self.line
        t.col = self.col
        t.file = self.file
        t.source = self.source
        t.argno = self.argno
        return t

    @property
    def op(self):
        """The punctuator this token stands for (digraphs mapped to their meaning)."""
        if self.flags & DIGRAPH:
            return DIGRAPHS[self.text]
        return self.text

    def is_op(self, op):
        return self.kind is PUNCT and (self.text == op or (self.flags & DIGRAPH and DIGRAPHS[self.text] == op))

    def __repr__(self):
        if self.kind is PADDING:
            return "Token(padding, source=%r)" % (self.source.text if self.source else None)
        return "Token(%s, %r, flags=%d, %s:%d)" % (self.kind, self.text, self.flags, self.file, self.line)


def padding(source):
    """A padding token inheriting its spacing from ``source`` (None: avoid-paste)."""
    t = Token.__new__(Token)  # (Token(PADDING, ""), without the type call: one per expansion;
    #                           compiled, tp_new itself, not a call of the Python-level __new__)
    t.kind = PADDING
    t.text = ""
    t.flags = t.line = t.col = 0
    t.file = None
    t.source = source
    t.argno = -1
    return t


def new_token(kind, text, flags, line, col, file):
    """``Token(kind, text, flags, line, col, file)`` without the type call and __init__'s
    argument parsing (the lexer makes one per token: compiled, tp_new and C members);
    ``kind`` is one of the kind constants."""
    t = Token.__new__(Token)
    t.kind, t.text, t.flags, t.line, t.col, t.file = kind, text, flags, line, col, file
    t.source = None
    t.argno = -1
    return t


def eof_token(line=0, file=None):
    return Token(EOF, "", 0, line, 0, file)

