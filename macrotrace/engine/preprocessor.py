"""The preprocessor: files, directives and conditionals around the expander.

``Engine`` is the preprocessor the command line runs; ``Preprocessor`` (made in
pcpp_api.py, on first use: importing pcpp costs every start ~15 ms) is the same engine
as a subclass of pcpp's that keeps its public interface working
(``define``/``undef``/``add_path``/``parse``/``token``/``write``, ``return_code``,
``macros``, the ``on_*`` hooks: pcpp_api.py says which behaviours are deliberately
gcc's), replacing what pcpp 1.30 does differently from gcc:
- its lexer (no pp-numbers, no prefixed or raw strings, trigraphs always on) is
  replaced by ``lexer.lex``;
- its line-chunked ``parsegen`` cannot read a macro's arguments across a directive
  and records no ``#if`` decisions, so the file reader below drives the expander
  gcc-style, one token at a time, with directives handled as they are met;
- its include search looks in every including file's directory; gcc looks in the
  current file's directory only, then along the -iquote/-I/-isystem chain;
- its ``#if`` evaluator lacks uintmax semantics and ``__has_attribute``.
Each difference is pinned by a test against gcc in tests/.
"""

import os
import stat
import time

from .. import rawbytes
from . import expression
from .compiler import Compiler
from .diagnostics import PreprocessError, Warning_, error_at
from .events import Branch, Listener, hears
from .expander import Expander, ExpansionError, date_time_strings
from .lang import DEFAULT
from .lexer import lex
from .source import Chunk, Source
from .macros import DefinitionError, MacroDef, parse_define, spell_body
from .reuse import SegmentReuse
from .printer import Printer
from .reader import (GUARD_CLOSED, GUARD_OPEN, NOT_GUARDED,  # noqa: F401
                     FileState, Reader)
from . import state
from .tokens import DIRECTIVE, EOF, IDENT, NUMBER, PREV_WHITE, STRING, Token  # noqa: F401 (DIRECTIVE)


BUILTINS = ("__LINE__", "__FILE__", "__BASE_FILE__", "__FILE_NAME__", "__COUNTER__",
            "__INCLUDE_LEVEL__", "__DATE__", "__TIME__", "__TIMESTAMP__", "_Pragma",
            "__has_attribute", "__has_cpp_attribute", "__has_c_attribute", "__has_builtin",
            "__has_include", "__has_include_next")

# gcc 12's directives (#elifdef/#elifndef only where the language has them)
DIRECTIVES = frozenset("define undef include include_next import if ifdef ifndef elif elifdef elifndef "
                       "else endif line error warning pragma ident sccs assert unassert".split())
NO_ASM_BUILTINS = ("__has_attribute", "__has_cpp_attribute", "__has_c_attribute", "__has_builtin")

MAX_INCLUDE_DEPTH = 200
MAX_FILE_BYTES = 16 * 1024 * 1024     # one source file; a larger one is refused, not read
COMMAND_LINE = "<command-line>"


class IfEntry:
    __slots__ = ("taken_any", "seen_else", "conditions", "last")

    def __init__(self, condition, taken):
        self.taken_any = taken
        self.seen_else = False
        self.conditions = [condition]
        self.last = condition.directive     # if, ifdef, ifndef, then elif or else


class Engine(SegmentReuse, Reader):
    """gcc-faithful preprocessing of one translation unit.

    ``Preprocessor()`` (this engine with pcpp's interface) alone is pcpp's object
    (pcpp_api.py): the macros of
    ``gcc -undef -std=gnu11``, ``add_path`` for -I, ``parse``/``write``.  The engine's
    session passes the rest: ``search`` is an ``includes.SearchPath``; ``compiler``
    answers __has_attribute and friends (None: gcc 12's table); ``listener`` gets the
    events; ``recorder`` (optional) watches expansions; the configuration
    (``lang``, ``prefix_maps``, ``state_cache``, ``warning_sink``...) comes in here,
    never set afterwards.
    """

    _FileState = FileState      # (for reuse.py, which preprocessor.py imports)
    _IfEntry = IfEntry

    _ready = False
    overridden = frozenset()     # pcpp's hooks a subclass overrides (pcpp_api.py)

    def __init__(self, search=None, compiler=None, listener=None, recorder=None,
                 max_expansions=1_000_000, max_output_tokens=None, lang=None, prefix_maps=(),
                 state_cache=None, warning_sink=None, unsaved=None,
                 base_file_name=None, segments=None):
        standalone = search is None
        self.search = search
        # alone: gcc answers __has_attribute & co. (gcc 12's table when it cannot run)
        self.compiler = compiler if compiler is not None else Compiler(("gcc",))
        self.listener = listener or Listener()
        # (the chain of a branch is made only for a listener that hears it)
        self._hears_branches = hears(self.listener, "conditional")
        self._hears_definitions = hears(self.listener, "macro_defined")
        lang = lang or DEFAULT       # lang.LangOptions: -std, -x assembler-with-cpp
        self.expander = Expander(self, self, recorder, max_expansions, lang)
        self.recorder = recorder
        self.files = []
        self.main_path = None
        self.base_file_name = base_file_name    # __BASE_FILE__ when not main_path (gcc: "" for stdin)
        self.pushback = None
        self.last = None
        self.printer = None
        self.guards = {}
        self.once = set()
        self.warnings = []
        self.warning_sink = warning_sink   # callable(Warning_) printing warnings as they happen
        self.prefix_maps = list(prefix_maps)   # -fmacro-prefix-map pairs, applied to __FILE__
        self.state_cache = state_cache     # statecache.StateCache, when caching is on
        self._preamble_pending = False
        self._output_wanted = True
        self.cache_hit = False
        self.eof = Token(EOF, "", 0, 0, 0, None)
        self.max_output_tokens = max_output_tokens
        self.pushed_macros = {}
        self._chain_file = self._chain_stack = self._chain_top = self._chain_value = None
        self._chain_depth = self._chain_files = 0     # (reader.Reader._chain)
        self._handlers = None
        self._warnings_before = 0    # warnings of the command line (not part of a state)
        self._encoder = state.Encoder()
        self.file_cache = {}          # path -> source.Source
        self.files_read = []
        self.entered = set()          # every file read (gcc's stack_count, for #import)
        self.assertions = {}         # #assert: predicate -> answers (see _answer_key)
        self.unsaved = dict(unsaved or {})   # real path -> text: an editor's unsaved buffers
        self._digests = {}            # path -> sha1 of what was read (files_read, once each)
        self._imacros = False         # reading -imacros files
        self._segments_setup(segments)
        for name in BUILTINS:
            self.expander.define(MacroDef(name, None if name not in ("_Pragma",) else ["x"],
                                          builtin=name, site=("<built-in>", 0)))
        self._ready = True
        self._set_lang(lang)
        if standalone:
            for text in lang.predefined():
                self.define(text, site=("<built-in>", 0))

    @property
    def macros(self):
        """The macro table (name -> MacroDef), the expander's: read it, change it only
        through ``define``/``undef``."""
        return self.expander.macros

    # ---------------------------------------------------------------- set-up API
    def _set_lang(self, lang):
        """Preprocess as ``lang`` (a lang.LangOptions: -std, -x assembler-with-cpp); the
        expander got it from the constructor too."""
        self.lang = lang
        self._asm = bool(lang.asm)      # (reader.Reader's: read at every #define)
        self.directive_names = DIRECTIVES if lang.elifdef else DIRECTIVES - {"elifdef", "elifndef"}
        if lang.asm:        # gcc has no __has_attribute/__has_builtin in assembler
            for name in NO_ASM_BUILTINS:
                self.expander.undefine(name)

    def define(self, tokens, site=None):
        """``define("NAME VALUE")`` (pcpp's form) or a token list after ``#define`` (ours,
        or pcpp's LexTokens)."""
        tokens = _own_tokens(tokens)
        if isinstance(tokens, str):
            tokens = lex(tokens, COMMAND_LINE, lang=self.lang, stage3=True)[0]
            site = site or (COMMAND_LINE, 0)
        try:
            macro = parse_define(tokens, site, self.lang.asm)
        except DefinitionError as e:
            raise error_at(e.token, e.message, *(site or (None, None)))
        self._install(macro, tokens[0] if tokens else None)
        return macro

    def define_option(self, option):
        """gcc's ``-D`` semantics: ``NAME`` is ``NAME 1``, ``NAME=VALUE`` is ``NAME VALUE``."""
        name, eq, value = option.partition("=")
        macro = self.define(name + " " + (value if eq else "1"))
        macro.from_command_line = True
        return macro

    def undef_option(self, name):
        """gcc's ``-U NAME``."""
        self.undef(name)

    def undef(self, tokens, site=None):
        tokens = _own_tokens(tokens)
        if isinstance(tokens, str):
            tokens = lex(tokens, COMMAND_LINE, lang=self.lang)[0]
        if not tokens or tokens[0].kind != IDENT:
            raise error_at(tokens[0] if tokens else None, "macro names must be identifiers", *(site or (None, None)))
        name = tokens[0].text
        if name == "defined":
            raise error_at(tokens[0], '"defined" cannot be used as a macro name')
        old = self.expander.undefine(name)
        if old is not None and old.builtin is not None:
            self.warn('undefining "%s"' % name, tokens[0])
        self.listener.macro_undefined(name, tokens[0].file, tokens[0].line)

    # (``_install``: reader.py)

    def warn(self, message, token=None):
        self.warn_at(message, token.file if token is not None else None,
                     token.line if token is not None else None)

    def warn_at(self, message, file, line):
        w = Warning_(message, file, line)
        self.warnings.append(w)
        self.listener.warning(w)
        if self.warning_sink is not None:
            self.warning_sink(w)

    # ---------------------------------------------------------------- files
    def read_file(self, path, from_tok=None):
        cached = self.file_cache.get(path)
        if cached is not None:
            return cached
        data = self.file_bytes(path, from_tok)
        if type(data) is str:           # pcpp's on_file_open hook gave the text
            return self.add_file(path, data)
        return self._tokenize(path, data)

    def file_bytes(self, path, from_tok=None):
        """The contents of ``path`` (an editor's buffer stands for its file), refused
        when too large, a directory, unreadable or binary."""
        if self.unsaved and os.path.realpath(path) in self.unsaved:
            # an editor's buffer: its text, not the file on disk
            data = self.unsaved[os.path.realpath(path)].encode("utf-8")
        else:
            data = self._read_bytes(path, from_tok)
            if type(data) is str:
                return data
        if b"\0" in data[:8192]:
            raise error_at(from_tok, "%s: binary file (contains NUL bytes), not C source" % path, path)
        return data

    def _read_bytes(self, path, from_tok):
        try:
            if "on_file_open" in self.overridden:
                self._check_size(os.stat(path), path, from_tok)
                from .pcpp_api import path_of_hook_file
                return path_of_hook_file(self.on_file_open(len(self.files) > 0, path))
            with open(path, "rb") as fh:        # (one stat: the open file's)
                self._check_size(os.fstat(fh.fileno()), path, from_tok)
                return fh.read()
        except IsADirectoryError:
            raise error_at(from_tok, "%s: is a directory" % path, path)
        except OSError as e:
            raise error_at(from_tok, "%s: %s" % (path, e.strerror or e), path)

    @staticmethod
    def _check_size(st, path, from_tok):
        """Refuse a file larger than MAX_FILE_BYTES (``st``: its stat)."""
        if st.st_size > MAX_FILE_BYTES and not stat.S_ISDIR(st.st_mode):
            raise error_at(from_tok, "%s: %.1f MB is larger than the %d MB macrotrace reads "
                           "from one file" % (path, st.st_size / 1e6, MAX_FILE_BYTES // (1024 * 1024)), path)

    def _tokenize(self, path, data, digest=None):
        """The Source of the bytes ``file_bytes`` gave (lexed as it is read; ``digest``:
        their sha1 when it is known already)."""
        return self.add_file(path, rawbytes.decode(data), data, digest)   # non-UTF-8 bytes kept

    def add_file(self, path, text, data=None, digest=None):
        """The Source of ``text`` as the contents of ``path`` (read from disk, or given to
        ``parse``), lexed as it is read."""
        src = Source(text, path, self.lang, self.directive_names if self.lang.asm else None)
        if digest is None and (self.segments is not None or self.state_cache is not None):
            digest = state.digest(data if data is not None else text.encode("utf-8", "surrogatepass"))
        # (only the segment store and the unit state read a file's sha1: a run that
        # caches neither, --no-cache, hashes no file)
        self.read_once(path, digest or "")
        self.file_cache[path] = src
        return src

    def push_file(self, path, chain_index, from_tok=None):
        if len(self.files) >= MAX_INCLUDE_DEPTH:
            raise error_at(from_tok, "#include nested depth %d exceeds maximum of %d"
                           % (len(self.files), MAX_INCLUDE_DEPTH))
        if self.segments is not None and self.files and not self._imacros:
            f = self._lazy_file(path, chain_index, from_tok)     # a header: segments.py
        else:
            f = FileState(path, chain_index, self.read_file(path, from_tok))
            self.seek(f, 0)
        if self.files:
            f.includer = self.files[-1].presumed
        self.files.append(f)
        self.entered.add(path)
        if from_tok is not None:
            self.listener.file_entered(path, from_tok.file, from_tok.line)
        else:
            self.listener.file_entered(path, None, None)
        return f

    def pop_file(self):
        f = self.files.pop()
        if f.ifstack:
            conds = f.ifstack[-1].conditions
            last = f.ifstack[-1].last        # gcc names the group's last directive
            raise PreprocessError("unterminated #%s" % last, conds[0].file, conds[0].line)
        if f.guard_state == GUARD_CLOSED and f.guard:
            self.guards[f.path] = f.guard
        if (f.path in self.guards or f.path in self.once) and f.path != self.main_path:
            # read again only if its guard is undefined: its tokens need not stay in memory
            self.file_cache.pop(f.path, None)

    # ---------------------------------------------------------------- reading a file
    def seek(self, f, offset):
        """Go on reading ``f`` from ``offset`` (a line start of its text)."""
        if f.src is None:               # (a header not read yet: segments.py)
            f.enter(Chunk([], offset, offset))
        else:
            f.enter(self._read(f, f.src.chunk(offset)))

    def read_on(self, f):
        """Lex the next chunk of ``f`` (False at the end of the file, where the last
        chunk stays: the end's line is its last token's)."""
        end = f.chunk.end
        if f.src is None or end >= f.src.size:
            return False
        chunk = self._read(f, f.src.chunk(end))
        if not chunk.tokens:            # (nothing but blanks and comments to the end)
            last = f.chunk
            f.chunk = Chunk(last.tokens, last.start, chunk.end, last.ends, last.line_starts)
            f.pos = len(f.tokens)
            return False
        f.enter(chunk)
        return True

    def skip_group(self, f):
        """Skip to the #elif/#else/#endif that ends the current group (gcc's skipping:
        its text is scanned for that line, no tokens are made)."""
        skip = self._read(f, f.src.skip(f.offset(), self.directive_names))
        self.seek(f, skip.end)

    def _read(self, f, part):
        """What the lexer diagnoses in a chunk or skipped group of ``f``, each time it is
        read (as gcc does, once per #include): an error, or warnings (gcc warns about
        unterminated literals even in skipped groups; not in assembler)."""
        for d in part.diagnostics:
            raise PreprocessError(d.message, f.path, d.line, d.col)
        if part.open_literals and not self.lang.asm:
            for line, quote in part.open_literals:
                self.warn_at("missing terminating %s character" % quote, f.path, line + f.line_delta)
            if self.segments is not None and f.digest is not None:
                # a chunk may reach past the #include that ends a segment: a header that
                # warns is read, not replayed
                self.segments.mark_warns(f.path, f.digest)
        return part

    # ---------------------------------------------------------------- base source
    # (``next``, ``backup``: reader.py)
    def file_end(self, f, parsing_args):
        """``next`` at the end of ``f``'s tokens: the next chunk, or the file's end (the
        token ``next`` returns, or None: read on)."""
        if f.seg:                 # a header not read yet (segments.py)
            self.segment_start()
            return None
        if self.read_on(f):
            return None
        if len(self.files) == 1:
            self.pop_file()
            self.eof = Token(EOF, "", 0, f.tokens[-1].line if f.tokens else 1, 0, f.path)
            return self.eof
        if self._rec is not None:
            self.end_recording(("eof",))
        self.pop_file()
        if parsing_args:
            # gcc: the end of an included file ends a macro's search for its '(' (f at
            # the end of a header, then '(' in the includer: "f (") and its arguments
            # ("unterminated argument list")
            return Token(EOF, "", 0, f.tokens[-1].line if f.tokens else 1, 0, f.path)
        if self.segments is not None and len(self.files) > 1:
            self.segment_start()          # the includer goes on: a new segment
        return None

    def _end_of_preamble(self, tok):
        """The first token of code in the main file: save the state reached."""
        self._preamble_pending = False
        f = self.files[-1]
        if not (len(self.files) != 1 or f.ifstack or not self.expander.idle()
                or f.tokens[f.pos - 1] is not tok or f.line_delta or self.pushed_macros
                or f.offset(f.pos - 1) is None):
            self.state_cache.save(self.snapshot(f.offset(f.pos - 1)))
        if not self._output_wanted:
            self.printer = None         # (printed only for the state's sake)

    # ---------------------------------------------------------------- directives
    # (``directive_line``, ``handle_directive``: reader.py)
    def bad_directive(self, name_tok, args, hash_tok):
        """A directive line whose name is none (pcpp's ``on_directive_unknown`` may take
        it)."""
        if name_tok.kind != IDENT:
            raise error_at(name_tok, "invalid preprocessing directive")
        if "on_directive_unknown" in self.overridden:
            return self._unknown_directive(name_tok, args, hash_tok)
        raise error_at(name_tok, "invalid preprocessing directive #%s" % name_tok.text)

    # -- pcpp's directive hooks (consulted only when a subclass overrides them)
    def _directive_wanted(self, name_tok, args, hash_tok):
        """Ask ``on_directive_handle``: execute (True), execute and print (None), or not
        (it raises pcpp's OutputDirective: pass the line through, or drop it)."""
        import pcpp
        from .pcpp_api import lextoken_of
        try:
            answer = self.on_directive_handle(lextoken_of(name_tok), [lextoken_of(t) for t in args],
                                              False, [lextoken_of(hash_tok)])
        except pcpp.OutputDirective as e:
            if e.action == pcpp.Action.IgnoreAndPassThrough:
                self._print_directive(name_tok, args)
            return False
        if answer is None and name_tok.text in ("define", "undef"):
            self._print_directive(name_tok, args)
        return True

    def _unknown_directive(self, name_tok, args, hash_tok):
        import pcpp
        from .pcpp_api import lextoken_of
        try:
            answer = self.on_directive_unknown(lextoken_of(name_tok), [lextoken_of(t) for t in args],
                                               False, [lextoken_of(hash_tok)])
        except pcpp.OutputDirective as e:
            answer = None if e.action == pcpp.Action.IgnoreAndPassThrough else True
        if answer is None:
            self._print_directive(name_tok, args)
        elif answer is False:
            raise error_at(name_tok, "invalid preprocessing directive #%s" % name_tok.text)

    def _print_directive(self, name_tok, args):
        if self.printer is not None:
            self.printer.directive_line(("#%s %s" % (name_tok.text, _spell(args))).rstrip())

    # (do_define: reader.py)

    def do_undef(self, f, name_tok, args):
        if not args:
            raise error_at(name_tok, "no macro name given in #undef directive")
        self.undef(args[:1])
        if len(args) > 1:
            self.warn("extra tokens at end of #undef directive", args[1])

    def do_include(self, f, name_tok, args, next_=False, import_=False):
        name, angled = self.header_name(name_tok, args)
        self.include(f, name_tok, name, angled, next_, import_)

    def include(self, f, name_tok, name, angled, next_=False, import_=False):
        """Run ``#include``/``#include_next``/``#import`` of ``name`` from file ``f``."""
        start = None
        primary = False
        if next_:
            if f.chain_index is None or len(self.files) == 1:
                primary = True
            else:
                start = f.chain_index + 1
        path, index = self.search.find(name, angled, f.dir, start)
        if path is None and "on_include_not_found" in self.overridden:
            path = self.on_include_not_found(False, angled, f.dir, name)
            path = path if isinstance(path, str) and os.path.isfile(path) else None
        if path is None:
            if primary:
                self.warn("#include_next in primary source file", name_tok)
            if (angled or next_) and not self.search.chain[start or 0:] and not os.path.isabs(name):
                raise error_at(name_tok, "no include path in which to search for %s" % name)
            raise error_at(name_tok, "%s: No such file or directory" % name)
        once = self._skip_once(path, import_)
        guard = self.guards.get(path)
        rec = self._rec
        if rec is not None:
            if guard is not None:
                self.expander.reads.add(guard)
            if import_:
                rec.tainted = True
        if once or (guard is not None and guard in self.macros):
            if rec is not None:
                rec.checks.append(("skip", name, angled, start, path, guard, once))
            if primary:
                self.warn("#include_next in primary source file", name_tok)
            return
        if os.path.isdir(path):
            raise error_at(name_tok, "%s: is a directory" % name)
        if rec is not None:
            self.end_recording(("inc", name, angled, next_, name_tok.line, name_tok.col, name_tok.text))
        if primary:
            self.warn("#include_next in primary source file", name_tok)
        self.push_file(path, index, name_tok)

    def do_include_next(self, f, name_tok, args):
        self.do_include(f, name_tok, args, next_=True)

    def do_import(self, f, name_tok, args):
        self.do_include(f, name_tok, args, import_=True)

    def _skip_once(self, path, import_):
        """gcc's should_stack_file: a once-only file (#pragma once, #import) is not read
        again, nor is a file with the same contents, size and time under another path
        (sub/h.h, ./sub/h.h); #import also skips any file read before (the main file)."""
        if path in self.once:
            return True
        if import_:
            self.once.add(path)
            if path in self.entered:
                return True
        if not self.once:
            return False
        me = _file_id(path)
        if me is None:
            return False
        for other in (self.entered if import_ else self.once):
            if other != path and _file_id(other) == me and _contents(other) == _contents(path):
                return True
        return False

    def header_name(self, name_tok, args):
        if not args:
            raise error_at(name_tok, '#%s expects "FILENAME" or <FILENAME>' % name_tok.text)
        first = args[0]
        if first.kind == STRING and first.text.startswith('"'):
            return first.text[1:-1], False
        if first.is_op("<"):
            parts = []
            for t in args[1:]:
                if t.is_op(">"):
                    return "".join(parts), True
                if t.flags & PREV_WHITE and parts:
                    parts.append(" ")
                parts.append(t.text)
            raise error_at(name_tok, "missing terminating > character")
        expanded = self.expand_directive(args)
        if expanded and expanded[0].kind == STRING and expanded[0].text.startswith('"'):
            return expanded[0].text[1:-1], False
        if expanded and expanded[0].is_op("<"):
            parts = []
            for t in expanded[1:]:
                if t.is_op(">"):
                    return "".join(parts), True
                if t.flags & PREV_WHITE and parts:
                    parts.append(" ")
                parts.append(t.text)
        raise error_at(name_tok, '#%s expects "FILENAME" or <FILENAME>' % name_tok.text)

    # -- conditionals
    def condition_chain(self, files=None):
        """The active branch of every enclosing #if, outermost first (of ``files``: the
        whole stack by default)."""
        return [entry.conditions[-1] for f in (self.files if files is None else files)
                for entry in f.ifstack]

    def do_ifdef(self, f, name_tok, args, negate=False):
        if not args:
            raise error_at(name_tok, "no macro name given in #%s directive" % name_tok.text)
        if args[0].kind != IDENT:
            raise error_at(args[0], "macro names must be identifiers")
        name = args[0].text
        if len(args) > 1:
            self.warn("extra tokens at end of #%s directive" % name_tok.text, args[1])
        self._looked_up(name)
        taken = (name in self.macros) != negate
        guard = name if negate and f.guard_state == GUARD_OPEN and not f.ifstack else None
        cond = Branch(name_tok.text, name, name_tok.file, name_tok.line, taken, guard=bool(guard))
        if f.guard_state == GUARD_OPEN and not guard and not f.ifstack:
            f.guard_state = NOT_GUARDED     # (a #ifdef nested in the guard keeps it)
        self._push_if(f, cond, taken, guard)

    def do_ifndef(self, f, name_tok, args):
        self.do_ifdef(f, name_tok, args, negate=True)

    def do_if(self, f, name_tok, args):
        value = self.evaluate(name_tok, args)
        cond = Branch("if", _spell(args), name_tok.file, name_tok.line, bool(value), value)
        guard = None
        if f.guard_state == GUARD_OPEN and not f.ifstack:
            guard = _if_not_defined(args)
            if guard is None:
                f.guard_state = NOT_GUARDED
        cond.guard = bool(guard)
        self._push_if(f, cond, bool(value), guard)

    def _push_if(self, f, cond, taken, guard):
        entry = IfEntry(cond, taken)
        f.ifstack.append(entry)
        if guard:
            f.guard = guard
            if "on_potential_include_guard" in self.overridden:
                self.on_potential_include_guard(guard)
        if self._hears_branches:
            self.listener.conditional(cond, list(self._chain()))
        if not taken:
            self.skip_group(f)

    def _entry(self, f, name_tok):
        if not f.ifstack:
            raise error_at(name_tok, "#%s without #if" % name_tok.text)
        return f.ifstack[-1]

    def do_elif(self, f, name_tok, args):
        entry = self._entry(f, name_tok)
        if entry.seen_else:
            raise error_at(name_tok, "#%s after #else" % name_tok.text)
        entry.last = "elif"
        if f.guard_state == GUARD_OPEN and len(f.ifstack) == 1:
            f.guard_state = NOT_GUARDED
        if entry.taken_any:
            self.skip_group(f)
            return
        if name_tok.text == "elif":
            value = self.evaluate(name_tok, args)
            cond = Branch("elif", _spell(args), name_tok.file, name_tok.line, bool(value), value)
        else:
            if not args or args[0].kind != IDENT:
                raise error_at(name_tok, "no macro name given in #%s directive" % name_tok.text)
            self._looked_up(args[0].text)
            defined = args[0].text in self.macros
            value = defined if name_tok.text == "elifdef" else not defined
            cond = Branch(name_tok.text, args[0].text, name_tok.file, name_tok.line, bool(value))
        entry.conditions[-1].taken = False
        cond.earlier = tuple(entry.conditions)
        entry.conditions.append(cond)
        if self._hears_branches:
            self.listener.conditional(cond, list(self._chain()))
        if value:
            entry.taken_any = True
        else:
            self.skip_group(f)

    do_elifdef = do_elif
    do_elifndef = do_elif

    def do_else(self, f, name_tok, args):
        entry = self._entry(f, name_tok)
        if entry.seen_else:
            raise error_at(name_tok, "#else after #else")
        entry.seen_else = True
        entry.last = "else"
        if f.guard_state == GUARD_OPEN and len(f.ifstack) == 1:
            f.guard_state = NOT_GUARDED
        if entry.taken_any:
            self.skip_group(f)
            return
        cond = Branch("else", "", name_tok.file, name_tok.line, True)
        entry.conditions[-1].taken = False
        cond.earlier = tuple(entry.conditions)
        entry.conditions.append(cond)
        entry.taken_any = True
        if self._hears_branches:
            self.listener.conditional(cond, list(self._chain()))

    def do_endif(self, f, name_tok, args):
        self._entry(f, name_tok)
        f.ifstack.pop()
        if f.guard_state == GUARD_OPEN and not f.ifstack:
            f.guard_state = GUARD_CLOSED

    # -- other directives
    def do_error(self, f, name_tok, args):
        raise error_at(name_tok, "#error %s" % _spell(args))

    def do_warning(self, f, name_tok, args):
        self.warn("#warning %s" % _spell(args), name_tok)

    def do_pragma(self, f, name_tok, args):
        words = [t.text for t in args]
        if words[:1] == ["once"]:
            if len(self.files) == 1:
                self.warn("#pragma once in main file", name_tok)
            self.once.add(f.path)
            if self._rec is not None:
                self._rec.once_add = True
            return
        if words[:1] in (["push_macro"], ["pop_macro"]) and len(args) >= 4 and args[2].kind == STRING:
            self._unrecordable()
            name = args[2].text[1:-1]
            stack = self.pushed_macros.setdefault(name, [])
            if words[0] == "push_macro":
                stack.append(self.macros.get(name))
            elif stack:
                old = stack.pop()
                if old is None:
                    self.expander.undefine(name)
                else:
                    self.expander.define(old)
            return
        if words[:2] == ["GCC", "system_header"]:
            return
        if words[:2] == ["GCC", "poison"]:
            return
        if words[:2] in (["GCC", "warning"], ["GCC", "error"]):
            msg = "#pragma %s" % _spell(args)
            if words[1] == "error":
                raise error_at(name_tok, msg)
            self.warn(msg, name_tok)
        if self.printer is not None and not self.lang.asm:     # gcc -E drops them in assembler
            self.printer.directive_line("#pragma " + _spell(args))

    def do_ident(self, f, name_tok, args):
        """gcc: one (macro-expanded) narrow string, printed as #ident "..."; more tokens
        after it are dropped with a warning."""
        toks = self.expand_directive(args)
        if not toks or toks[0].kind != STRING or not toks[0].text.startswith('"'):
            raise error_at(name_tok, "invalid #%s directive" % name_tok.text)
        if len(toks) > 1:
            self.warn("extra tokens at end of #%s directive" % name_tok.text, toks[1])
        if self.printer is not None and not self.lang.asm:
            self.printer.directive_line("#ident " + toks[0].text)

    do_sccs = do_ident

    # -- assertions (#assert machine(x86), #if #machine(x86)): gcc's deprecated extension
    def do_assert(self, f, name_tok, args):
        self._unrecordable()
        pred, answer, rest = self._assertion(name_tok, args)
        if answer is None:
            raise error_at(name_tok, "missing '(' after predicate")
        answers = self.assertions.setdefault(pred, [])
        if answer in answers:
            self.warn('"%s" re-asserted' % pred, name_tok)
        else:
            answers.append(answer)
        self._end_assertion(name_tok, rest)

    def do_unassert(self, f, name_tok, args):
        self._unrecordable()
        pred, answer, rest = self._assertion(name_tok, args)
        if answer is None:
            self.assertions.pop(pred, None)
        elif answer in self.assertions.get(pred, ()):
            self.assertions[pred].remove(answer)
        self._end_assertion(name_tok, rest)

    def _end_assertion(self, name_tok, rest):
        if rest:
            self.warn("extra tokens at end of #%s directive" % name_tok.text, rest[0])
        self._preamble_pending = False      # the state cache does not hold assertions

    def _assertion(self, name_tok, args):
        """(predicate, answer or None, tokens after) of ``pred(answer)``, unexpanded."""
        if not args:
            raise error_at(name_tok, "assertion without predicate")
        if args[0].kind != IDENT:
            raise error_at(args[0], "predicate must be an identifier")
        if len(args) < 2 or not args[1].is_op("("):
            return args[0].text, None, args[1:]
        for k in range(2, len(args)):
            if args[k].is_op(")"):
                if k == 2:
                    raise error_at(args[k], "predicate's answer is empty")
                return args[0].text, _answer_key(args[2:k]), args[k + 1:]
        raise error_at(name_tok, "missing ')' to complete answer")

    def _test_assertion(self, hash_tok):
        """``#pred`` or ``#pred(answer)`` in #if: 1 or 0 (the predicate is not expanded)."""
        exp = self.expander
        self._unrecordable()
        with exp.unexpanded():
            pred = exp.get_token_no_padding()
            if pred.kind == EOF:
                raise error_at(hash_tok, "assertion without predicate")
            if pred.kind != IDENT:
                raise error_at(pred, "predicate must be an identifier")
            t = exp.get_token_no_padding()
            answer = None
            if t.is_op("("):
                toks = []
                while True:
                    t = exp.get_token_no_padding()
                    if t.kind == EOF:
                        raise error_at(hash_tok, "missing ')' to complete answer")
                    if t.is_op(")"):
                        break
                    toks.append(t)
                if not toks:
                    raise error_at(t, "predicate's answer is empty")
                answer = _answer_key(toks)
            else:
                exp.backup()
        answers = self.assertions.get(pred.text, ())
        value = bool(answers) if answer is None else answer in answers
        return Token(NUMBER, "1" if value else "0", 0, hash_tok.line, hash_tok.col, hash_tok.file)

    def do_line(self, f, name_tok, args):
        toks = args if name_tok.kind != NUMBER else args
        if name_tok.text == "line":
            toks = self.expand_directive(args)
        if not toks or toks[0].kind != NUMBER or not toks[0].text.isdigit():
            raise error_at(name_tok, '"%s" after #line is not a positive integer'
                           % (toks[0].text if toks else ""))
        new_line = int(toks[0].text)
        name = None
        if len(toks) > 1:
            if toks[1].kind != STRING or not toks[1].text.startswith('"'):
                raise error_at(toks[1], '"%s" is not a valid filename' % toks[1].text)
            name = toks[1].text[1:-1]
        flags = [t.text for t in toks[2:]] if name_tok.kind == NUMBER else []
        if "1" in flags[:1]:                   # a line marker entering a file
            f.markers.append(f.presumed)
        elif "2" in flags[:1]:                 # ... and returning to its includer
            back = f.markers[-1] if f.markers else f.includer
            if not f.markers and self._rec is not None:
                self._rec.checks.append(("includer", f.includer))
            if back is None or (name and name != back):
                self.warn('file "%s" linemarker ignored due to incorrect nesting' % name, name_tok)
                return
            if f.markers:
                f.markers.pop()
            name = name or back
        # the line after the directive's newline (a spliced directive spans several lines)
        end = f.chunk.ends.get(f.pos)
        physical_next = (end if end is not None else name_tok.line - f.line_delta) + 1
        f.line_delta = new_line - physical_next
        if name is not None:
            f.presumed = name

    # ---------------------------------------------------------------- expansion in directives
    def expand_directive(self, args):
        exp = self.expander
        out = []
        with exp.reading(args):
            while True:
                t = exp.get_token()
                if t.kind == EOF:
                    break
                out.append(t)
            self._check_expander_errors()
        return out

    def evaluate(self, name_tok, args):
        if not args:
            raise error_at(name_tok, "#%s with no expression" % name_tok.text)
        exp = self.expander
        out = []
        with exp.reading(args):
            while True:
                toks, t = exp.read_to_operator()
                out += toks
                if t.kind == EOF:
                    break
                if t.kind == IDENT:         # defined
                    out.append(self._defined_operator(t))
                else:                       # #pred(answer)
                    out.append(self._test_assertion(t))
            self._check_expander_errors()
        if "on_unknown_macro_in_expr" in self.overridden:
            out = [self._unknown_in_expr(t) if t.kind == IDENT else t for t in out]
        try:
            return expression.evaluate(out, self.lang.short_wchar)
        except expression.ExpressionError as e:
            raise error_at(e.token if e.token is not None and e.token.file else name_tok, e.message)

    def _defined_operator(self, tok):
        exp = self.expander
        t = exp.get_token_unexpanded()
        paren = t.is_op("(")
        if paren:
            t = exp.get_token_unexpanded()
        if t.kind != IDENT:
            raise error_at(tok, 'operator "defined" requires an identifier')
        if paren and not exp.get_token_unexpanded().is_op(")"):
            raise error_at(tok, 'missing \')\' after "defined"')
        self._looked_up(t.text)
        if t.text not in self.macros and "on_unknown_macro_in_defined_expr" in self.overridden:
            from .pcpp_api import lextoken_of
            return Token(NUMBER, "1" if self.on_unknown_macro_in_defined_expr(lextoken_of(t)) is True
                         else "0", 0, tok.line, tok.col, tok.file)
        return Token(NUMBER, "1" if t.text in self.macros else "0", 0, tok.line, tok.col, tok.file)

    def _unknown_in_expr(self, tok):
        """pcpp's hook: the value of an identifier left in an #if (gcc: 0)."""
        value = self.on_unknown_macro_in_expr(tok.text)
        if not isinstance(value, int):
            value = 0           # None (pcpp: pass the #if through) is gcc's 0
        return Token(NUMBER, str(int(value)), 0, tok.line, tok.col, tok.file)

    def _check_expander_errors(self):
        diag = self.expander.take_diagnostic()
        if diag is not None:
            severity, message, token = diag
            f = self.files[-1] if self.files else None
            raise error_at(token, message, f.path if f else None, self.last.line if self.last else None)

    # ---------------------------------------------------------------- expander hooks
    def current_file_name(self, kind):
        f = self.files[-1] if self.files else None
        if kind == "__BASE_FILE__":
            if self.base_file_name is not None:
                return self.base_file_name
            name = self.main_path or ""
        else:
            name = f.presumed if f else (self.main_path or "")
        for old, new in self.prefix_maps:
            if name.startswith(old):
                name = new + name[len(old):]
                break
        if kind == "__FILE_NAME__":
            return os.path.basename(name)
        return name

    def include_level(self):
        return max(len(self.files) - 1, 0)

    def date_time(self, kind):
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        epoch = int(epoch) if epoch and epoch.isdigit() else None
        if kind == "__TIMESTAMP__":
            f = self.files[-1] if self.files else None
            try:
                st = os.stat(f.path)
                return '"%s"' % time.asctime(time.localtime(st.st_mtime))
            except (OSError, AttributeError):
                return '"??? ??? ?? ??:??:?? ????"'
        date, clock = date_time_strings(epoch)
        return date if kind == "__DATE__" else clock

    def has_feature(self, kind, name):
        return self.compiler.has_feature(kind, name)

    def has_include(self, exp, kind, tok):
        t = exp.get_token_no_padding()
        paren = t.is_op("(")
        if paren:
            t = exp.get_token_no_padding()
        else:
            exp.error('missing \'(\' before "%s" operand' % kind, tok)
        name = None
        angled = True
        if t.kind == STRING and t.text.startswith('"'):
            name, angled = t.text[1:-1], False
        elif t.is_op("<"):
            parts = []
            while True:
                t = exp.get_token_no_padding()
                if t.kind == EOF:
                    break
                if t.is_op(">"):
                    name = "".join(parts)
                    break
                if t.flags & PREV_WHITE and parts:
                    parts.append(" ")
                parts.append(t.text)
        else:
            exp.error('operator "%s" requires a header-name' % kind, tok)
        if paren and not exp.get_token_no_padding().is_op(")"):
            exp.error('missing \')\' after "%s" operand' % kind, tok)
        if name is None:
            return 0
        f = self.files[-1]
        start = None
        if kind == "__has_include_next" and f.chain_index is not None and len(self.files) > 1:
            start = f.chain_index + 1
        path, _ = self.search.find(name, angled, f.dir, start)
        if self._rec is not None:
            self._rec.checks.append(("has", name, angled, start, bool(path)))
        return 1 if path else 0

    # ---------------------------------------------------------------- state
    def snapshot(self, pos):
        """The state reached at token ``pos`` of the main file, as a plain value (lists,
        tuples, strings, bytes: ``marshal`` stores it): the macro table, ``__COUNTER__``,
        include guards, ``#pragma once`` files, the output so far, the warnings, and what
        decides whether it still holds (the files read, the directories searched)."""
        macros, counter = self.expander.state()
        encoded, conditions = self._encoder.encode(macros)
        main = self.files[0]
        saved = {
            "pos": pos, "preamble": state.preamble_signature(main.src.text, pos),
            "macros": encoded, "conditions": conditions, "counter": counter,
            "guards": sorted(self.guards.items()), "once": sorted(self.once),
            "output": self.printer.state() if self.printer is not None else ("", False),
            "warnings": [(w.message, w.file, w.line) for w in self.warnings[self._warnings_before:]],
            # the main file is covered by the signature of its leading directives
            "files": [(p, d) for p, d in self.files_read if p != self.main_path],
            "dirs": state.directory_stamps(self.search.probed),
            "at": self.started_ns,      # every file above was read after this
        }
        return saved

    def restore(self, saved):
        """Continue from ``snapshot``'s value: the main file must be open; returns the
        position in it to continue from (ValueError, before anything changed: the state
        was saved by a run that defined other macros before its first file)."""
        macros, self._encoder = state.decode_macros(saved["macros"], saved["conditions"], self.macros)
        self.expander.restore(macros, saved["counter"])
        self.guards = dict(saved["guards"])
        self.once = set(saved["once"])
        self.files_read = [entry for entry in self.files_read if entry[0] == self.main_path] + \
            [tuple(entry) for entry in saved["files"]]
        self._digests = dict(self.files_read)
        if self.printer is not None:
            self.printer.resume(saved["output"])
        for message, file, line in saved["warnings"]:
            self.warn_at(message, file, line)       # (the listener hears them, as on a cold run)
        return saved["pos"]

    def _start_from_saved_state(self, main):
        """Continue from this unit's own state (True: the -include files are read)."""
        saved = self.state_cache.load(lambda pos: state.preamble_signature(main.src.text, pos)
                                      if pos <= main.src.size else None)
        try:
            pos = self.restore(saved) if saved is not None else None
        except ValueError:      # (state.decode_macros: it does not fit; nothing changed yet)
            pos = None
        if pos is not None:
            self.seek(main, pos)
            self.cache_hit = True
            return True
        self._preamble_pending = True
        return False

    # ---------------------------------------------------------------- running
    def _command_line_file(self, name, option="-include"):
        """(path, chain index) of a -include/-imacros FILE: the working directory first,
        then the #include "..." chain, as gcc looks."""
        path, index = (name, None) if os.path.isfile(name) else self.search.find(name, False, "")
        if path is None:
            raise PreprocessError("%s %s: No such file or directory" % (option, name))
        return path, index

    def _scan_no_output(self, files):
        """gcc -imacros (cpp_scan_nooutput): each file's directives run, its text is read
        without macro expansion and thrown away (a #pragma line is still printed), before
        the main file (set aside meanwhile)."""
        main = self.files.pop()
        pending, self._preamble_pending = self._preamble_pending, False
        self._imacros = True
        try:
            for name in files:
                self.push_file(*self._command_line_file(name, "-imacros"))
                while True:
                    tok = self.expander.get_token_unexpanded()
                    if self.expander.diagnostics:
                        self._check_expander_errors()
                    if tok.kind == EOF:
                        break
        finally:
            self._preamble_pending = pending
            self._imacros = False
            self.files.append(main)

    def run(self, main_path, forced_includes=(), printer=None, imacros=()):
        """Preprocess ``main_path``, giving every output token to ``printer`` (gcc -E's
        text; None: no output); returns it.  ``imacros`` files are read first with their
        output thrown away (gcc -imacros), then ``forced_includes`` as if #included on the
        main file's first line (gcc -include).  A trace cut by ``--max-steps`` raises
        ``recorder.TraceCut``."""
        self._output_wanted = printer is not None
        self.started_ns = time.time_ns()
        if printer is None and self.state_cache is not None:
            # a trace prints the output of the headers too: the state it saves then is the
            # one ``expand`` needs, and the other way round (one cache entry for both)
            printer = Printer()
        if printer is not None and self.lang.asm:
            printer.pragmas = False
        self.main_path = main_path
        self.printer = printer
        self.eof = Token(EOF, "", 0, 0, 0, None)
        self.pushback = None
        self._warnings_before = len(self.warnings)
        self._encoder.start(self.macros)      # (the definitions every run of the key makes)
        main = self.push_file(main_path, None)
        started = self.state_cache is not None and self._start_from_saved_state(main)
        if started:
            forced_includes = ()
            if self.cache_hit and not self._output_wanted:
                self.printer = None
        elif imacros:
            self._scan_no_output(imacros)
        for inc in reversed(list(forced_includes)):
            self.push_file(*self._command_line_file(inc))
        exp = self.expander
        get = exp.get_token
        rec = self.recorder
        limit = self.max_output_tokens
        count = 0
        try:
            # no recorder: the expander's own loop prints (pump), until a diagnostic,
            # the end or the limit
            while rec is None:
                tok, count = exp.pump(self, count, limit)
                if limit is not None and count + self.replayed_tokens > limit:
                    raise _output_cut(tok, limit)
                if exp.diagnostics:
                    self._check_expander_errors()
                if tok.kind == EOF:
                    return printer if self._output_wanted else None
                p = self.printer          # (a diagnostic that raised nothing: on as below)
                if p is not None:
                    p.token(tok)
                if limit is not None:
                    count += 1
                    if count + self.replayed_tokens > limit:
                        raise _output_cut(tok, limit)
            while True:
                tok = get()
                if exp.diagnostics:       # (a list: cheap to test at every token)
                    self._check_expander_errors()
                if rec is not None:
                    rec.driver_tick(tok)
                if tok.kind == EOF:
                    break
                p = self.printer          # (dropped after the headers when only a trace
                if p is not None:         # wants them: see _end_of_preamble)
                    p.token(tok)
                if limit is not None:
                    count += 1
                    if count + self.replayed_tokens > limit:
                        raise _output_cut(tok, limit)
        except ExpansionError as e:
            raise error_at(e.token, str(e))
        except RecursionError:
            raise error_at(self.last, "expansion too deep to follow")
        finally:
            if self.segments is not None:
                self.segments.flush()
        return printer if self._output_wanted else None


def _output_cut(tok, limit):
    return error_at(tok, "output cut after %d tokens (a bigger output is refused)" % limit)


def _own_tokens(tokens):
    """pcpp's LexTokens given to define/undef become text to lex again."""
    if isinstance(tokens, (list, tuple)) and tokens and not isinstance(tokens[0], Token):
        return "".join(t.value for t in tokens)
    return tokens


_spell = spell_body      # a directive's tokens as written (white space normalised)


def _file_id(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, int(st.st_mtime)


def _contents(path):
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _answer_key(toks):
    """An assertion's answer compared as gcc compares it: the tokens and the white space
    between them (not before the first)."""
    return tuple((t.text, bool(k and t.flags & PREV_WHITE)) for k, t in enumerate(toks))


def _if_not_defined(args):
    """Guard name for ``#if !defined X`` / ``#if !defined(X)``, else None."""
    texts = [t.text for t in args]
    if len(texts) == 3 and texts[:2] == ["!", "defined"] and args[2].kind == IDENT:
        return texts[2]
    if len(texts) == 5 and texts[:3] == ["!", "defined", "("] and texts[4] == ")":
        return texts[3]
    return None


def __getattr__(name):
    """``Preprocessor``: the engine with pcpp's interface (pcpp_api.py), imported when
    asked for: the command line runs ``Engine`` and never imports pcpp."""
    if name == "Preprocessor":
        from .pcpp_api import Preprocessor
        return Preprocessor
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
