"""Running a trace: configuration in, trace model out (no rendering here)."""

import difflib
import os

from .engine import session
from .engine.preprocessor import DIRECTIVE
from .engine.tokens import IDENT
from .trace.builder import TraceBuilder


def _display(path):
    """Paths in traces are relative to the working directory when inside it, and the
    bundled headers are shown as ``headers/...`` wherever they are installed."""
    if not path or path.startswith("<"):
        return path
    from .resources import headers_dir
    hd = headers_dir()
    ap = os.path.abspath(path)
    if ap.startswith(hd + os.sep):
        return "headers/" + os.path.relpath(ap, hd)
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        return path if rel.startswith("..") else rel
    return os.path.normpath(path)


def wanted(config):
    """The predicate choosing invocations: MACRO, written in FILE (not in a macro
    body or a directive), on --line if given."""
    source = config.source
    target = config.macro
    line = config.line

    def want(tok, macro):
        return (tok.text == target and tok.file == source and not tok.flags & DIRECTIVE
                and (line is None or tok.line == line))
    return want


def run_trace(config, on_warning=None):
    builder = TraceBuilder(config.macro, config.source, config.describe(), _display)
    pp = session.trace(config, builder, wanted(config), on_warning)
    return builder.trace(), pp


def no_invocation_message(config, pp):
    """Why nothing was traced, with close names when the macro name looks mistyped."""
    name, source = config.macro, config.source
    tokens, _ = pp.file_cache.get(source, (None, None))
    idents = [t for t in tokens or () if t.kind == IDENT]
    used = [t for t in idents if t.text == name and not t.flags & DIRECTIVE]
    where = _display(source)
    if config.line is not None and used:
        lines = sorted({t.line for t in used})
        return "%s: no invocation of %s on line %d (it is used on line%s %s)" % (
            where, name, config.line, "s" if len(lines) > 1 else "", ", ".join(map(str, lines)))
    if used:
        return ("%s:%d: %s is used here but never expanded (not a macro at that point, "
                "inside #if 0, or a function-like macro without arguments)" % (where, used[0].line, name))
    candidates = {t.text for t in idents} | set(pp.macros)
    close = difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.6)
    hint = " (did you mean %s?)" % ", ".join(close) if close else ""
    return "%s: %s is never invoked in this file%s" % (where, name, hint)


def run_matrix(config, on_warning=None):
    """Trace under every combination of --lto, --prel32, --module."""
    import itertools
    from .trace.matrix import build_matrix
    runs = []
    for lto, prel32, module in itertools.product((False, True), repeat=3):
        c = config.with_switches(lto, prel32, module)
        trace, pp = run_trace(c, on_warning)
        if not trace.invocations:
            raise_no_invocation(c, pp)
        runs.append((c.switches(), trace))
    return build_matrix(runs)


def raise_no_invocation(config, pp):
    from .config import ConfigError
    raise ConfigError(no_invocation_message(config, pp))
