"""Setting up and running one preprocessing run from a RunConfig.

This is the engine's front door: ``expand`` for ``macrotrace expand``, ``trace`` for
tracing (events go to a listener; ``want(name_token, macro)`` picks the invocations).
"""

import contextlib
import os

from .compiler import Compiler
from .diagnostics import PreprocessError
from .includes import SearchPath
from .preprocessor import Preprocessor
from .printer import Printer
from .recorder import Recorder
from .statecache import StateCache


def make_preprocessor(config, listener=None, recorder=None, mode="trace"):
    from ..config import language

    dirs = config.search_dirs()
    compiler = Compiler(config.compiler or ("gcc",), config.compiler_flags, config.lang)
    if config.use_system_dirs and compiler.available:
        # the compiler's own directories (<stddef.h>, <stdint.h>...), with --cc or without
        dirs["system"] = dirs["system"] + list(compiler.system_include_dirs())
    search = SearchPath(**dirs)
    pp = Preprocessor(search, compiler, listener, recorder, config.max_expansions,
                      config.max_output_tokens)
    lang = language(config)
    pp.set_lang(lang)
    if config.compiler:
        predefined = compiler.predefined_macros()
    else:
        predefined = lang.predefined()
    for text in predefined:
        pp.define(text, site=("<built-in>", 0))
    pp.prefix_maps = list(config.macro_prefix_maps)
    if config.source_name == "<stdin>":
        pp.base_file_name = ""          # gcc's __BASE_FILE__ for standard input
    pp.unsaved = dict(config.unsaved)
    if config.cache:
        pp.state_cache = StateCache(_cache_key(config, compiler, search, mode), pp.unsaved)
    for kind, value in config.all_macro_options():
        if kind == "D":
            pp.define_option(value)
        else:
            pp.undef(value)
    return pp


def _cache_key(config, compiler, search, mode):
    """Everything besides file contents that decides the state after the headers."""
    return (mode, config.describe(), os.path.abspath(config.source), os.getcwd(),
            compiler._cache_key(), config.compiler_flags, config.std, config.lang, config.trigraphs,
            config.dollars, config.use_system_dirs,
            config.macro_prefix_maps, search.quote, search.chain,
            [os.path.abspath(p) for p in config.forced_includes],
            [os.path.abspath(p) for p in config.imacros])


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
    """The whole translation unit preprocessed, as ``gcc -E -P`` prints it."""
    with in_build_dir(config):
        pp = make_preprocessor(config, mode="expand")
        pp.warning_sink = on_warning
        printer = Printer()
        pp.run(config.source, config.forced_includes, printer, config.imacros)
        return printer.text()


def trace(config, listener, want, on_warning=None):
    """Preprocess, reporting the expansion of every invocation ``want`` accepts.

    When a trace needs more than ``config.max_steps`` steps the run stops there; the
    listener has the traces so far (the last one marked cut) and ``pp.cut`` holds the
    error to report after them."""
    recorder = Recorder(listener, want, config.max_steps)
    with in_build_dir(config):
        pp = make_preprocessor(config, listener, recorder)
        pp.warning_sink = on_warning
        pp.cut = None
        try:
            pp.run(config.source, config.forced_includes, None, config.imacros)
        except PreprocessError as e:
            if not getattr(e, "trace_cut", False):
                raise
            pp.cut = e
    return pp
