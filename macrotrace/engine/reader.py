"""The file reader under the expander: the next token of the current file, directive
lines cut out and handed to the preprocessor.

``Reader`` is the base class of the preprocessor (``preprocessor.Engine``): ``next``,
which the expander calls for every token a file gives (a kernel unit: ~140,000, and
~20,000 directive lines), ``directive_line`` and ``handle_directive``'s dispatch.  The
state they read at every token (the file stack, the pushed-back token, the printer,
whether the unit's state is still to be saved) are its attributes; everything else —
what happens at a chunk's or a file's end, the directives themselves — stays the
preprocessor's.  ``FileState`` is one open file.  Compiled (see engine/compiled.py,
``reader.pxd``), both are extension types whose fields are C members, and ``next``'s
loop runs on them; pure Python, they are the same code.
"""

import os

from .diagnostics import error_at
from .macros import DefinitionError, parse_define
from .source import Chunk
from .tokens import BOL, DIRECTIVE, IDENT, NUMBER, PREV_WHITE

# Detecting an include guard (gcc's multiple-include optimisation), per file:
GUARD_START = 0       # nothing but white space and comments read yet
GUARD_OPEN = 1        # inside the #ifndef X / #if !defined X that opened the file
GUARD_CLOSED = 2      # after its #endif, nothing read since
NOT_GUARDED = -1      # something else: the file is not guarded
_START, _CLOSED, _NOT = GUARD_START, GUARD_CLOSED, NOT_GUARDED     # (C values, compiled)

_HANDLED = frozenset(("define", "undef", "include", "include_next", "import"))


_NO_CHUNK = Chunk([], 0, 0)       # (a file not read yet)


class FileState:
    __slots__ = ("tokens", "pos", "chunk", "src", "path", "dir", "chain_index", "ifstack",
                 "guard", "guard_state", "line_delta", "presumed", "includer", "markers",
                 "digest", "data", "cached", "lazy", "seg", "rows", "outer_chain")

    def __init__(self, path, chain_index, src=None):
        # the file is lexed a chunk at a time (source.py): ``tokens`` are the current
        # chunk's, ``pos`` the index of the next one in them
        self.src = src          # a source.Source (None: not read yet)
        self.chunk = _NO_CHUNK
        self.tokens = []
        self.pos = 0
        self.path = path
        self.dir = os.path.dirname(path)
        self.chain_index = chain_index
        self.ifstack = []
        self.guard = None
        self.guard_state = GUARD_START
        self.line_delta = 0
        self.presumed = path
        self.includer = None    # the presumed name of the including file (line markers' flag 2)
        self.markers = []       # names line markers with flag 1 entered from
        # per-header reuse (segments.py): a header is read lazily, its tokens only
        # when a segment of it is not replayed
        self.digest = None      # sha1 of its contents
        self.lazy = False       # not lexed yet (``tokens`` is empty until it is)
        self.data = None        # its bytes, if read already
        self.cached = None      # its Source, made earlier, not taken yet
        self.seg = False        # at a segment's start: look for a recorded one first
        self.rows = ()          # ``ifstack`` as reuse._file_state describes it, while lazy
        self.outer_chain = None  # the #if chain of the files under it (Reader._chain)

    def offset(self, index=None):
        """The position of token ``index`` of the chunk (the next one by default) as an
        offset in the file's text (None: not at a line start the chunk knows)."""
        return self.chunk.offset(self.pos if index is None else index)

    def enter(self, chunk):
        self.chunk = chunk
        self.tokens = chunk.tokens
        self.pos = 0


class Reader:
    """The preprocessor's token source (the expander's base): see the module's doc.
    The preprocessor sets ``files``, ``pushback``, ``last``, ``printer``, ``eof`` and
    ``_preamble_pending``, and gives ``file_end``, ``_end_of_preamble`` and the
    ``do_*`` handlers."""

    def next(self, parsing_args=0):
        """The expander's base: next token of the current file, directives done.
        ``parsing_args`` is the expander's (gcc's ``pfile->state.parsing_args``): a
        directive ends the search for a ``(`` and is processed inside arguments."""
        while True:
            tok = self.pushback
            if tok is not None:
                self.pushback = None
            else:
                files = self.files
                if not files:
                    return self.eof
                f = files[-1]
                if f.pos >= len(f.tokens):
                    tok = self.file_end(f, parsing_args)
                    if tok is None:
                        continue
                    return tok
                tok = f.tokens[f.pos]
                f.pos += 1
                if f.line_delta:
                    tok = tok.copy()
                    tok.line += f.line_delta
            flags = tok.flags
            if self._preamble_pending and not flags & DIRECTIVE and len(self.files) == 1:
                self._end_of_preamble(tok)
            if flags & BOL:
                if flags & DIRECTIVE and parsing_args != 1:
                    self.handle_directive(self.files[-1], tok)
                    continue
                if parsing_args == 0:
                    if self.printer is not None:
                        self.printer.line_change(tok)
                elif parsing_args == 2 and not flags & PREV_WHITE:
                    tok = tok.copy(flags | PREV_WHITE)
            self.last = tok
            files = self.files
            if files:
                f = files[-1]
                if f.guard_state == _START or f.guard_state == _CLOSED:
                    f.guard_state = _NOT              # code outside the guard's #ifndef
            return tok

    def _chain(self):
        """``tuple(condition_chain())``, made again only when it may have changed (a kernel
        unit defines ~16,000 macros, most of them under the same #if).  Only the top
        file's stack can change while it is on top, and only at its top: the key is that
        file, its stack, its depth and its top branch, held (so none is another's id),
        and the number of files."""
        files = self.files
        if not files:
            return ()
        f = files[-1]
        stack = f.ifstack
        depth = len(stack)
        top = stack[-1].conditions[-1] if depth else None
        if self._chain_value is not None and self._chain_file is f and self._chain_stack is stack \
                and self._chain_depth == depth and self._chain_top is top \
                and self._chain_files == len(files):
            return self._chain_value
        # the files under it cannot change while it is on top: their part is kept with it
        outer = f.outer_chain
        if outer is None:
            outer = f.outer_chain = tuple(self.condition_chain(files[:-1]))
        value = self._chain_value = outer + tuple(self.condition_chain([f])) if depth else outer
        self._chain_file, self._chain_stack, self._chain_depth = f, stack, depth
        self._chain_top, self._chain_files = top, len(files)
        return value

    def backup(self):
        self.pushback = self.last

    def directive_line(self, f, hash_tok):
        """The tokens of the directive line ``hash_tok`` (its ``#``) starts, after the
        ``#``; ``f`` reads on after the line."""
        toks = f.tokens
        i = f.pos
        j = i
        n = len(toks)
        while j < n:
            t = toks[j]
            if t.flags & BOL:
                break
            j += 1
        f.pos = j
        line = toks[i:j]
        if f.line_delta:
            line = [t.copy() for t in line]
            for t in line:
                t.line += f.line_delta
        return line

    def do_define(self, f, name_tok, args):
        if not args:
            raise error_at(name_tok, "no macro name given in #define directive")
        try:
            macro = parse_define(args, (name_tok.file, name_tok.line), self._asm)
        except DefinitionError as e:
            raise error_at(e.token or name_tok, e.message)
        self._install(macro, args[0])

    def _install(self, macro, name_tok):
        """Make ``macro`` its name's definition (``#define``, ``define``), warning as gcc
        does about a redefinition."""
        expander = self.expander
        old = expander.macros.get(macro.name)
        if old is not None:
            if old.builtin is not None:
                self.warn('redefining builtin "%s"' % macro.name, name_tok)
            elif not old.same_as(macro):
                self.warn('"%s" redefined' % macro.name, name_tok)
        macro.conditions = self._chain()
        expander.define(macro)
        if self._hears_definitions:
            self.listener.macro_defined(macro)

    def handle_directive(self, f, hash_tok):
        line = self.directive_line(f, hash_tok)
        if f.line_delta:
            hash_tok = hash_tok.copy()
            hash_tok.line += f.line_delta
        if not line:
            return                              # the null directive
        name_tok = line[0]
        args = line[1:]
        if name_tok.kind is NUMBER:             # GNU line marker: # 33 "file"
            return self.do_line(f, name_tok, line)
        if name_tok.kind is not IDENT:
            return self.bad_directive(name_tok, args, hash_tok)
        name = name_tok.text
        if f.guard_state == GUARD_START:
            f.guard_state = GUARD_OPEN if name == "ifndef" or name == "if" else NOT_GUARDED
        elif f.guard_state == GUARD_CLOSED:
            f.guard_state = NOT_GUARDED
        handlers = self._handlers           # name -> do_name, bound once a name
        if handlers is None:
            handlers = self._handlers = {}
        handler = handlers.get(name)
        if handler is None:
            handler = getattr(self, "do_" + name, None) if name in self.directive_names else None
            if handler is None:
                return self.bad_directive(name_tok, args, hash_tok)
            handlers[name] = handler
        if name in _HANDLED and "on_directive_handle" in self.overridden \
                and not self._directive_wanted(name_tok, args, hash_tok):
            return
        handler(f, name_tok, args)
