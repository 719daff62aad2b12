"""Macro expansion, following gcc's cpplib (libcpp/macro.cc) step for step.

Why a port and not pcpp's expander: pcpp 1.30 expands recursively on token lists, so
it cannot reproduce gcc's rescanning-with-the-rest-of-the-source (``f(2)(9)``), its
painting of disabled macro names, its argument pre-expansion order (which fixes the
``__COUNTER__`` values), its spacing inside ``#`` results, ``__VA_OPT__`` or the
``, ## __VA_ARGS__`` rules.  The tests in tests/test_conformance.py pin each of these.

The model is gcc's: a stack of token *contexts* above a *base* source (the file
reader, or a directive's tokens).  A macro's replacement is pushed as a context and
read lazily; a context is popped only when a read finds it empty, which is when its
macro becomes expandable again.  PADDING tokens carry spacing exactly as gcc's
CPP_PADDING do, so stringification and printed spacing match.

The names (get_token = cpp_get_token_1, enter_macro_context, funlike_invocation,
collect_args, expand_arg, replace_args, paste_all, stringify_arg, builtin_macro...) and
the order of the steps inside them are gcc's on purpose: a difference from gcc is
found by reading the two side by side.  Keep them.

Differences from gcc's code that do not change results: ``##`` is applied when the
replacement list is built instead of when its left operand is read (pasting is pure,
and the padding/avoid-paste tokens gcc's lazy paste produces are emitted the same way).
"""

import time
from types import FunctionType

from . import tokens as T
from .lang import DEFAULT
from .lexer import relex_single
from .macros import MacroDef
from .reader import Reader
from .tokens import (CHAR, COUNTER_DIGITS, DIGRAPH, DIGRAPHS, EOF, IDENT, MACRO_ARG, NO_EXPAND, NUMBER,
                     OTHER, PADDING, PASTE_LEFT, PREV_WHITE, PUNCT, STRING, STRINGIFY, Token, padding)

AVOID_PASTE = padding(None)          # gcc's pfile->avoid_paste
ENDARG = T.eof_token()               # gcc's pfile->endarg: the EOF closing a macro argument
# How deep arguments pre-expanded inside arguments (and builtins' operands read inside
# them) may nest: f(f(f(...))).  Each level is a recursion of expand_arg; the bound is
# the expander's own so that the pure-Python and the compiled expander (whose C calls
# Python's recursion limit does not see: it would overflow the C stack) stop at the same
# depth, below Python's limit.
MAX_NESTING = 200

# Compiled, the expander keeps the names ever made a macro in a C set (expander.pxd), so
# an interned name never defined (most identifiers: types, functions, members) is not
# looked up in the macro table at every token; pure Python looks every name up.
MAX_NAMED = 1 << 20
_MAX_NAMED = MAX_NAMED          # (a C integer, compiled)


class ExpansionError(Exception):
    """A fatal expansion problem (the caller turns it into a file:line message)."""

    def __init__(self, message, token=None):
        super().__init__(message)
        self.message = message
        self.token = token


class Context:
    """Tokens still to be read from one macro expansion (or argument, or padding)."""

    __slots__ = ("tokens", "pos", "macro", "line", "lines", "exp")

    def __init__(self, tokens, macro, line, lines=None, exp=None):
        self.tokens = tokens
        self.pos = 0
        self.macro = macro      # name of the macro whose expansion this is part of
        self.line = line        # expansion point line (what __LINE__ resolves to)
        self.lines = lines      # per-token lines (argument contexts only)
        self.exp = exp          # trace record id of the expansion that made it, or None


class MacroArg:
    """One argument as collected: ``tokens``, and ``lines`` the line of each token, or
    the one line of them all (an int: most arguments are on one line, and a list of
    line numbers, one int a token, is then not made)."""

    __slots__ = ("tokens", "lines", "expanded", "stringified", "omitted")

    def __init__(self, tokens, lines):
        self.tokens = tokens
        self.lines = lines
        self.expanded = None
        self.stringified = None
        self.omitted = False


def _finish_arg(args, toks, lines, line):
    """An argument collected: its trailing padding dropped (``lines``: the line of each
    token, None when all are on ``line``)."""
    while toks:
        last = toks[-1]
        if last.kind is not PADDING:
            break
        toks.pop()
        if lines is not None:
            lines.pop()
    args.append(new_arg(toks, lines if lines is not None else line))


def new_arg(tokens, lines):
    """``MacroArg(tokens, lines)`` without the type call (compiled: tp_new, C members)."""
    arg = MacroArg.__new__(MacroArg)
    arg.tokens = tokens
    arg.lines = lines
    arg.expanded = None
    arg.stringified = None
    arg.omitted = False
    return arg


def new_context(tokens, macro, line, lines, exp):
    """``Context(tokens, macro, line, lines, exp)`` without the type call (one a
    macro expansion, argument or padding pushed)."""
    ctx = Context.__new__(Context)
    ctx.tokens = tokens
    ctx.pos = 0
    ctx.macro = macro
    ctx.line = line
    ctx.lines = lines
    ctx.exp = exp
    return ctx


_C_NAMED = not isinstance(new_context, FunctionType)     # (this module compiled)


# what VaOpt.update says of a token (module constants: C values compiled)
VAOPT_INCLUDE = 0
VAOPT_DROP = 1
VAOPT_BEGIN = 2
VAOPT_END = 3


class VaOpt:
    """gcc's vaopt_state: where __VA_OPT__(...) is, and whether its content is kept."""

    __slots__ = ("expander", "variadic", "arg", "state", "update_kind")

    def __init__(self, expander, variadic, arg):
        self.expander = expander
        self.variadic = variadic
        self.arg = arg
        self.state = 0
        self.update_kind = -1       # (not decided yet)

    def update(self, tok):
        if not self.variadic:
            return VAOPT_INCLUDE
        if tok.kind is IDENT and tok.text == "__VA_OPT__":
            self.state = 1
            return VAOPT_BEGIN
        if self.state == 1:
            self.state = 2
            if self.update_kind == -1:
                arg = self.arg
                self.update_kind = VAOPT_DROP
                if arg.expanded is None:
                    self.expander.expand_arg(arg)
                for t in arg.expanded or ():
                    if t.kind is not PADDING:
                        self.update_kind = VAOPT_INCLUDE
                        break
            return VAOPT_DROP
        if self.state >= 2:
            if self.state == 2:
                self.state = 3
            if tok.is_op("("):
                self.state += 1
            elif tok.is_op(")"):
                self.state -= 1
                if self.state == 2:
                    self.state = 0
                    return VAOPT_END
            return self.update_kind
        return VAOPT_INCLUDE


class ListSource:
    """A directive's tokens as the expander's base source (ends with EOF forever)."""

    __slots__ = ("tokens", "pos", "eof")

    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0
        last = tokens[-1] if tokens else None
        self.eof = T.eof_token(last.line if last else 0, last.file if last else None)

    def next(self, parsing_args=0):
        if self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            return tok
        self.pos = len(self.tokens) + 1
        return self.eof

    def backup(self):
        self.pos -= 1


class _Reading:
    """``with expander.reading(tokens):`` -- expand a directive's tokens (gcc's
    ``pfile->state.in_directive``) and come back to the file exactly as it was."""

    __slots__ = ("exp", "tokens", "saved")

    def __init__(self, exp, tokens):
        self.exp = exp
        self.tokens = tokens

    def __enter__(self):
        exp = self.exp
        self.saved = (exp.base, exp.in_directive, exp.parsing_args, exp.prevent_expansion,
                      exp.about_to_expand, exp.recorder, len(exp.contexts))
        exp.base = ListSource(self.tokens)
        exp.in_directive = True
        exp.parsing_args = 0
        exp.prevent_expansion = 0
        exp.about_to_expand = False
        exp.recorder = None           # what a directive expands is not part of a trace
        return exp

    def __exit__(self, *exc):
        exp = self.exp
        saved = self.saved
        while len(exp.contexts) > saved[6]:
            exp.pop_context()
        (exp.base, exp.in_directive, exp.parsing_args, exp.prevent_expansion,
         exp.about_to_expand, exp.recorder, _) = saved
        return False


class _Unexpanded:
    __slots__ = ("exp",)

    def __init__(self, exp):
        self.exp = exp

    def __enter__(self):
        self.exp.prevent_expansion += 1
        return self.exp

    def __exit__(self, *exc):
        self.exp.prevent_expansion -= 1
        return False


class Expander:
    """Expands macros from a base token source, gcc style.

    The expander owns the macro table (``macros``: name -> MacroDef, read it freely,
    change it only through ``define``/``undefine``/``restore``), ``__COUNTER__`` and its
    context stack; nothing outside reads or writes its other attributes.  The base
    source must provide ``next(parsing_args)`` (an EOF token when exhausted;
    ``parsing_args`` is gcc's: 1 while looking for the ``(`` of a function-like macro,
    2 while collecting its arguments) and ``backup()`` (un-read the last token).
    ``hooks`` supplies what the expander cannot know: the current file for __FILE__,
    include depth, __has_attribute/__has_include answers.  ``lang`` (lang.LangOptions):
    the language's lexing and rules (-std, -x; pasting relexes with it).

    Its public face: ``get_token`` and friends, ``reading``, ``define``/``undefine``/
    ``state``/``restore``, ``idle``, ``error``/``take_diagnostic``, and two attributes to
    read, never to set: ``macros`` and ``diagnostics`` (the errors not taken yet: the
    driver tests it at every token, so it is a list, not a call).
    """

    def __init__(self, hooks, base=None, recorder=None, max_expansions=1_000_000, lang=DEFAULT):
        self.macros = {}
        self._named_table = self.macros   # the table whose names define/restore noted
        self.hooks = hooks
        self.base = base
        # the base when it is the file reader (reader.Reader): called directly, compiled
        self.reader = base if isinstance(base, Reader) else None
        self.contexts = []
        self.disabled = set()
        self.prevent_expansion = 0
        self.parsing_args = 0
        self.in_directive = False
        self.about_to_expand = False
        self.invocation_line = 0
        self.invocation_token = None
        self.top_most_fun_like = False
        self.cur_line = 0
        self.counter = 0
        self.recorder = recorder      # recorder.Recorder, while tracing is wanted
        if recorder is not None:
            recorder.attach(self)
        self.diagnostics = []
        self.expansions = 0          # replacements in the current top-level invocation
        self.max_expansions = max_expansions
        self._paste_cache = {}
        self.lang = lang             # lang.LangOptions: the language's lexing and rules (-std, -x)
        self.ignore_pragma = 0       # gcc's state.ignore__Pragma: >0 while pre-expanding an argument
        self.nesting = 0             # expand_arg/builtin_macro calls in progress (MAX_NESTING)
        # while the preprocessor records a segment (segments.py), what it depends on:
        self.reads = None            # set: every macro name looked up (a set's add costs a
                                     # third of a dict's insertion: ~200,000 a cold unit)
        self.written = None          # dict: name -> its definition before the segment changed it
        self.used = None             # set: the builtins expanded

    # ------------------------------------------------------------------ the macro table
    def define(self, macro):
        """Install ``macro`` (replacing any definition of its name); the old one or None."""
        name = macro.name
        old = self.macros.get(name)
        if self.written is not None:
            self.reads.add(name)
            if name not in self.written:
                self.written[name] = old
        self.macros[name] = macro
        if _C_NAMED:
            _c_note_named(name, _MAX_NAMED)      # noqa: F821 (expander.pxd's C)
        self._paste_cache.clear()
        return old

    def define_pending(self, name, pending):
        """Install a definition a replayed segment made, decoded when first looked up
        (the table is a ``state.LazyMacros`` then)."""
        dict.__setitem__(self.macros, name, pending)
        if _C_NAMED:
            _c_note_named(name, _MAX_NAMED)      # noqa: F821 (expander.pxd's C)
        self._paste_cache.clear()

    def set_counter(self, value):
        """``__COUNTER__`` as a replayed segment left it."""
        self.counter = value

    def undefine(self, name):
        """Remove ``name``'s definition; the old one or None."""
        self._paste_cache.clear()
        old = self.macros.pop(name, None)
        if self.written is not None:
            self.reads.add(name)
            if name not in self.written:
                self.written[name] = old
        return old

    def state(self):
        """(macro table, __COUNTER__): what a later run can start from."""
        return self.macros, self.counter

    def restore(self, macros, counter):
        """Start from a saved state (``macros`` may be a lazily decoded table)."""
        self.macros = macros
        if _C_NAMED:
            for name in dict.keys(macros):
                _c_note_named(name, _MAX_NAMED)  # noqa: F821 (expander.pxd's C)
        self._named_table = macros
        self.counter = counter
        self._paste_cache.clear()

    def reading(self, tokens):
        """A context manager: while it is open, ``get_token`` expands ``tokens`` (a
        directive's) instead of the file."""
        return _Reading(self, tokens)

    def unexpanded(self):
        """A context manager: tokens read inside it are not macro-expanded (gcc's
        ``state.prevent_expansion``)."""
        return _Unexpanded(self)

    def idle(self):
        """Nothing half-expanded: no context pending, no arguments being read."""
        return not self.contexts and not self.parsing_args

    def take_diagnostic(self):
        """The first error met since the last call, as (severity, message, token), or None."""
        diags = self.diagnostics
        if not diags:
            return None
        first = diags[0]
        del diags[:]
        return first

    # ------------------------------------------------------------------ contexts
    def push_context(self, tokens, macro=None, line=0, lines=None, exp=None):
        ctxs = self.contexts
        if macro is None and ctxs:
            top = ctxs[-1]          # (compiled: a Context, its fields C members)
            macro = top.macro
            if exp is None:
                exp = top.exp
        ctxs.append(new_context(tokens, macro, line, lines, exp))

    def pop_context(self):
        ctxs = self.contexts
        ctx = ctxs.pop()
        m = ctx.macro
        if ctxs:
            top = ctxs[-1]          # (compiled: a Context, its macro a C member)
            outer = top.macro
        else:
            outer = None
        if m is not None and outer != m:
            self.disabled.discard(m)
            if ctx.exp is not None and self.recorder is not None:
                self.recorder.context_popped(ctx)
        rec = self.recorder
        if rec is not None and len(ctxs) < rec.floor_max:
            rec.after_pop(len(ctxs))

    def backup(self):
        depth = len(self.contexts)
        if depth:
            self.contexts[-1].pos -= 1
        else:
            self.base.backup()
        rec = self.recorder
        if rec is not None and depth <= rec.floor_max:
            rec.backed_up(depth)

    # ------------------------------------------------------------------ reading
    def get_token(self):
        """gcc's cpp_get_token_1: the next token after macro expansion."""
        saved_about = self.about_to_expand
        ctxs = self.contexts
        rec = self.recorder
        while True:
            if not ctxs:
                base = self.base
                if base is self.reader:
                    tok = self.reader.next(self.parsing_args)
                else:
                    tok = base.next(self.parsing_args)
                line = tok.line
                ctx = None
                if rec is not None:
                    rec.consumed_external(tok, 0)
            else:
                ctx = ctxs[-1]
                pos = ctx.pos
                if pos < len(ctx.tokens):
                    tok = ctx.tokens[pos]
                    line = ctx.line if ctx.lines is None else ctx.lines[pos]
                    ctx.pos = pos + 1
                    if rec is not None and len(ctxs) <= rec.floor_max:
                        rec.consumed_from(ctx, len(ctxs), tok)
                else:
                    self.pop_context()
                    if self.in_directive:
                        continue
                    tok = AVOID_PASTE
                    line = self.cur_line
                    break
            if tok.kind is not IDENT or tok.flags & NO_EXPAND:
                break
            name = tok.text
            if _C_NAMED and self.macros is self._named_table and not _c_maybe_named(name):  # noqa: F821
                entry = None                        # (never defined: no lookup)
            else:
                entry = dict.get(self.macros, name)     # (the dict's own lookup: no Python call)
                if entry is not None and type(entry) is not MacroDef:
                    entry = self.macros.get(name)   # saved or replayed, decoded now (state.LazyMacros)
            m = entry
            if self.reads is not None:
                self.reads.add(name)
            if m is None:
                break
            if name not in self.disabled:
                if ctxs:
                    top = ctxs[-1]
                if not self.about_to_expand and not (ctxs and top.macro is not None):
                    self.invocation_line = line
                    self.invocation_token = tok
                    self.top_most_fun_like = m.fun_like and m.builtin is None
                    self.expansions = 0
                if self.prevent_expansion:
                    break
                if self.enter_macro_context(m, tok, line, ctx):
                    if self.in_directive:
                        continue
                    tok = padding(tok)
                    break
            else:
                tok = tok.copy(tok.flags | NO_EXPAND)
            break
        self.cur_line = line
        self.about_to_expand = saved_about
        return tok

    def pump(self, sink, count, limit):
        """The driver's loop while no recorder watches: each token to ``sink.printer``
        (None: dropped; the sink may change it as the run goes), ``count`` the tokens
        printed, until the end of the input or a diagnostic (that token returned, not
        printed) or, with a ``limit``, until ``count`` and the sink's
        ``replayed_tokens`` pass it (the token that did, printed).  Returns (the token,
        count).  Compiled, the loop is C: one call per output token, not three."""
        bounded = limit is not None
        cap = limit if bounded else 0     # (a C integer compiled: no int objects a token)
        while True:
            tok = self.get_token()
            if self.diagnostics or tok.kind is EOF:
                return tok, count
            p = sink.printer
            if p is not None:
                p.token(tok)
            if bounded:
                count += 1
                if count + sink.replayed_tokens > cap:
                    return tok, count

    def read_to_operator(self):
        """An #if line read on, macros expanded, to its end or to its next ``defined`` or
        ``#`` (an assertion), which the preprocessor reads itself: (the tokens before it,
        that token or the EOF).  Compiled, one call a stretch of the line, not a token."""
        out = []
        while True:
            tok = self.get_token()
            kind = tok.kind
            if kind is EOF or kind is IDENT and tok.text == "defined" or kind is PUNCT and tok.is_op("#"):
                return out, tok
            out.append(tok)

    def get_token_unexpanded(self):
        """The next token with macro expansion prevented (the operand of ``defined``)."""
        self.prevent_expansion += 1
        try:
            return self.get_token()
        finally:
            self.prevent_expansion -= 1

    def get_token_no_padding(self):
        """The next real token, for a builtin reading its operand (_Pragma("..."),
        __has_attribute(x)...).  The end of a macro argument is not consumed (gcc backs
        it up), so an operand missing there is an error, not a read past the argument."""
        rec = self.recorder
        while True:
            tok = self.get_token()
            if rec is not None and rec.operand_stack:
                rec.driver_tick(tok)        # a builtin's operand is read here
            if tok.kind is not PADDING:
                if tok is ENDARG:
                    self.backup()
                return tok

    # ------------------------------------------------------------------ macros
    def enter_macro_context(self, m, tok, line, ctx=None):
        """Expand ``m`` named by ``tok`` (read from context ``ctx``; None: the file)."""
        if m.builtin == "_Pragma" and (self.in_directive or self.ignore_pragma):
            # gcc leaves _Pragma alone in directives and while pre-expanding a macro
            # argument (it may be stringified later); the name stays expandable and
            # the operator runs when the replacement is rescanned
            return 0
        self.about_to_expand = True
        rec = self.recorder
        exp = None
        if rec is not None:
            exp = rec.begin(m, tok, len(self.contexts), ctx)
        if m.builtin is not None:
            self.about_to_expand = False
            return self.builtin_macro(m, tok, line, exp)
        if self.expansions >= self.max_expansions:
            self._count_step(tok)
        if m.fun_like:
            self.prevent_expansion += 1
            self.parsing_args = 1
            args = self.funlike_invocation(m, tok, exp)
            self.parsing_args = 0
            self.prevent_expansion -= 1
            if args is None:
                if rec is not None:
                    rec.abandon(exp)
                self.about_to_expand = False
                return 0
            if m.params:
                replacement = self.replace_args(m, args, tok, exp)
            else:
                replacement = self.paste_body(m, exp)
        else:
            replacement = self.paste_body(m, exp)
        self.disabled.add(m.name)
        self.expansions += 1
        if rec is not None:
            rec.substituted(exp, replacement)
        self.push_context(replacement, m.name, line, None, exp)
        if rec is not None:
            rec.pushed(exp)
        self.about_to_expand = False
        return 1

    def _count_step(self, tok):
        if self.expansions >= self.max_expansions:
            raise ExpansionError(
                "expansion of this invocation cut after %d macro replacements (a macro bomb?); "
                "raise --max-expansions to go further" % self.max_expansions,
                self.invocation_token or tok)

    def funlike_invocation(self, m, name_tok, exp):
        pad = None
        while True:
            tok = self.get_token()
            if tok.kind is not PADDING:
                break
            # gcc's funlike_invocation_p: the padding re-inserted if no '(' follows
            if pad is None or pad.source is None or \
                    (not pad.source.flags & PREV_WHITE and tok.source is None):
                pad = tok
        if tok.is_op("("):
            self.parsing_args = 2
            return self.collect_args(m, name_tok, tok, exp)
        if tok.kind is not EOF or tok is ENDARG:
            self.backup()
            if pad is not None:
                self.push_context([pad])
        return None

    def collect_args(self, m, name_tok, open_tok, exp):
        nparams = len(m.params)
        args = []
        rec = self.recorder
        raw = spans = None
        if rec is not None:
            raw = [open_tok]    # what was written, for the trace
            spans = []
        toks = []
        lines = None            # (made when the argument reaches another line than ``first``)
        first = 0
        depth = 0
        start = 1
        while True:
            tok = self.get_token()
            line = self.cur_line
            kind = tok.kind
            if kind is PADDING:
                if not toks:
                    if rec is not None:
                        raw.append(tok)
                        start += 1
                    continue
            elif kind is PUNCT:
                op = DIGRAPHS[tok.text] if tok.flags & DIGRAPH else tok.text    # (tok.op)
                if op == "(":
                    depth += 1
                elif op == ")":
                    if depth == 0:
                        _finish_arg(args, toks, lines, first)
                        if rec is not None:
                            spans.append((start, start + len(args[-1].tokens)))
                            raw.append(tok)
                        break
                    depth -= 1
                elif op == "," and depth == 0 and not (m.variadic and len(args) + 1 == nparams):
                    _finish_arg(args, toks, lines, first)
                    if rec is not None:
                        spans.append((start, start + len(args[-1].tokens)))
                        raw.append(tok)
                        start = len(raw)
                    toks, lines = [], None
                    continue
                elif op == "#" and tok.flags & T.BOL and not self.contexts:
                    kind = EOF
            if kind is EOF:
                if tok is ENDARG:
                    self.backup()
                self.error('unterminated argument list invoking macro "%s"' % m.name, name_tok)
                return None
            if not toks:
                first = line
            elif lines is None and line != first:
                lines = [first] * len(toks)
            toks.append(tok)
            if lines is not None:
                lines.append(line)
            if rec is not None:
                raw.append(tok)
        argc = len(args)
        if argc == 1 and nparams == 0 and not args[0].tokens:
            argc = 0
        if argc != nparams:
            if argc < nparams and argc + 1 == nparams and m.variadic:
                pass
            elif argc < nparams:
                self.error('macro "%s" requires %d arguments, but only %d given' % (m.name, nparams, argc), name_tok)
                return None
            else:
                self.error('macro "%s" passed %d arguments, but takes just %d' % (m.name, argc, nparams), name_tok)
                return None
        # gcc: ", ## __VA_ARGS__" drops the comma when the variadic argument is omitted,
        # and when it is the only parameter and empty, except in ISO (-std=c..) mode
        if m.variadic and (argc < nparams or (argc == 1 and not args[0].tokens and not self.lang.std)):
            if argc < nparams:
                args.append(new_arg([], []))
            args[nparams - 1].omitted = True
        if rec is not None:
            rec.args_collected(exp, raw, spans, args)
        return args


    def expand_arg(self, arg):
        """Fully macro-expand one argument in isolation (gcc's expand_arg)."""
        if not arg.tokens or arg.expanded is not None:
            return
        self.nesting += 1          # (inline, not a helper: a frame more a level would
        try:                       # bring Python's own recursion limit below MAX_NESTING)
            if self.nesting > MAX_NESTING:
                raise RecursionError("arguments nested more than %d deep" % MAX_NESTING)
            toks = arg.tokens + [ENDARG]
            if type(arg.lines) is list:
                lines = arg.lines + [arg.lines[-1]]
                self.push_context(toks, None, 0, lines)
            else:                   # (all on one line)
                self.push_context(toks, None, arg.lines, None)
            self.ignore_pragma += 1
            rec = self.recorder
            expanded = []
            if rec is None:         # (no bound methods kept: compiled, these are C calls)
                while True:
                    tok = self.get_token()
                    if tok.kind is EOF:
                        break
                    expanded.append(tok)
            else:
                rec.arg_begin(arg, expanded, len(self.contexts))
                while True:
                    tok = self.get_token()
                    rec.driver_tick(tok)
                    if tok.kind is EOF:
                        break
                    expanded.append(tok)
            self.ignore_pragma -= 1
            arg.expanded = expanded
            if rec is not None:
                rec.arg_end(arg)
            self.pop_context()
        finally:
            self.nesting -= 1

    def replace_args(self, m, args, name_tok, exp):
        """gcc's replace_args: the replacement list with arguments substituted."""
        body = m.body
        rec = self.recorder
        in_directive = self.in_directive
        # Pass 1, in replacement-list order: stringify, and pre-expand the arguments
        # that are neither # nor ## operands.  The order fixes __COUNTER__ values.
        prev_paste = False
        for src in body:
            if src.kind is MACRO_ARG:
                arg = args[src.argno]
                if src.flags & STRINGIFY:
                    if arg.stringified is None:
                        arg.stringified = stringify_arg(arg.tokens)
                        if rec is not None:
                            rec.stringified(exp, src.argno, arg.stringified)
                elif not (src.flags & PASTE_LEFT or prev_paste):
                    if arg.expanded is None:
                        self.expand_arg(arg)
            prev_paste = bool(src.flags & PASTE_LEFT)
        # Pass 2: build the list, with gcc's padding and paste-flag bookkeeping.
        buff = []
        vaopt = VaOpt(self, m.variadic, args[-1]) if m.variadic else None
        vaopt_start = None
        last_src = None
        for k, src in enumerate(body):
            prev_paste = last_src is not None and last_src.flags & PASTE_LEFT
            last_src = src
            if vaopt is not None:
                vs = vaopt.update(src)
                if vs != VAOPT_INCLUDE:
                    if vs == VAOPT_BEGIN:
                        if k and not prev_paste:
                            buff.append(padding(src))
                        vaopt_start = len(buff) - 1 if buff else None
                    elif vs == VAOPT_END:
                        start = vaopt_start
                        vaopt_start = None
                        flag_at = len(buff) - 1 if buff else None
                        if src.flags & PASTE_LEFT:
                            while flag_at is not None and flag_at != start and buff[flag_at] is AVOID_PASTE:
                                buff.pop()
                                flag_at = len(buff) - 1 if buff else None
                            if flag_at is not None and buff[flag_at].kind is not PADDING:
                                buff[flag_at] = buff[flag_at].copy(buff[flag_at].flags | PASTE_LEFT)
                        else:
                            buff.append(AVOID_PASTE)
                    continue
            if src.kind is not MACRO_ARG:
                buff.append(src)
                continue
            arg = args[src.argno]
            flag_at = None
            if src.flags & STRINGIFY:
                from_toks = (arg.stringified,)
            elif src.flags & PASTE_LEFT:
                from_toks = arg.tokens
            elif prev_paste:
                from_toks = arg.tokens
                if buff:
                    last = len(buff) - 1
                    if buff[last].is_op(",") and m.variadic and src.argno == len(m.params) - 1:
                        if arg.omitted:
                            buff.pop()
                        else:
                            flag_at = last
                    elif not from_toks:
                        flag_at = last
            else:
                from_toks = arg.expanded or ()
                if vaopt_start is not None and vaopt_start == len(buff) - 1:
                    skip = 0
                    while skip < len(from_toks) and from_toks[skip].kind is PADDING:
                        skip += 1
                    from_toks = from_toks[skip:]
            if (not in_directive and k and not prev_paste
                    and not (vaopt_start is not None and vaopt_start == len(buff) - 1)):
                buff.append(padding(src))
            if from_toks:
                buff.extend(from_toks)
                if src.flags & PASTE_LEFT:
                    flag_at = len(buff) - 1
            if not in_directive and not src.flags & PASTE_LEFT:
                buff.append(AVOID_PASTE)
            if flag_at is not None:
                t = buff[flag_at]
                want = (t.flags | PASTE_LEFT) if src.flags & PASTE_LEFT else (t.flags & ~PASTE_LEFT)
                if want != t.flags:
                    buff[flag_at] = t.copy(want)
        return self.paste_all(buff, exp, name_tok)

    def paste_body(self, m, exp):
        body = m.body
        for t in body:
            if t.flags & PASTE_LEFT:
                break
        else:
            return body
        if self.recorder is None:
            key = (id(m), self.in_directive)
            cached = self._paste_cache.get(key)
            if cached is not None and cached[0] is m:
                return cached[1]
            result = self.paste_all(body, exp, None)
            self._paste_cache[key] = (m, result)
            return result
        return self.paste_all(body, exp, None)

    def paste_all(self, buff, exp, name_tok):
        """Apply every ``##`` in ``buff`` left to right (gcc's paste_all_tokens)."""
        for t in buff:
            if t.flags & PASTE_LEFT:
                break
        else:
            return buff
        out = []
        i = 0
        n = len(buff)
        in_directive = self.in_directive
        rec = self.recorder
        while i < n:
            t = buff[i]
            i += 1
            if not t.flags & PASTE_LEFT:
                out.append(t)
                continue
            lhs0 = lhs = t
            while i < n:
                rhs = buff[i]
                i += 1
                pasted = self.paste_tokens(lhs, rhs)
                if rec is not None:
                    rec.pasted(exp, lhs, rhs, pasted)
                if pasted is None and not self.lang.asm:     # no error in assembler
                    self.error('pasting "%s" and "%s" does not give a valid preprocessing token'
                               % (lhs.text, rhs.text), name_tok or lhs0)
                if pasted is None:
                    lhs = lhs.copy(lhs.flags & ~PASTE_LEFT)
                    i -= 1
                    break
                lhs = pasted
                if not rhs.flags & PASTE_LEFT:
                    break
            if not in_directive:
                out.append(padding(lhs0))
            out.append(lhs)
            if not in_directive:
                out.append(AVOID_PASTE)
        return out

    def paste_tokens(self, lhs, rhs):
        if rhs.kind is PADDING:
            return lhs.copy(lhs.flags & ~PASTE_LEFT)
        spelling = _spelled(lhs) + _spelled(rhs)
        if lhs.text == "/" and rhs.text != "=":
            return None
        tok = relex_single(spelling, self.lang)
        if tok is None:
            return None
        tok.line, tok.col, tok.file = lhs.line, lhs.col, lhs.file
        if (lhs.flags | rhs.flags) & COUNTER_DIGITS:
            tok.flags |= COUNTER_DIGITS         # (a __COUNTER__ value pasted in)
        return tok

    # ------------------------------------------------------------------ builtins
    def builtin_macro(self, m, tok, line, exp):
        rec = self.recorder
        self.nesting += 1           # an operand read inside an operand nests (MAX_NESTING)
        try:
            if self.nesting > MAX_NESTING:
                raise RecursionError("builtin operands nested more than %d deep" % MAX_NESTING)
            if rec is None:
                return self._builtin_macro(m, tok, line, exp)
            # a builtin reads its operand (_Pragma("..."), __has_attribute(x)) itself, with
            # macro expansion: for the recorder that is a driver level of its own, and when
            # the builtin is traced it counts what the builtin takes from the traced text
            rec.operand_begin(exp is not None)
            try:
                return self._builtin_macro(m, tok, line, exp)
            finally:
                rec.operand_end()
        finally:
            self.nesting -= 1

    def _builtin_macro(self, m, tok, line, exp):
        kind = m.builtin
        if self.used is not None:
            self.used.add(kind)
        if kind == "_Pragma":
            return self.do_pragma_operator(tok, exp)
        hooks = self.hooks
        if kind == "__LINE__":
            value = str(line if self.top_most_fun_like else self.invocation_line)
            result = Token(NUMBER, value)
        elif kind == "__COUNTER__":
            result = Token(NUMBER, str(self.counter), COUNTER_DIGITS)
            self.counter += 1
            if self.in_directive and self.used is not None:
                self.used.add("#__COUNTER__")       # (its value decided a directive)
        elif kind in ("__FILE__", "__BASE_FILE__", "__FILE_NAME__"):
            name = hooks.current_file_name(kind)
            result = Token(STRING, '"%s"' % name.replace("\\", "\\\\").replace('"', '\\"'))
        elif kind == "__INCLUDE_LEVEL__":
            result = Token(NUMBER, str(hooks.include_level()))
        elif kind in ("__DATE__", "__TIME__", "__TIMESTAMP__"):
            result = Token(STRING, hooks.date_time(kind))
        elif kind in ("__has_attribute", "__has_cpp_attribute", "__has_c_attribute", "__has_builtin"):
            result = Token(NUMBER, str(self.has_feature(kind, tok)))
        elif kind in ("__has_include", "__has_include_next"):
            if not self.in_directive:
                self.error('"%s" used outside of preprocessing directive' % kind, tok)
            result = Token(NUMBER, str(hooks.has_include(self, kind, tok)))
        else:
            raise AssertionError(kind)
        result.line, result.col, result.file = tok.line, tok.col, tok.file
        if self.recorder is not None:
            self.recorder.builtin(exp, result)
        self.push_context([result], None, line, None, exp)
        if self.recorder is not None:
            self.recorder.pushed(exp)
        return 1

    def has_feature(self, kind, tok):
        t = self.get_token_no_padding()
        if not t.is_op("("):
            self.error('missing \'(\' after "%s"' % kind, tok)
            return 0
        t = self.get_token_no_padding()
        name = None
        if t.kind is IDENT:
            name = t.text
            nxt = self.get_token_no_padding()
            if nxt.is_op("::"):
                # scoped attribute gnu::name
                t2 = self.get_token_no_padding()
                name = "%s::%s" % (name, t2.text)
                nxt = self.get_token_no_padding()
            elif nxt.is_op(":"):
                colon2 = self.get_token_no_padding()
                if colon2.is_op(":"):
                    t2 = self.get_token_no_padding()
                    name = "%s::%s" % (name, t2.text)
                    nxt = self.get_token_no_padding()
                else:
                    nxt = colon2
        else:
            nxt = t
            self.error('macro "%s" requires an identifier' % kind, tok)
        if not nxt.is_op(")"):
            self.error('missing \')\' after "%s"' % kind, tok)
        if name is None:
            return 0
        return self.hooks.has_feature(kind, name)

    def do_pragma_operator(self, tok, exp):
        """``_Pragma("...")``: becomes a ``#pragma`` line in the output, as with gcc -E."""
        t = self.get_token_no_padding()
        ok = t.is_op("(")
        if ok:
            s = self.get_token_no_padding()
            ok = s.kind is STRING
            if ok:
                close = self.get_token_no_padding()
                ok = close.is_op(")")
        if not ok:
            self.error("_Pragma takes a parenthesized string literal", tok)
            return 0
        text = s.text
        if text[0] in "LuU":
            text = text[text.index('"'):]
        body = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        result = Token(T.PRAGMA, body.strip(), 0, tok.line, tok.col, tok.file)
        if self.recorder is not None:
            self.recorder.builtin(exp, result)
        self.push_context([result], None, self.cur_line, None, exp)
        if self.recorder is not None:
            self.recorder.pushed(exp)
        return 1

    # ------------------------------------------------------------------ misc
    def error(self, message, token):
        self.diagnostics.append(("error", message, token))



def stringify_arg(toks):
    """gcc's stringify_arg: the ``#`` operator (a module function: compiled, a typed call)."""
    out = ['"']
    source = None
    backslashes = 0
    flags = 0
    for t in toks:
        flags |= t.flags
        if t.kind is PADDING:
            if source is None or (not source.flags & PREV_WHITE and t.source is None):
                source = t.source
            continue
        if len(out) > 1:
            if source is None:
                source = t
            if source.flags & PREV_WHITE:
                out.append(" ")
        source = None
        text = _spelled(t)                  # an identifier with UCNs as written
        if t.kind is STRING or t.kind is CHAR:
            text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        out.append(text)
        if t.kind is OTHER and text[0] == "\\":
            backslashes += 1
        else:
            backslashes = 0
    if backslashes & 1:
        out[-1] = out[-1][:-1]
    out.append('"')
    return Token(STRING, "".join(out), flags & COUNTER_DIGITS)


def _spelled(tok):
    """A token as written (an identifier with UCNs keeps its spelling in ``source``)."""
    return tok.source if tok.kind is IDENT and tok.source is not None else tok.text


def date_time_strings(epoch=None):
    tm = time.gmtime(epoch) if epoch is not None else time.localtime()
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    date = '"%s %2d %d"' % (months[tm.tm_mon - 1], tm.tm_mday, tm.tm_year)
    clock = '"%02d:%02d:%02d"' % (tm.tm_hour, tm.tm_min, tm.tm_sec)
    return date, clock
