"""The HTML report: one self-contained file rendered with jinja2 from templates/.

This module only prepares a view of the trace model (marked spans, syntax classes,
definition anchors); the page itself is in templates/report.html.j2.
"""

import re

import jinja2

from ..resources import templates_dir

_TOKEN = re.compile(r'''(?P<string>(?:u8|u|U|L)?"(?:[^"\\]|\\.)*")|(?P<char>(?:u|U|L)?'(?:[^'\\]|\\.)*')'''
                    r'''|(?P<number>\.?\d(?:[eEpP][+-]|[\w.])*)|(?P<ident>[A-Za-z_$][\w$]*)|(?P<space>\s+)'''
                    r'''|(?P<punct>.)''', re.S)
KEYWORDS = set("""auto break case char const continue default do double else enum extern float for goto
if inline int long register restrict return short signed sizeof static struct switch typedef union
unsigned void volatile while _Bool _Static_assert asm __asm__ __attribute__ typeof __typeof__""".split())


def _env():
    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True)


def code_segments(text, span=None, mark="inserted", macros=()):
    """``text`` as runs [(mark or None, [(css class, text), ...])]: the characters
    ``span`` [start, end) covers form one marked run, cut at its exact borders."""
    a, b = span if span else (None, None)
    runs = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        s, e = m.start(), m.end()
        value = m.group()
        cls = {"string": "s", "char": "s", "number": "n", "space": "", "punct": "p"}.get(kind, "")
        if kind == "ident":
            cls = "k" if value in KEYWORDS else ("m" if value in macros else "i")
        cuts = sorted({s, e} | {x for x in (a, b) if x is not None and s < x < e})
        for x, y in zip(cuts, cuts[1:]):
            inside = mark if (a is not None and a != b and a <= x and y <= b) else None
            if runs and runs[-1][0] == inside:
                runs[-1][1].append((cls, text[x:y]))
            else:
                runs.append((inside, [(cls, text[x:y])]))
    return runs


def _view(trace, index_base=0):
    macros = {d.name for d in trace.definitions.values()}
    anchors = {k: "def-%d" % i for i, k in enumerate(sorted(trace.definitions))}
    invocations = []
    for n, inv in enumerate(trace.invocations):
        steps = []
        prev = inv.steps[0].text if inv.steps else ""
        for s in inv.steps:
            steps.append({
                "step": s,
                "before": code_segments(prev, s.before_span, "replaced", macros) if s.index else [],
                "after": code_segments(s.text, s.after_span if s.index else None, "inserted", macros),
                "anchor": anchors.get(s.definition),
            })
            prev = s.text
        invocations.append({"inv": inv, "n": n + index_base, "steps": steps,
                            "result": code_segments(inv.result, None, None, macros)[0][1]
                            if inv.result else []})
    definitions = [{"d": trace.definitions[k], "anchor": anchors[k]} for k in sorted(trace.definitions)]
    return {"trace": trace, "invocations": invocations, "definitions": definitions, "anchors": anchors}


def render(trace):
    return _env().get_template("report.html.j2").render(title="%s in %s" % (trace.macro, trace.file),
                                                         views=[(None, _view(trace))], matrix=None)


def render_matrix(matrix):
    views = []
    base = 0
    for g_index, g in enumerate(matrix.groups):
        run = matrix.runs[g.runs[0]]
        v = _view(run.trace, base)
        base += len(run.trace.invocations)
        views.append(("group %d: %s" % (g_index + 1, "; ".join(g.labels)), v))
    return _env().get_template("report.html.j2").render(
        title="%s in %s (%d configurations)" % (matrix.macro, matrix.file, len(matrix.runs)),
        views=views, matrix=matrix)
