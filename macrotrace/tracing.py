"""Running a trace: configuration in, trace model out (no rendering here)."""

import difflib
import os

from .engine import session
from .engine.preprocessor import DIRECTIVE
from .engine.tokens import IDENT
from .trace.builder import TraceBuilder


def path_display(config):
    """How paths appear in traces: the bundled headers as ``headers/...``, files in a
    kernel tree relative to that tree (as Kbuild's -fmacro-prefix-map shows them),
    others relative to the working directory when inside it."""
    from .resources import headers_dir
    roots = [(headers_dir() + os.sep, "headers/")]
    base = config.cwd or os.getcwd()
    for d in config.include_dirs + config.system_dirs + config.forced_includes:
        ap = os.path.normpath(os.path.join(base, d))
        parts = ap.split(os.sep)
        if "include" in parts:
            root = os.sep.join(parts[:parts.index("include")])
            if root and os.path.exists(os.path.join(root, "Makefile")):
                roots.append((root + os.sep, ""))
    roots.sort(key=lambda r: -len(r[0]))
    user_cwd = os.getcwd()

    def display(path):
        if not path or path.startswith("<"):
            return path
        ap = os.path.normpath(os.path.join(base, path))
        for root, prefix in roots:
            if ap.startswith(root):
                return prefix + ap[len(root):]
        rel = os.path.relpath(ap, user_cwd)
        return ap if rel.startswith("..") else rel
    return display


def wanted(config):
    """The predicate choosing invocations: MACRO, written in FILE (not in a macro
    body or a directive), on --line if given."""
    source = config.source
    targets = set(config.macro.split(",")) if config.macro else set()
    line = config.line

    def want(tok, macro):
        return (tok.text in targets and tok.file == source and not tok.flags & DIRECTIVE
                and (line is None or tok.line == line))
    return want


def run_trace(config, on_warning=None, want=None):
    builder = TraceBuilder(config.macro, config.source, config.describe(), path_display(config))
    pp = session.trace(config, builder, want or wanted(config), on_warning)
    trace = builder.trace()
    attach_declarations(trace)
    # what was really in effect (a Kbuild command or autoconf.h decides, not our flags)
    trace.config["switches"] = {name: name in pp.macros for name in config.switches()}
    modname = pp.macros.get("KBUILD_MODNAME")
    if modname is not None and modname.spelling.startswith('"'):
        trace.config["modname"] = modname.spelling.strip('"')
    return trace, pp


def run_trace_reached(config, on_warning=None):
    """MACRO is never written in FILE: trace the invocations written there whose
    expansion reaches it (``__define_initcall`` through ``module_init``).  Their trees
    contain MACRO; a view focuses on it.  None when no invocation reaches it."""
    source, line = config.source, config.line
    targets = set(config.macro.split(","))

    def any_written(tok, macro):
        return tok.file == source and not tok.flags & DIRECTIVE and (line is None or tok.line == line)
    trace, pp = run_trace(config, on_warning, any_written)
    kept = [inv for inv in trace.invocations if _reaches(inv.tree, targets)]
    # an invocation nested in the arguments of another kept one is part of it already
    outer = []
    for inv in kept:
        if not any(o.line == inv.line and o.column < inv.column and
                   inv.source in o.source for o in outer):
            outer.append(inv)
    if not outer:
        return None, pp
    trace.invocations = outer
    used = {s.definition for inv in outer for s in inv.steps if s.definition}
    trace.definitions = {k: v for k, v in trace.definitions.items() if k in used}
    return trace, pp


def _reaches(node, targets):
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if n.macro in targets and n.step is not None:
            return True
        stack.extend(n.children)
    return False


def no_invocation_message(config, pp):
    """Why nothing was traced, with close names when the macro name looks mistyped."""
    name, source = config.macro, config.source
    tokens, _ = pp.file_cache.get(source, (None, None))
    idents = [t for t in tokens or () if t.kind == IDENT]
    used = [t for t in idents if t.text == name and not t.flags & DIRECTIVE]
    where = path_display(config)(source)
    if config.line is not None and used:
        lines = sorted({t.line for t in used})
        return "%s: no invocation of %s on line %d (it is used on line%s %s)" % (
            where, name, config.line, "s" if len(lines) > 1 else "", ", ".join(map(str, lines)))
    if used:
        return ("%s:%d: %s is used here but never expanded (not a macro at that point, "
                "inside #if 0, or a function-like macro without arguments)" % (where, used[0].line, name))
    candidates = {name for name in pp.macros if not name.startswith("__has_")}
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
        if pp.cut is not None:
            raise pp.cut            # a matrix of partial traces would compare nothing
        if not trace.invocations:
            raise_no_invocation(c, pp)
        runs.append((c.switches(), trace))
    return build_matrix(runs)


def raise_no_invocation(config, pp):
    from .config import ConfigError
    raise ConfigError(no_invocation_message(config, pp))


def attach_declarations(trace):
    """Each invocation's declarations table (never fails: a text pycparser cannot
    read gets one "unparsed" row saying why)."""
    from .declarations import declarations
    from .trace.model import Declaration
    for inv in trace.invocations:
        try:
            inv.declarations = declarations(inv.result)
        except Exception as e:          # a parser limit must not cost the trace
            inv.declarations = [Declaration(name="", kind="unparsed", type="", storage=[], attributes=[],
                                            note="%s: %s" % (type(e).__name__, e))]
