"""A file's text, lexed where it is read.

A kernel unit lexes hundreds of thousands of tokens in groups that ``#if`` skips and
throws them away; gcc makes none there.  A ``Source`` holds a file's normalized text
(``lexer.normalize``) and its conditional directive lines (``condscan.scan``), and
lexes *chunks* on demand: from a line start up to the end of the next conditional
directive line, which is where the preprocessor may start skipping.  Skipping a group
is then a walk over the scanned lines (``group_end``) and a jump to an offset.

A position in a file is a character offset in its normalized text, at a line start:
the start of a chunk, or the line after a directive line (``Chunk.line_starts``).
That is what the segment store and the unit state cache keep: it depends on the
file's contents only, not on which groups a run skipped.
"""

from bisect import bisect_left, bisect_right

from .condscan import ScanError, scan
from .lexer import lex_span, normalize
from .tokens import BOL, DIRECTIVE, IDENT, PUNCT


class Chunk:
    """The tokens of one stretch of a file, from ``start`` to ``end`` (offsets).
    ``ends``: lexer.lex's ``directive_ends`` (for #line), ``line_starts``: the offset of
    the line after each directive line, both keyed by the index of the token after it."""

    __slots__ = ("tokens", "start", "end", "ends", "line_starts")

    def __init__(self, tokens, start, end, ends, line_starts):
        self.tokens, self.start, self.end = tokens, start, end
        self.ends, self.line_starts = ends, line_starts

    def offset(self, index):
        """The offset of the line token ``index`` starts (None: not a line this chunk
        knows the start of)."""
        if index == 0:
            return self.start
        if index >= len(self.tokens):
            return self.end
        return self.line_starts.get(index)


class Source:
    __slots__ = ("path", "lang", "text", "splices", "spliced", "size", "conds", "offsets",
                 "open_literals", "asm_names", "chunks")

    def __init__(self, text, path, lang, asm_directives=None):
        """``text``: the file's contents.  Raises condscan.ScanError on an unterminated
        comment.  ``asm_directives``: in assembler, the directive names (a ``#`` line is
        a directive only if it names one)."""
        self.path, self.lang = path, lang
        self.text, self.splices, self.spliced = normalize(text, lang.trigraphs)
        self.size = len(self.text)
        try:
            self.conds, self.open_literals = scan(self.text, self.splices, lang)
            error = None
        except ScanError as e:
            error = e
        if error is not None or lang.xid and ("\\u" in self.text or "\\U" in self.text):
            # what the lexer diagnoses first (a bad UCN in an identifier, skipped or not)
            diags = []
            self._lex_all(diags)
            if diags:
                raise ScanError(diags[0].line, diags[0].col, diags[0].message)
            if error is not None:
                raise error
        self.offsets = [c[0] for c in self.conds]
        self.asm_names = asm_directives if lang.asm else None
        self.chunks = {}

    def chunk(self, start):
        """The chunk starting at offset ``start`` (a line start)."""
        c = self.chunks.get(start)
        if c is None:
            c = self.chunks[start] = self._lex(start)
        return c

    def _lex(self, start):
        k = bisect_left(self.offsets, start)
        stop = self.offsets[k] if k < len(self.offsets) else self.size + 1
        line, sp = self._line_at(start, k)
        tokens, ends, starts = [], {}, {}
        marks = None if self.asm_names is not None else []
        end = lex_span(self.text, self.splices, self.spliced, start, stop, line, sp, self.path,
                       self.lang, tokens, [], ends, marks, None, starts)
        if self.asm_names is not None:
            _flag_asm_directives(tokens, self.asm_names)
        return Chunk(tokens, start, end, ends, starts)

    def _line_at(self, offset, k):
        """(physical line, splices passed) at ``offset``, a line start; ``k``: the index of
        the first conditional line at or after it (counting starts from the one before)."""
        text = self.text
        if k < len(self.conds) and self.conds[k][0] == offset:
            newlines = self.conds[k][2]
        elif k:
            at, _, before = self.conds[k - 1]
            newlines = before + text.count("\n", at, offset)
        else:
            newlines = text.count("\n", 0, offset)
        sp = bisect_right(self.splices, offset)
        return 1 + newlines + sp, sp

    def group_end(self, offset, directive_names):
        """The offset of the ``#elif``/``#else``/``#endif`` line that ends the group being
        skipped from ``offset`` (gcc's skipping: nested groups are skipped whole; a
        directive the language lacks is not one), or the end of the file."""
        conds = self.conds
        depth = 0
        for k in range(bisect_left(self.offsets, offset), len(conds)):
            at, d, _ = conds[k]
            if d == "if" or d == "ifdef" or d == "ifndef":
                depth += 1
            elif d == "endif":
                if depth == 0:
                    return at
                depth -= 1
            elif depth == 0 and d in directive_names:
                return at
        return self.size

    def all_tokens(self):
        """Every token of the file, skipped groups included (the lexer's whole-file
        tokens)."""
        return self._lex_all([])

    def _lex_all(self, diags):
        tokens = []
        lex_span(self.text, self.splices, self.spliced, 0, self.size + 1, 1, 0, self.path,
                 self.lang, tokens, diags)
        return tokens


def _flag_asm_directives(tokens, names):
    """Flag the directive lines of assembler (the lexer does it for C): a ``#`` line is
    one only if it names a directive."""
    in_dir = False
    n = len(tokens)
    for i, t in enumerate(tokens):
        if t.flags & BOL:
            in_dir = t.kind == PUNCT and t.op == "#"
            if in_dir and i + 1 < n and not tokens[i + 1].flags & BOL:
                name = tokens[i + 1]
                in_dir = name.kind == IDENT and name.text in names
        if in_dir:
            t.flags |= DIRECTIVE
