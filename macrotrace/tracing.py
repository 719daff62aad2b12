"""Running a trace: configuration in, trace model out (no rendering here).

Nothing here touches a preprocessor object: the engine's session returns a plain
result value (cut or not, the macros defined at the end, the identifiers written in
the main file), and the trace model is built from the events it reported.
"""

import itertools
import os
import re

from .config import SWITCHES, ConfigError, switch_order
from . import progress
from .engine import session
from .engine.preprocessor import DIRECTIVE
from .resources import headers_dir
from .trace.builder import TraceBuilder
from .trace.matrix import build_matrix
from .trace.model import Declaration

MAX_AXES = 6            # --matrix by default: at most 2**6 runs
_NAME = re.compile(r"[A-Za-z_]\w*\Z")


def path_display(config):
    """How paths appear in traces: the bundled headers as ``headers/...``, files in a
    kernel tree relative to that tree (as Kbuild's -fmacro-prefix-map shows them),
    others relative to the working directory when inside it."""
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

    given = os.path.normpath(os.path.join(base, config.source)) if config.source_name else None

    def display(path):
        if not path or path.startswith("<"):
            return path
        ap = os.path.normpath(os.path.join(base, path))
        if ap == given:
            return config.source_name
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


def run_trace(config, on_warning=None, interrupt=None, want=None, stream=None):
    """Trace ``config.macro`` in ``config.source``: (Trace, RunResult).  A run cut by
    --max-steps keeps the invocations so far (the last one marked cut) and
    ``result.cut`` says why.  ``interrupt`` (optional) is called at every macro
    expansion and may raise to stop the run (the language server stops work for a
    document that changed).  ``want`` replaces the choice of invocations (wanted()).
    ``stream`` (a streaming.Stream): each invocation is finished, with the stream's
    view, as it completes and kept out of memory (the trace's view is then recorded)."""
    builder = TraceBuilder(config.macro, config.source, config.describe(), path_display(config),
                           sink=stream.take if stream is not None else None)
    if stream is not None:
        stream.start(builder, declarations_of if config.lang == "c" else None)
    want = want or wanted(config)
    if interrupt is not None:
        chosen = want

        def want(tok, macro):
            interrupt()
            return chosen(tok, macro)
    progress.add("units", 0)
    progress.watch("invocations traced", lambda: builder.count)
    try:
        result = session.trace(config, builder, want, on_warning)
    finally:
        progress.unwatch("invocations traced")
    progress.add("units")
    if stream is not None:
        trace = stream.trace()
    else:
        trace = builder.trace()
        if config.lang == "c":          # assembler and linker scripts declare no C
            attach_declarations(trace)
    # what was really in effect (a Kbuild command or autoconf.h decides, not our flags)
    trace.config["switches"] = {name: name in result.macros for name in config.switches()}
    modname = result.macros.get("KBUILD_MODNAME")
    if modname is not None and modname.spelling.startswith('"'):
        trace.config["modname"] = modname.spelling.strip('"')
    return trace, result


def run_trace_reached(config, on_warning=None):
    """MACRO is never written in FILE: trace the invocations written there whose
    expansion reaches it (``__define_initcall`` through ``module_init``).  Their trees
    contain MACRO; a view focuses on it.  None when no invocation reaches it."""
    source, line = config.source, config.line
    targets = set(config.macro.split(","))

    def any_written(tok, macro):
        return tok.file == source and not tok.flags & DIRECTIVE and (line is None or tok.line == line)
    trace, result = run_trace(config, on_warning, want=any_written)
    kept = [inv for inv in trace.invocations if _reaches(inv.tree, targets)]
    # an invocation nested in the arguments of another kept one is part of it already
    outer = []
    for inv in kept:
        if not any(o.line == inv.line and o.column < inv.column and
                   inv.source in o.source for o in outer):
            outer.append(inv)
    if not outer:
        return None, result
    trace.invocations = outer
    used = {s.definition for inv in outer for s in inv.steps if s.definition}
    trace.definitions = {k: v for k, v in trace.definitions.items() if k in used}
    return trace, result


def _reaches(node, targets):
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if n.macro in targets and n.step is not None:
            return True
        stack.extend(n.children)
    return False


def whole_trace(config, on_warning=None):
    """run_trace() for callers that need every invocation: a cut run, or one that
    traced nothing, is an error (ConfigError or the cut's PreprocessError)."""
    trace, result = run_trace(config, on_warning)
    if result.cut is not None:
        raise result.cut
    if not trace.invocations:
        raise ConfigError(no_invocation_message(config, result))
    return trace


def no_invocation_message(config, result):
    """Why nothing was traced, with close names when the macro name looks mistyped."""
    name, source = config.macro, config.source
    lines = sorted(set(result.source_identifiers.get(name, ())))
    where = path_display(config)(source)
    if config.line is not None and lines:
        return "%s: no invocation of %s on line %d (it is used on line%s %s)" % (
            where, name, config.line, "s" if len(lines) > 1 else "", ", ".join(map(str, lines)))
    if lines:
        return ("%s:%d: %s is used here but never expanded (not a macro at that point, "
                "inside #if 0, or a function-like macro without arguments)" % (where, lines[0], name))
    if name in result.macros:
        from .not_invoked import defined_not_invoked
        return defined_not_invoked(config, result.macros[name], where, path_display(config))
    candidates = {m for m in result.macros if not m.startswith("__has_") and m != name}
    import difflib
    close = difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.6)
    hint = " (did you mean %s?)" % ", ".join(close) if close else ""
    return "%s: %s is never invoked in this file%s" % (where, name, hint)


def matrix_axes(text):
    """--matrix's optional value: comma-separated macro names (None: the default)."""
    if text is None or text == "":
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    bad = [n for n in names if not _NAME.match(n)]
    if bad or not names:
        raise ConfigError("--matrix takes macro names separated by commas, not %r" % (bad or [text])[0])
    return list(dict.fromkeys(names))


def run_matrix(config, on_warning=None, axes=None):
    """Trace under every combination of the switch macros ``axes`` (each defined or
    not).  By default: the switches of the table (config.SWITCHES), then whatever else
    the trace of ``config`` depends on (trace/depends.py).  What the other
    combinations' traces depend on besides the axes is reported, not varied
    (Matrix.also_depends_on)."""
    done = {}                       # switches_on -> Trace

    def trace_of(values):
        c = config.with_switches(values)
        if c.switches_on not in done:
            done[c.switches_on] = whole_trace(c, on_warning)   # partial traces compare nothing
        return done[c.switches_on]

    if axes is None:
        axes = switch_order([s.macro for s in SWITCHES] + trace_of({}).depends_on)
    if len(axes) > MAX_AXES:
        raise ConfigError("--matrix would vary %d symbols (%s): %d runs, more than %d; name at most "
                          "%d to vary, e.g. --matrix=%s" % (len(axes), ", ".join(axes), 2 ** len(axes),
                                                           2 ** MAX_AXES, MAX_AXES, ",".join(axes[:3])))
    runs = []
    progress.total("configurations", 2 ** len(axes))
    for values in itertools.product((False, True), repeat=len(axes)):
        switches = dict(zip(axes, values))
        runs.append((switches, trace_of(switches)))
        progress.add("configurations")
    matrix = build_matrix(runs)
    matrix.also_depends_on = list(dict.fromkeys(s for _, t in runs for s in t.depends_on if s not in axes))
    return matrix


def attach_declarations(trace):
    """Each invocation's declarations table (never fails: a text pycparser cannot
    read gets one "unparsed" row saying why)."""
    for inv in trace.invocations:
        inv.declarations = declarations_of(inv)


def declarations_of(inv):
    """One invocation's declarations table (see attach_declarations)."""
    # imported here, not at the top: pycparser is a third of a start-up that does not trace
    from .declarations import declarations
    try:
        return declarations(inv.result)
    except Exception as e:          # a parser limit must not cost the trace
        return [Declaration(name="", kind="unparsed", type="", storage=[], attributes=[],
                            note="macrotrace could not read this text as C "
                                 "declarations (%s)" % type(e).__name__)]
