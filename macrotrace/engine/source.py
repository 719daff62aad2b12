"""A file's text, lexed where it is read.

A kernel unit lexes tens of thousands of tokens in groups that ``#if`` skips, and
throws them away; gcc makes none there.  A ``Source`` holds a file's normalized text
(``lexer.normalize``) and lexes it in *chunks*, on demand: from a line start to the
end of the next directive after which a group may be skipped (``#if``, ``#ifdef``,
``#ifndef``, ``#elif``, ``#else``...), or of the file.  Skipping a group is a scan of
its text for the line that ends it (``condscan``), with no tokens made.

A position in a file is a character offset in its normalized text, at a line start:
the start of a chunk, or the line after a directive line (``Chunk.line_starts``).
That is what the segment store and the unit state cache keep: it depends on the
file's contents only, not on which groups a run skipped.

What the lexer diagnoses (an unterminated comment, a bad universal character name,
an unterminated literal) is found where the text is read or skipped, in the order of
the file; a Source keeps its chunks and skips for the file read again.
"""

from bisect import bisect_right

from .condscan import LexError, conditional_lines
from .lexer import LexDiagnostic, lex_span, normalize
from .tokens import BOL, DIRECTIVE, IDENT, PUNCT


class Chunk:
    """The tokens of one stretch of a file, from offset ``start`` to ``end``.  ``ends``:
    lexer.lex's ``directive_ends`` (for #line), ``line_starts``: the offset of the line
    after each directive line, both keyed by the index of the token after it.
    ``diagnostics``: what lexing it found (LexDiagnostic); ``open_literals``: the
    unterminated literals in it, as (line, quote)."""

    __slots__ = ("tokens", "start", "end", "ends", "line_starts", "diagnostics", "open_literals")

    def __init__(self, tokens, start, end, ends=None, line_starts=None):
        self.tokens, self.start, self.end = tokens, start, end
        self.ends = ends if ends is not None else {}
        self.line_starts = line_starts if line_starts is not None else {}
        self.diagnostics = self.open_literals = ()

    def offset(self, index):
        """The offset of the line token ``index`` starts (None: not a line this chunk
        knows the start of)."""
        if index == 0:
            return self.start
        if index >= len(self.tokens):
            return self.end
        return self.line_starts.get(index)


class Skip:
    """A skipped group: where it ends (``end``), and what the lexer would have
    diagnosed in it (as in Chunk)."""

    __slots__ = ("end", "diagnostics", "open_literals")

    def __init__(self, end, diagnostics, open_literals):
        self.end, self.diagnostics, self.open_literals = end, diagnostics, open_literals


class Source:
    __slots__ = ("path", "lang", "text", "splices", "spliced", "size", "asm_names", "chunks",
                 "skips", "_mark")

    def __init__(self, text, path, lang, asm_directives=None):
        """``text``: the file's contents.  ``asm_directives``: in assembler, the directive
        names (a ``#`` line is a directive only if it names one)."""
        self.path, self.lang = path, lang
        self.text, self.splices, self.spliced = normalize(text, lang.trigraphs)
        self.size = len(self.text)
        self.asm_names = asm_directives if lang.asm else None
        self.chunks = {}        # start offset -> Chunk
        self.skips = {}         # (start offset, directive names) -> Skip
        self._mark = (0, 0)     # (offset, newlines before it): where line counting resumes

    def chunk(self, start):
        """The chunk starting at offset ``start`` (a line start)."""
        c = self.chunks.get(start)
        if c is not None:
            return c
        line, sp = self._line_at(start)
        tokens, ends, starts, diags, unterminated = [], {}, {}, [], []
        marks = None if self.asm_names is not None else []
        where = []
        end = lex_span(self.text, self.splices, self.spliced, start, line, sp, self.path,
                       self.lang, tokens, diags, ends, marks, unterminated, starts, chunk=True,
                       where=where)
        if where:           # line counting resumes at the chunk's end (its text not counted again)
            line, sp = where
            self._mark = (end, line - 1 - sp)
        if self.asm_names is not None:
            _flag_asm_directives(tokens, self.asm_names)
        c = self.chunks[start] = Chunk(tokens, start, end, ends, starts)
        c.diagnostics = diags
        c.open_literals = [(t.line, t.text.lstrip("uUL8")[0]) for t in unterminated]
        return c

    def skip(self, start, directive_names):
        """Skip the group that starts at offset ``start`` (the line after its directive):
        gcc's skipping, nested groups skipped whole (but for an #else or #elif after their
        #else: an error), a directive the language lacks not one."""
        key = (start, directive_names)
        s = self.skips.get(key)
        if s is not None:
            return s
        literals = []
        end = self.size
        elses = []          # per nested group: its #else seen (gcc checks them too)
        diags = []
        try:
            for at, d, name_at in conditional_lines(self.text, start, self.lang, literals):
                if d == "if" or d == "ifdef" or d == "ifndef":
                    elses.append(False)
                elif d == "endif":
                    if not elses:
                        end = at
                        break
                    elses.pop()
                elif d in directive_names:
                    if not elses:
                        end = at
                        break
                    if elses[-1]:
                        diags = [self._diagnostic(name_at, "#%s after #else" % d)]
                        break
                    if d == "else":
                        elses[-1] = True
        except LexError as e:
            diags = [self._diagnostic(e.offset, e.message)]
        text = self.text
        if self.lang.xid and (text.find("\\u", start, end) >= 0 or text.find("\\U", start, end) >= 0):
            # identifiers may hold universal character names: a bad one is an error in a
            # skipped group too (the group's text is searched, not the file's: a file
            # read is mostly not skipped)
            ucn = []
            lex_span(self.text[:end], self.splices, self.spliced, start, *self._line_at(start),
                     self.path, self.lang, [], ucn)
            diags = [d for d in ucn if not d.message.startswith("unterminated ")][:1] + diags
        s = self.skips[key] = Skip(end, diags, [(self._line(q), self.text[q]) for q in literals])
        return s

    def _diagnostic(self, q, message):
        """A LexDiagnostic at offset ``q``, line and column as the lexer counts them."""
        nl = self.text.rfind("\n", 0, q)
        k = bisect_right(self.splices, q)
        line_start = max(nl + 1, self.splices[k - 1] if k else 0)
        return LexDiagnostic(self._line(q), q - line_start + 1, message)

    def _line(self, q):
        """The physical line of offset ``q``."""
        return self._line_at(q)[0]

    def _line_at(self, offset):
        """(physical line, splices passed) at ``offset``: the lexer's count there."""
        at, newlines = self._mark
        if offset >= at:
            newlines += self.text.count("\n", at, offset)
        else:
            newlines = self.text.count("\n", 0, offset)
        self._mark = (offset, newlines)
        sp = bisect_right(self.splices, offset)
        return 1 + newlines + sp, sp

    def all_tokens(self):
        """Every token of the file, skipped groups included (the lexer's whole-file
        tokens): the chunks read, and the text between them lexed now."""
        tokens = []
        starts = sorted(self.chunks)
        at = 0
        while at < self.size:
            c = self.chunks.get(at)
            if c is not None and c.end > at:
                tokens += c.tokens
                at = c.end
                continue
            k = bisect_right(starts, at)
            stop = starts[k] if k < len(starts) else None
            at = lex_span(self.text, self.splices, self.spliced, at, *self._line_at(at), self.path,
                          self.lang, tokens, [], stop=stop)
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
