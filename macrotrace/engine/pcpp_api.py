"""pcpp's public interface on the gcc-exact engine.

A program written against ``pcpp.Preprocessor`` switches to ``macrotrace.Preprocessor``
and gets gcc's output::

    p = macrotrace.Preprocessor()
    p.add_path("include")
    p.define("DEBUG 1")
    p.parse(open("file.c"), source="file.c")     # or p.parse(text, source=...)
    p.write(sys.stdout)                          # or: while (tok := p.token()): ...
    sys.exit(p.return_code)

What works as in pcpp: ``define``/``undef`` (a ``"NAME VALUE"`` string or tokens),
``add_path``, ``parse(text_or_file, source=None, ignore={})``, ``token()`` (pcpp-style
``LexToken`` objects with ``type``, ``value``, ``lineno``, ``source``; their values,
white space included, concatenate to what ``write`` prints), ``write(oh)``,
``return_code``, ``macros`` (name -> ``macros.MacroDef``, not pcpp's ``Macro``), and the
hooks ``on_error``, ``on_file_open``, ``on_include_not_found``,
``on_unknown_macro_in_defined_expr``, ``on_unknown_macro_in_expr``,
``on_directive_handle`` (for ``#define``/``#undef``/``#include``),
``on_directive_unknown`` and ``on_potential_include_guard``.

Deliberately gcc's instead of pcpp's:
- the output is ``gcc -E -P``'s, token for token and spaced as gcc spaces it (no
  ``#line`` markers: ``line_directive`` is not used; blank lines are gcc's);
- every ``#if`` is decided (pcpp can pass an ``#if`` it cannot evaluate through to the
  output; ``on_directive_handle`` is not asked about conditionals, and a hook's ``None``
  meaning "pass the expression through" counts as 0);
- an unknown identifier followed by ``(`` in ``#if`` is gcc's error ("missing binary
  operator"), so ``on_unknown_macro_function_in_expr`` is not called;
- the first error ends the run (gcc goes on to find more; the output would be
  gcc's only up to there): ``on_error`` is called once and ``token()`` returns None;
- comments are white space, as with ``gcc -E`` without ``-C``: ``on_comment`` is not
  called;
- a missing ``#include`` is an error unless ``on_include_not_found`` returns a path
  (pcpp's default passes the directive through);
- an unknown directive is gcc's error unless a subclass overrides
  ``on_directive_unknown`` (then its answer decides, as in pcpp);
- the predefined macros are those of ``gcc -undef -std=gnu11`` (``__STDC__``...), not
  pcpp's ``__PCPP__``; ``__DATE__``/``__TIME__`` are gcc's builtins.
"""

import re
import sys

import pcpp
from pcpp.parser import LexToken, PreprocessorHooks, default_lexer

from .diagnostics import PreprocessError
from .includes import SearchPath
from .preprocessor import Engine
from .printer import Printer
from .tokens import CHAR, IDENT, NUMBER, STRING

_INTEGER = re.compile(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\Z")
_HOOKS = ("on_file_open", "on_include_not_found", "on_unknown_macro_in_defined_expr",
          "on_unknown_macro_in_expr", "on_directive_handle", "on_directive_unknown",
          "on_potential_include_guard")


class PcppInterface:
    """The pcpp half of ``preprocessor.Preprocessor`` (see the module docstring)."""

    def _pcpp_setup(self):
        """pcpp's own attributes (its ``__init__`` is not run: it would define pcpp's
        predefined macros, which are not gcc's)."""
        PreprocessorHooks.__init__(self)
        self.lexer = None          # pcpp's lexer, made when a token's pcpp type is asked
        self.path = []
        self.temp_path = []
        self.return_code = 0
        self.include_once = {}
        self.line_directive = "#line"
        self.compress = False
        self.assume_encoding = None
        self.ignore = {}
        self._stream = None
        self._pending = None         # the source parse() was given, until token() runs it
        self._pcpp_types = {}
        base = pcpp.Preprocessor
        # a hook is consulted only when a subclass overrides it (the defaults are gcc's)
        self.overridden = {name for name in _HOOKS
                           if getattr(type(self), name) is not getattr(PcppDefaults, name, getattr(base, name))}

    # -- set-up -----------------------------------------------------------------
    def add_path(self, path):
        """Add a ``-I`` directory (searched for ``<...>`` and ``"..."`` includes)."""
        self.path.append(path)
        self.search = None       # rebuilt from ``path`` at the next parse

    def parse(self, input, source=None, ignore={}):
        """Preprocess ``input`` (text, or a file object) named ``source``; the output is
        then read with ``token()`` or ``write()``."""
        if hasattr(input, "read"):
            if source is None:
                source = getattr(input, "name", None)
            input = input.read()
        if isinstance(input, bytes):
            input = input.decode("utf-8")
        self.ignore = ignore
        name = source if source is not None else "<stdin>"
        if self.search is None:
            self.search = SearchPath(bracket=list(self.path))
        self.file_cache.pop(name, None)
        self._pending = None
        try:
            self.add_file(name, input)
        except PreprocessError as e:
            self._report(e)
            self._stream = iter(())
            return
        self._stream = None
        self._pending = name

    def _lextokens(self, name):
        """The output as pcpp's tokens (made when the first one is asked for)."""
        printer = _LexPrinter(self._lextoken)
        try:
            self.run(name, (), printer)
        except PreprocessError as e:
            self._report(e)
        else:
            printer.text()
            printer.collect(None)
        return iter(printer.lextokens)

    def _report(self, e):
        self.on_error(e.file, e.line or 0, e.message)
        self.return_code = max(self.return_code, 1)

    def _lextoken(self, text, tok):
        t = LexToken()
        t.value = text
        t.lexpos = tok.col if tok is not None else 0
        t.lineno = tok.line if tok is not None else 0
        t.source = tok.file if tok is not None else None
        if text.isspace():
            t.type = "CPP_WS"
        elif tok is not None and text == tok.text:
            t.type = self._pcpp_type(tok)
        else:
            t.type = "CPP_DIRECTIVE"      # a #pragma line, as gcc -E prints it
        return t

    def _pcpp_type(self, tok):
        kind = tok.kind
        if kind == IDENT:
            return "CPP_ID"
        if kind == STRING:
            return "CPP_STRING"
        if kind == CHAR:
            return "CPP_CHAR"
        if kind == NUMBER:
            return "CPP_INTEGER" if _INTEGER.match(tok.text) else "CPP_FLOAT"
        cached = self._pcpp_types.get(tok.text)
        if cached is None:
            # pcpp's own name for the punctuator ("CPP_PLUS"...), when its lexer has one
            if self.lexer is None:
                self.lexer = default_lexer()
            self.lexer.input(tok.text)
            first, second = self.lexer.token(), self.lexer.token()
            cached = first.type if first is not None and second is None else "CPP_PUNCTUATOR"
            self._pcpp_types[tok.text] = cached
        return cached

    # -- output -----------------------------------------------------------------
    def token(self):
        """The next output token (a pcpp ``LexToken``), or None at the end."""
        if self._pending is not None:
            self._stream, self._pending = self._lextokens(self._pending), None
        stream = self._stream
        if stream is None:
            return None
        for tok in stream:
            if tok.type not in self.ignore:
                return tok
        self._stream = None
        return None

    def write(self, oh=sys.stdout):
        """Write the whole output to ``oh``: ``gcc -E -P``'s text."""
        while True:
            tok = self.token()
            if tok is None:
                return
            oh.write(tok.value)


class _LexPrinter(Printer):
    """gcc -E's text as pcpp LexTokens: each printed piece becomes one."""

    def __init__(self, make):
        super().__init__()
        self.make = make
        self.lextokens = []

    def token(self, tok):
        Printer.token(self, tok)
        self.collect(tok)

    def collect(self, tok):
        for text in self.drain():
            self.lextokens.append(self.make(text, tok))


class PcppDefaults:
    """Our defaults for the hooks whose pcpp default is not gcc's behaviour."""

    def on_include_not_found(self, is_malformed, is_system_include, curdir, includepath):
        """gcc: a missing header is an error.  Return a path to include instead."""
        return None

    def on_directive_unknown(self, directive, toks, ifpassthru, precedingtoks):
        """gcc: an unknown directive is an error.  Return True to drop it, None to pass
        it through to the output (pcpp's meaning)."""
        return False

    def on_unknown_macro_function_in_expr(self, ident):
        """Not called: gcc rejects ``f(x)`` in ``#if`` when ``f`` is not a macro."""
        return None


def lextoken_of(tok):
    """A pcpp LexToken for one of our tokens (the argument pcpp's hooks receive)."""
    t = LexToken()
    t.type = "CPP_ID" if tok.kind == IDENT else tok.kind
    t.value = tok.text
    t.lineno = tok.line
    t.lexpos = tok.col
    t.source = tok.file
    return t


def path_of_hook_file(fh):
    """The text of a file object ``on_file_open`` returned (closed after reading)."""
    try:
        text = fh.read()
    finally:
        fh.close()
    return text[1:] if text.startswith("\ufeff") else text


class Preprocessor(PcppInterface, PcppDefaults, Engine, pcpp.Preprocessor):
    """The engine (preprocessor.Engine) as a ``pcpp.Preprocessor``: pcpp's attributes and
    hooks first, then the engine's set-up (see preprocessor.Engine for the arguments)."""

    def __init__(self, *args, **kwargs):
        self._pcpp_setup()
        Engine.__init__(self, *args, **kwargs)
