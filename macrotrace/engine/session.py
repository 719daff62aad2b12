"""Setting up and running one preprocessing run from a RunConfig.

This is the engine's front door: ``expand`` for ``macrotrace expand``, ``trace`` for
tracing (events go to a listener; ``want(name_token, macro)`` picks the invocations).
Both return a ``result.RunResult``; no engine object leaves this module.
"""

import contextlib
import os

from ..config import language
from .compiler import Compiler
from .diagnostics import error_at
from .includes import SearchPath
from .preprocessor import DIRECTIVE, Engine
from .printer import Printer
from .segments import SegmentStore
from .result import MacroInfos, RunResult
from .statecache import StateCache
from .tokens import IDENT


def make_preprocessor(config, listener=None, recorder=None, on_warning=None):
    dirs = config.search_dirs()
    compiler = Compiler(config.compiler or ("gcc",), config.compiler_flags, config.lang)
    # (a cold run asks the compiler all it needs in one run)
    compiler.prepare(system_dirs=config.use_system_dirs, predefined=bool(config.compiler))
    if config.use_system_dirs and compiler.available:
        # the compiler's own directories (<stddef.h>, <stdint.h>...), with --cc or without
        dirs["system"] = dirs["system"] + list(compiler.system_include_dirs())
    search = SearchPath(**dirs)
    unsaved = dict(config.unsaved)       # an editor's buffers stand for their files
    cache = StateCache(_cache_key(config, compiler, search), unsaved) if config.cache else None
    pp = Engine(search, compiler, listener, recorder, config.max_expansions,
                      config.max_output_tokens, lang=language(config),
                      prefix_maps=config.macro_prefix_maps, state_cache=cache,
                      warning_sink=on_warning,
                      unsaved=unsaved,
                      # gcc's __BASE_FILE__ for standard input
                      base_file_name="" if config.source_name == "<stdin>" else None,
                      segments=SegmentStore(_segment_key(config, compiler, search))
                      if config.cache else None)
    lang = pp.lang
    if config.compiler:
        predefined = compiler.predefined_macros()
    else:
        predefined = lang.predefined()
    for text in predefined:
        pp.define(text, site=("<built-in>", 0))
    for kind, value in config.all_macro_options():
        if kind == "D":
            pp.define_option(value)
        else:
            pp.undef_option(value)
    return pp


def _cache_key(config, compiler, search):
    """Everything besides file contents that decides the state after the headers (the
    same for a trace and an expand: each reuses what the other saved)."""
    return (config.describe(), os.path.abspath(config.source), os.getcwd(),
            compiler._cache_key(), config.compiler_flags, config.std, config.lang, config.trigraphs,
            config.dollars, config.use_system_dirs,
            config.macro_prefix_maps, search.quote, search.chain,
            [os.path.abspath(p) for p in config.forced_includes],
            [os.path.abspath(p) for p in config.imacros])


def _segment_key(config, compiler, search):
    """What decides a header's segments besides their dependencies (segments.py): the
    language, the compiler's answers, the search path, the limits; not the unit, its
    -D/-U options or its -include files (the macros a segment looked at are checked)."""
    return (os.getcwd(), compiler._cache_key(), config.compiler_flags, config.std, config.lang,
            config.trigraphs, config.dollars, config.use_system_dirs, config.macro_prefix_maps,
            search.quote, search.chain, config.max_expansions, config.max_output_tokens)


@contextlib.contextmanager
def in_build_dir(config):
    """Run where the compiler ran: relative -I paths and __FILE__ depend on it."""
    if not config.cwd:
        yield
        return
    old = os.getcwd()
    os.chdir(config.cwd)
    try:
        yield
    finally:
        os.chdir(old)


def expand(config, on_warning=None):
    """The whole translation unit preprocessed, as ``gcc -E -P`` prints it (``text``)."""
    with in_build_dir(config):
        pp = make_preprocessor(config, on_warning=on_warning)
        printer = Printer()
        pp.run(config.source, config.forced_includes, printer, config.imacros)
        return _result(pp, config, text=printer.text())


def trace(config, listener, want, on_warning=None):
    """Preprocess, reporting the expansion of every invocation ``want`` accepts.

    When a trace needs more than ``config.max_steps`` steps the run stops there; the
    listener has the traces so far (the last one marked cut) and the result's ``cut``
    holds the error to report after them."""
    from .recorder import Recorder, TraceCut        # (an expand never needs it)
    recorder = Recorder(listener, want, config.max_steps)
    with in_build_dir(config):
        pp = make_preprocessor(config, listener, recorder, on_warning=on_warning)
        cut = None
        try:
            pp.run(config.source, config.forced_includes, None, config.imacros)
        except TraceCut as e:
            cut = error_at(e.token, str(e))
        return _result(pp, config, cut=cut)


def _result(pp, config, cut=None, text=None):
    return RunResult(cut=cut, macros=MacroInfos(pp.macros), warnings=[str(w) for w in pp.warnings],
                     files=[path for path, _ in pp.files_read],
                     source_identifiers=_source_identifiers(pp, config.source), text=text,
                     cache_hit=pp.cache_hit,
                     segments=(pp.segments.hits, pp.segments.misses) if pp.segments else None)


def _source_identifiers(pp, source):
    """Identifier -> lines where the main file writes it outside directives."""
    src = pp.file_cache.get(source)
    out = {}
    for t in src.all_tokens() if src is not None else ():
        if t.kind == IDENT and not t.flags & DIRECTIVE:
            out.setdefault(t.text, []).append(t.line)
    return out
