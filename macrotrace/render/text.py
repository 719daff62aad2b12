"""The terminal view of a trace: readable at 100 columns, the inserted span of each
step highlighted when the output is a terminal (and ``NO_COLOR`` is not set)."""

import textwrap

from ..trace.matrix import Matrix

WIDTH = 100
INDENT = "     "


class Style:
    def __init__(self, color):
        self.color = color

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
    """Wrap ``text`` at ``width``; colour ``text[span[0]:span[1]]``."""
    lines = textwrap.wrap(text, width - len(indent), break_long_words=True,
                          break_on_hyphens=False, drop_whitespace=True) or [""]
    if not style.color or not span or span[0] == span[1]:
        return "\n".join(indent + line for line in lines)
    # locate each wrapped line in the original text to place the colour codes
    out = []
    pos = 0
    a, b = span
    for line in lines:
        start = text.find(line, pos)
        end = start + len(line)
        pos = end
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            line = line[:lo - start] + style.mark(line[lo - start:hi - start]) + line[hi - start:]
        out.append(indent + line)
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


def _wrapped(text, first, rest, paint=None):
    """Wrap plain text at WIDTH; ``paint`` colours each line after wrapping."""
    lines = textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                          break_long_words=True, break_on_hyphens=False) or [first]
    if paint is None:
        return lines
    return [l[:len(rest)] + paint(l[len(rest):]) if k else first + paint(l[len(first):])
            for k, l in enumerate(lines)]


def _argument_lines(step, style):
    lines = []
    deep = INDENT + "    "
    for arg in step.arguments:
        lines.extend(_wrapped("%s = %s" % (arg.parameter, arg.written or "(empty)"), INDENT, deep))
        notes = []
        if arg.expanded is not None and arg.expanded != arg.written:
            notes.append("pre-expanded to %s" % (arg.expanded or "(nothing)"))
        if "expanded" not in arg.uses and arg.uses:
            notes.append("%s operand: not pre-expanded" % "/".join(arg.uses))
        if arg.stringified is not None:
            notes.append("#%s gives %s" % (arg.parameter, arg.stringified))
        if notes:
            lines.extend(_wrapped("(" + "; ".join(notes) + ")", deep, deep, style.dim))
    for p in step.pastes:
        text = ("%s ## %s: not a valid token" % (p.lhs, p.rhs) if p.result is None
                else "%s ## %s → %s" % (p.lhs, p.rhs, p.result))
        lines.extend(_wrapped(text, INDENT, deep))
    return lines


def render_invocation(trace, inv, style):
    out = []
    out.extend(_wrapped("%s:%d:%d: %s" % (inv.file, inv.line, inv.column, inv.source), "", "    ",
                        style.bold))
    for step in inv.steps[1:]:
        d = trace.definitions.get(step.definition)
        name = d.signature if d is not None and not d.builtin else (step.macro or "")
        header = "%3d  %s" % (step.index, style.macro(name))
        if step.kind == "builtin":
            header += "  → %s" % step.value
        out.append(header)
        note = _definition_note(trace, step.definition)
        if note:
            out.extend(_wrapped(note, INDENT, INDENT + "  ", style.dim))
        out.extend(_argument_lines(step, style))
        out.append(_wrap_marked(step.text, step.after_span, style))
    if inv.cut:
        out.append(style.bold("  cut:") + " the trace stopped after %d steps (--max-steps); "
                   "no result" % (len(inv.steps) - 1))
        return "\n".join(out)
    out.append(style.bold("  result:"))
    out.append(style.result(_wrap_marked(inv.result, None, style)))
    if inv.declarations:
        out.append(style.bold("  declares:"))
        for d in inv.declarations:
            out.extend(_wrapped(declaration_line(d), INDENT, INDENT + "    "))
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


def render(trace, color=False):
    style = Style(color)
    head = "%s in %s — %d invocation%s" % (trace.macro, trace.file, len(trace.invocations),
                                           "" if len(trace.invocations) == 1 else "s")
    parts = [style.bold(head), style.dim(_config_line(trace.config))]
    if trace.depends_on:
        parts.extend(_wrapped("depends on: " + ", ".join(trace.depends_on), "", "  ", style.dim))
    parts.append("")
    for inv in trace.invocations:
        parts.append(render_invocation(trace, inv, style))
        parts.append("")
    text = "\n".join(parts)
    if trace.verified_sections is not None:
        text += verification_text(trace)
    return text


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
    return render(obj, color=options.color)
