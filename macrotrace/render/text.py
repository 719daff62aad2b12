"""The terminal view of a trace, in a view (trace/views.py): the visible steps, hidden
ones folded into the next, at the terminal's width; the inserted span of each step
highlighted when the output is a terminal (and ``NO_COLOR`` is not set)."""

import os

from ..trace.matrix import Matrix
from .wrap import WIDTH, changed_region, lines_of, shorten_middle, terminal_width  # noqa: F401

INDENT = "     "
ELIDE_AFTER = 1         # a step's text longer than this many lines shows only what changed


class Style:
    def __init__(self, color, width=WIDTH):
        self.color = color
        self.width = width

    def _wrap(self, code, text):
        return "\x1b[%sm%s\x1b[0m" % (code, text) if self.color and text else text

    def bold(self, t):
        return self._wrap("1", t)

    def dim(self, t):
        return self._wrap("2", t)

    def macro(self, t):
        return self._wrap("1;36", t)

    def mark(self, t):
        return self._wrap("1;33", t)

    def result(self, t):
        return self._wrap("1;32", t)


def _wrap_marked(text, span, style, indent=INDENT, width=WIDTH):
    """Wrap ``text`` at ``width`` (not inside literals); colour ``text[span[0]:span[1]]``."""
    out = []
    a, b = span if style.color and span and span[0] != span[1] else (0, 0)
    for start, end in lines_of(text, max(10, width - len(indent))):
        line = text[start:end]
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            line = line[:lo - start] + style.mark(line[lo - start:hi - start]) + line[hi - start:]
        out.append(indent + line)
    return "\n".join(out)


def _wrap_changed(before, after, span, style, keep=ELIDE_AFTER):
    """The text after a frame, wrapped; when it is longer than ``keep`` lines only the
    lines that changed are shown, the others (which the previous frame showed) are an
    ellipsis at the start or end."""
    width = max(10, style.width - len(INDENT) - 4)
    lines = lines_of(after, width)
    if len(lines) <= keep:
        return _wrap_marked(after, span, style, width=style.width)
    lo, hi = changed_region(before, after)
    if span:
        lo, hi = min(lo, span[0]), max(hi, span[1])
    wanted = [k for k, (a, b) in enumerate(lines) if a <= hi and b >= lo] or [0]
    first, last = wanted[0], wanted[-1]
    out = []
    for k in range(first, last + 1):
        a, b = lines[k]
        line = after[a:b]
        if span and span[0] < b and span[1] > a and style.color:
            x, y = max(span[0], a) - a, min(span[1], b) - a
            line = line[:x] + style.mark(line[x:y]) + line[y:]
        if k == first and first > 0:
            line = style.dim("… ") + line
        if k == last and last < len(lines) - 1:
            line += style.dim(" …")
        out.append(INDENT + line)
    return "\n".join(out)


def _config_line(config):
    sw = config.get("switches", {})
    parts = ["%s=%s" % (k, "y" if v else "n") for k, v in sw.items()]
    if config.get("modname"):
        parts.append("KBUILD_MODNAME=\"%s\"" % config["modname"])
    return "  ".join(parts)


def _definition_note(trace, key):
    d = trace.definitions.get(key)
    if d is None:
        return ""
    note = d.where()
    if d.builtin or d.command_line:
        return note
    conds = [c for c in d.conditions if not c.include_guard]
    if conds:
        note += " · " + "; ".join(_condition_text(c) for c in conds[-2:])
    return note


def _condition_text(c):
    if c.directive == "else":
        return "#else of %s" % c.description
    return "#%s %s: %s" % (c.directive, c.expression, c.description)


def _wrapped(text, first, rest, paint=None, width=WIDTH):
    """Wrap plain text at ``width`` (never inside a literal); ``paint`` colours each line."""
    paint = paint or (lambda t: t)
    return [(rest if k else first) + paint(text[a:b])
            for k, (a, b) in enumerate(lines_of(text, max(10, width - len(rest))))]


def _argument_lines(step, style):
    lines = []
    deep = INDENT + "    "
    w = style.width
    plain = []              # arguments with nothing to say but their text go on one line
    for arg in step.arguments:
        notes = _argument_notes(arg)
        if not notes:
            plain.append("%s = %s" % (arg.parameter, arg.written or "(empty)"))
            continue
        if plain:
            lines.extend(_wrapped(", ".join(plain), INDENT, deep, width=w))
            plain = []
        lines.extend(_wrapped("%s = %s" % (arg.parameter, arg.written or "(empty)"), INDENT, deep, width=w))
        lines.extend(_wrapped("(" + "; ".join(notes) + ")", deep, deep, style.dim, width=w))
    if plain:
        lines.extend(_wrapped(", ".join(plain), INDENT, deep, width=w))
    for p in step.pastes:
        text = ("%s ## %s: not a valid token" % (p.lhs, p.rhs) if p.result is None
                else "%s ## %s → %s" % (p.lhs, p.rhs, p.result))
        lines.extend(_wrapped(text, INDENT, deep, width=w))
    return lines


def _argument_notes(arg):
    notes = []
    if arg.expanded is not None and arg.expanded != arg.written:
        notes.append("pre-expanded to %s" % (arg.expanded or "(nothing)"))
    if "expanded" not in arg.uses and arg.uses and arg.written:
        notes.append("%s operand: not pre-expanded" % "/".join(arg.uses))
    if arg.stringified is not None:
        notes.append("#%s gives %s" % (arg.parameter, arg.stringified))
    return notes


def _names(index, ids, shown_only=None):
    return [index[i][0].macro for i in ids if i in index and (shown_only is None or shown_only(i))]


def spine_line(view, fits=None):
    """``module_init → __initcall → … (73 steps, 50 hidden)``: the visible macros on the
    main rescan path; when the line does not ``fits(line)``, the names before the last
    are elided (the start of the story and its end stay)."""
    inv = view.invocation
    node_shown = {s.node: v for s, v in zip(inv.steps, view.shown) if s.node is not None}
    names = _names(view.index, view.spine, lambda i: node_shown.get(i, True))
    total = len(inv.steps) - 1
    hidden = view.hidden_count
    counts = " (%d step%s%s)" % (total, "" if total == 1 else "s", ", %d hidden" % hidden if hidden else "")
    shown, cut = list(names), False

    def line():
        return " → ".join(shown[:-1] + ["…"] * cut + shown[-1:]) + counts
    while fits and len(shown) > 3 and not fits(line()):
        del shown[-2]
        cut = True
    return line()


def backtrace_line(view, step):
    names = _names(view.index, step.backtrace if step.backtrace is not None else
                   _backtrace(view.index, step.node))
    return "in expansion of " + " → ".join(names) if names else "at the top level"


def _backtrace(index, node):
    from ..trace.views import backtrace
    return backtrace(index, node)


class _Seen:
    """What the text already said, so it is not repeated step after step."""

    def __init__(self):
        self.conditions = set()     # (file, line) of the #if directives already shown


def _new_conditions(d, seen):
    """The #if chain of a definition, each directive said once per invocation: the
    chain of the next definition in the same #ifndef MODULE block is not repeated."""
    if d is None or d.builtin or d.command_line:
        return ""
    conds = [c for c in d.conditions if not c.include_guard][-2:]
    new = [c for c in conds if (c.file, c.line) not in seen.conditions]
    seen.conditions.update((c.file, c.line) for c in conds)
    return "; ".join(_condition_text(c) for c in new)


def _step_lines(trace, view, frame, style, seen, opts):
    steps = view.invocation.steps
    out = []
    if frame.folded:
        from ..trace.views import folded_summary
        out.extend(_wrapped("+ " + folded_summary(steps, frame.folded), INDENT, INDENT + "  ",
                            style.dim, width=style.width))
    if frame.step is None:
        if not opts.get("ends_at_result"):     # else the result, printed next, is this text
            out.append(_wrap_changed(frame.before, frame.after, None, style))
        return out
    step = steps[frame.step]
    d = trace.definitions.get(step.definition)
    name = d.signature if d is not None and not d.builtin else (step.macro or "")
    header = "%3d  %s" % (step.index, style.macro(name))
    plain = "%3d  %s" % (step.index, name)
    if step.kind == "builtin":
        header += "  → %s" % step.value
        plain += "  → %s" % step.value
    where = d.where() if d is not None else ""
    if where and len(plain) + 2 + len(where) <= style.width:
        out.append(header + "  " + style.dim(where))
    else:
        out.append(header)
        if where:
            out.append(INDENT + style.dim(where))
    conds = _new_conditions(d, seen)
    if conds:
        out.extend(_wrapped(conds, INDENT, INDENT + "  ", style.dim, width=style.width))
    if opts.get("backtrace"):
        out.extend(_wrapped(backtrace_line(view, step), INDENT, INDENT + "  ", style.dim,
                            width=style.width))
    out.extend(_argument_lines(step, style))
    out.append(_wrap_changed(frame.before, frame.after, frame.span, style))
    return out


def _brief_line(trace, view, frame, style):
    """``12  __initcall_id(fn) [init.h:66] → …`` shortened in the middle to the width."""
    steps = view.invocation.steps
    if frame.step is None:
        from ..trace.views import folded_summary
        return INDENT + style.dim("+ " + folded_summary(steps, frame.folded))
    step = steps[frame.step]
    d = trace.definitions.get(step.definition)
    where = d.where() if d is not None else ""
    if where and not (d.builtin or d.command_line):
        where = os.path.basename(d.file) + ":%d" % d.line
    replaced = " ".join((step.replaced or step.macro or "").split())
    inserted = step.value if step.kind == "builtin" else step.inserted
    inserted = " ".join((inserted or "").split())
    where = " [%s] → " % where if where else " → "
    tail = "   (+%d hidden)" % len(frame.folded) if frame.folded else ""
    room = style.width - 5 - len(where) - len(tail)
    # the replaced text and the inserted one share the room, each shortened in its middle
    a = min(len(replaced), max(room // 2, room - len(inserted)))
    b = max(1, room - a)
    return "%3d  %s%s%s%s" % (step.index, shorten_middle(replaced, max(5, a)), where,
                               shorten_middle(inserted, max(5, b)), tail)


def _film_lines(trace, view, film, style, seen, opts):
    steps = view.invocation.steps
    out = []
    if film.focus is not None:
        node = view.index[film.focus][0]
        where = backtrace_line(view, steps[node.step])
        out.extend(_wrapped("focus: %s at step %d (%s)" % (node.macro, node.step, where), "  ", "    ",
                            style.bold, width=style.width))
        out.append(_wrap_marked(film.source, None, style, width=style.width))
    if film.skipped:
        first = steps[film.frames[0].step] if film.frames and film.frames[0].step is not None else None
        out.append(style.dim("  … %d step%s before the breakpoint not shown" % (
            film.skipped, "" if film.skipped == 1 else "s")))
        if first is not None:
            out.append(style.bold("  break at %s: " % first.macro) + backtrace_line(view, first))
        out.append(_wrap_marked(film.source, None, style, width=style.width))
    for frame in film.frames:
        if opts.get("brief"):
            out.append(_brief_line(trace, view, frame, style))
        else:
            last = frame is film.frames[-1] and film.focus is None
            out.extend(_step_lines(trace, view, frame, style, seen, dict(opts, ends_at_result=last)))
    if film.focus is not None:
        out.extend(_labelled("  becomes: ", film.end, style))
    return out


def _labelled(label, text, style):
    """``label`` then ``text`` wrapped under it, as the result is shown."""
    width = max(10, style.width - len(INDENT))
    return [(style.bold(label) if k == 0 else INDENT) + style.result(text[a:b])
            for k, (a, b) in enumerate(lines_of(text, width, width - len(label) + len(INDENT)))]


def render_invocation(trace, inv, style, view=None, opts=None):
    from ..trace.views import ALL_STEPS, view_invocation
    opts = opts or {}
    view = view or view_invocation(trace, inv, ALL_STEPS)
    out = []
    out.extend(_wrapped("%s:%d:%d: %s" % (inv.file, inv.line, inv.column, inv.source), "", "    ",
                        style.bold, width=style.width))
    root = inv.tree.macro if inv.tree is not None else None
    if root and trace.macro and root not in trace.macro.split(","):
        out.append(style.dim("  %s reached through %s at line %d" % (trace.macro, root, inv.line)))
    # the spine in at most two lines
    def two_lines(text):
        return len(_wrapped(text, "  ", "    ", width=style.width)) <= 2
    out.extend(_wrapped(spine_line(view, two_lines), "  ", "    ", style.dim, width=style.width))
    seen = _Seen()
    if not view.films:
        what = "breakpoint" if opts.get("breaks") else "focused macro"
        out.append(style.dim("  (no %s in this invocation)" % what))
    for film in view.films:
        out.extend(_film_lines(trace, view, film, style, seen, opts))
    if inv.cut:
        out.append(style.bold("  cut:") + " the trace stopped after %d steps (--max-steps); "
                   "no result" % (len(inv.steps) - 1))
        return "\n".join(out)
    out.extend(_labelled("  result: ", inv.result, style))
    if inv.declarations:
        out.append(style.bold("  declares:"))
        for d in inv.declarations:
            out.extend(_wrapped(declaration_line(d), INDENT, INDENT + "    ", width=style.width))
    return "\n".join(out)


def declaration_line(d):
    if d.kind == "static_assert":
        return "static_assert(%s)" % d.initializer
    if d.kind == "unparsed":
        return "(not parsed: %s)" % d.note
    parts = ["%s %s" % (d.kind, d.name)]
    if d.type:
        parts.append("type %s" % d.type)
    if d.storage:
        parts.append(" ".join(d.storage))
    if d.section:
        parts.append("section %s" % d.section)
    if d.alias_of:
        parts.append("alias of %s" % d.alias_of)
    if d.copy_of:
        parts.append("copies attributes of %s" % d.copy_of)
    if d.used:
        parts.append("used")
    if d.initializer and d.kind != "asm entry":
        parts.append("= %s" % d.initializer)
    if d.relocation:
        parts.append(d.relocation)
    return "; ".join(parts)


def render(trace, color=False, options=None, width=WIDTH, brief=False, backtrace=False):
    """The trace as text, in the view ``options`` (views.ViewOptions; None: all steps)."""
    from ..trace.views import ALL_STEPS, view
    options = options or ALL_STEPS
    style = Style(color, width)
    views = view(trace, options)
    head = "%s in %s — %d invocation%s" % (trace.macro, trace.file, len(trace.invocations),
                                           "" if len(trace.invocations) == 1 else "s")
    parts = [style.bold(head)] + _wrapped(_config_line(trace.config), "", "  ", style.dim, style.width)
    if trace.depends_on:
        parts.extend(_wrapped("depends on: " + ", ".join(trace.depends_on), "", "  ", style.dim, style.width))
    hidden = sum(v.hidden_count for v in views)
    total = sum(len(v.invocation.steps) - 1 for v in views)
    if hidden:
        parts.extend(_wrapped("%d of %d steps hidden by the %s view (--all-steps shows every step)"
                              % (hidden, total, _view_name(options)), "", "  ", style.dim, style.width))
    parts.append("")
    opts = {"brief": brief, "backtrace": backtrace, "breaks": options.breaks}
    for v in views:
        parts.append(render_invocation(trace, v.invocation, style, v, opts))
        parts.append("")
    text = "\n".join(parts)
    if trace.verified_sections is not None:
        text += verification_text(trace)
    return text


def _view_name(options):
    bits = [] if options.all_steps else ["policy " + options.policy]
    bits += ["--hide"] * bool(options.hide) + ["--hide-file"] * bool(options.hide_files)
    if options.depth is not None:
        bits.append("--depth %d" % options.depth)
    return ", ".join(bits)


def render_matrix(matrix, color=False):
    style = Style(color)
    out = [style.bold("%s in %s — %d configurations, %d distinct result%s" % (
        matrix.macro, matrix.file, len(matrix.runs), len(matrix.groups),
        "" if len(matrix.groups) == 1 else "s"))]
    if matrix.runs:
        out.extend(_wrapped("varied: " + (", ".join(matrix.runs[0].switches) or "nothing"), "", "  ", style.dim))
    if matrix.also_depends_on:
        out.extend(_wrapped("also depends on (not varied; --matrix=A,B to vary): " + ", ".join(
            matrix.also_depends_on), "", "  ", style.dim))
    out.append("")
    first = matrix.runs[0].trace
    for gi, g in enumerate(matrix.groups):
        out.extend(_wrapped("group %d: %s" % (gi + 1, "; ".join(g.labels)), "", "  ", style.bold))
        for inv, result in zip(first.invocations, g.results):
            out.append(style.dim("  %s:%d" % (inv.file, inv.line)))
            out.append(style.result(_wrap_marked(result, None, style)))
        out.append("")
    if matrix.divergences:
        out.append(style.bold("where the chains part:"))
    for d in matrix.divergences:
        ga, gb = d.groups
        inv = first.invocations[d.invocation]
        out.extend(_wrapped("group %d vs group %d, %s:%d: chains part at step %d (%s vs %s), because of:"
                            % (ga + 1, gb + 1, inv.file, inv.line, d.step, d.macros[0] or "end",
                               d.macros[1] or "end"), "  ", "    "))
        for side, g in enumerate((ga, gb)):
            run = matrix.runs[matrix.groups[g].runs[0]]
            key = d.cause_definitions[side] if d.cause_definitions else d.definitions[side]
            macro = d.cause_macros[side] if d.cause_macros else d.macros[side]
            note = _definition_note(run.trace, key) if key else "(chain ended)"
            out.append("    group %d: %s" % (g + 1, style.macro(macro or "-")))
            out.extend(_wrapped(note, "      ", "        ", style.dim))
    return "\n".join(out) + "\n"



def verification_text(trace):
    """--verify's result (in the model: Trace.verified_sections, Invocation.checks)."""
    out = ["", "verified against the object file (sections: %s)" % " ".join(trace.verified_sections)]
    for inv in trace.invocations:
        out.append("  %s:%d: %s" % (inv.file, inv.line, inv.source))
        for c in inv.checks:
            out.append("    %s %s — %s" % (MARKS[c.status], declaration_line(inv.declarations[c.declaration])[:70],
                                         c.detail))
    bad = trace.mismatches()
    out.append("  %d mismatch%s" % (bad, "" if bad == 1 else "es"))
    return "\n".join(out) + "\n"


MARKS = {"ok": "ok  ", "mismatch": "DIFF", "expected absent": "gone", "skipped": "skip"}


def render_output(obj, options):
    """The format registry's entry (render/registry.py): a Trace or a Matrix."""
    if isinstance(obj, Matrix):
        return render_matrix(obj, color=options.color)
    return render(obj, color=options.color, options=options.view, width=options.width,
                  brief=options.brief, backtrace=options.backtrace)
