"""The HTML report: one self-contained file rendered with jinja2 from templates/.

This module only prepares a view of the trace model: code as syntax-coloured HTML with
the replaced/inserted span marked, definition anchors, the expansion tree with labels.
The page itself is templates/report.html.j2 (+ its partials, report.css, report.js).
Every piece of source text is escaped, here (``_ESCAPE``, for the coloured code) or by jinja2's
autoescape (in the templates); nothing from the source reaches a <script>.
"""

import bisect
import os
import pickle
import re
import shlex
from collections import namedtuple

import jinja2
from markupsafe import Markup

from .. import rawbytes
from ..resources import templates_dir
from ..trace.matrix import Matrix
from ..trace.spool import Spool
from ..trace.views import ViewOptions, annotate, backtrace, spine, tree_index
from ..verify import SECTIONS

_TOKEN = re.compile(
    r'(?P<c>/\*.*?\*/|//[^\n]*)'
    r'|(?P<s>(?:u8|u|U|L)?"(?:[^"\\\n]|\\.)*"|(?:u|U|L)?\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<n>\.?\d(?:[eEpP][+-]|[\w.\'])*)'
    r'|(?P<i>[A-Za-z_$][\w$]*)'
    r'|(?P<w>\s+)'
    r'|(?P<o>%:%:|##|%:|#)'
    r'|(?P<p>.)', re.S)
KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Generic _Noreturn _Static_assert
_Thread_local asm __asm__ __attribute__ typeof __typeof__ __inline__ __volatile__""".split())


_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
LONG = 4000        # a step text longer than this is shown around its marked span only...
CONTEXT = 1500     # ...this many characters each side


class Tokens:
    """The C tokens of one text: css classes c comment, s string/char, n number, k keyword,
    m macro name, i other identifier, o # or ##, p punctuation, "" white space."""

    def __init__(self, text, macros=frozenset()):
        self.text = text
        self.cls, self.starts, self.ends = [], [], []
        for m in _TOKEN.finditer(text):
            cls = m.lastgroup
            if cls == "i":
                word = m.group()
                cls = "k" if word in KEYWORDS else ("m" if word in macros else "i")
            elif cls == "w":
                cls = ""
            self.cls.append(cls)
            self.starts.append(m.start())
            self.ends.append(m.end())

    def paint(self, lo, hi):
        """The characters [lo, hi) as escaped, coloured HTML (tokens cut at the borders)."""
        text, out = self.text, []
        i = max(0, bisect.bisect_right(self.starts, lo) - 1)
        n = len(self.starts)
        while i < n and self.starts[i] < hi:
            s, e, cls = self.starts[i], self.ends[i], self.cls[i]
            if e > lo:
                piece = text[max(s, lo):min(e, hi)].translate(_ESCAPE)
                out.append('<span class="%s">%s</span>' % (cls, piece) if cls else piece)
            i += 1
        return "".join(out)


def _elided(n, where):
    return ('<span class="elided" data-chars="%d" title="%d characters %s the marked text are not shown">'
            '\u2026 %s characters \u2026</span>' % (n, n, where, format(n, ",")))


def code(text, span=None, mark=None, macros=frozenset(), toks=None):
    """``text`` as coloured HTML; with ``span`` [start, end), those characters are wrapped in
    <mark class="MARK" data-start data-end> (an empty span gives an empty mark: a caret).
    A marked text longer than LONG is cut to CONTEXT characters around the mark."""
    text = text or ""
    toks = toks if toks is not None and toks.text == text else Tokens(text, macros)
    if not span or mark is None or not 0 <= span[0] <= span[1] <= len(text):
        return Markup(toks.paint(0, len(text)))
    a, b = span
    lo, hi = 0, len(text)
    if len(text) > LONG:
        lo, hi = max(0, a - CONTEXT), min(len(text), b + CONTEXT)
        if lo:       # start and end at a space, not inside a word
            sp = text.find(" ", lo, a)
            lo = sp + 1 if sp >= 0 else lo
        if hi < len(text):
            sp = text.rfind(" ", b, hi)
            hi = sp if sp >= 0 else hi
    cls = mark if a < b else mark + " empty"
    title = {"replaced": "replaced in this step", "inserted": "inserted by this step"}.get(mark, mark)
    if a == b:
        title += " (nothing: the macro expands to no tokens)"
    return Markup('%s%s<mark class="%s" data-start="%d" data-end="%d" title="%s">%s</mark>%s%s' % (
        _elided(lo, "before") if lo else "", toks.paint(lo, a), cls, a, b, title, toks.paint(a, b),
        toks.paint(b, hi), _elided(len(text) - hi, "after") if hi < len(text) else ""))


def _fits(text, span, piece):
    return bool(span) and 0 <= span[0] <= span[1] <= len(text) and text[span[0]:span[1]] == piece


def _marked(text, span, piece, mark, macros, toks=None):
    """(text with ``span`` marked, None) when the model places ``piece`` there; else
    (text unmarked, ``piece`` marked on its own): shown, not silently dropped."""
    if span is None or _fits(text, span, piece):
        return code(text, span, mark, macros, toks), None
    return code(text, macros=macros, toks=toks), Markup(
        '<mark class="%s detached" data-start="%d" data-end="%d">%s</mark>' % (
            mark, span[0], span[1], code(piece, macros=macros)))


def _anchor_id(prefix, name, taken):
    base = "%sdef-%s" % (prefix, re.sub(r"[^\w-]", "_", name) or "_")
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = "%s-%d" % (base, n)
    taken.add(anchor)
    return anchor


def _used_keys(inv):
    """The definition keys an invocation uses: its steps', then its tree's (preorder)."""
    for s in inv.steps:
        if s.definition:
            yield s.definition
    stack = [inv.tree] if inv.tree is not None else []
    while stack:
        node = stack.pop()
        if node.definition:
            yield node.definition
        stack.extend(reversed(node.children))


def _where(d):
    return "" if d is None else d.where()


def _conditions(d):
    return [c for c in d.conditions if not c.include_guard] if d else []


def _args(arguments, macros):
    """Arguments with their pre-expansion described as the report shows it."""
    rows = []
    for a in arguments:
        if a.expanded is not None:
            note = None
        elif a.uses and "expanded" not in a.uses:
            note = "not pre-expanded: %s operand" % " and ".join(u for u in a.uses)
        else:
            note = "not pre-expanded: the body does not use it" if not a.uses else "not pre-expanded"
        rows.append({"a": a, "written": code(a.written, macros=macros),
                     "expanded": code(a.expanded, macros=macros) if a.expanded is not None else None,
                     "changed": a.expanded is not None and a.expanded != a.written, "note": note,
                     "stringified": code(a.stringified) if a.stringified is not None else None})
    return rows


FILMS = 50     # invocations shown with their whole film; the rest are listed with results

_Place = namedtuple("_Place", "file line column")     # where a listed invocation is written
# What the page shows of an invocation past the films: a streamed trace for HTML keeps
# no more of it (spool() below); ``keys``: the definitions it uses, for their order.
Brief = namedtuple("Brief", "file line column source result nsteps keys")


def brief_of(inv):
    return Brief(inv.file, inv.line, inv.column, inv.source, inv.result, len(inv.steps) - 1,
                 list(dict.fromkeys(_used_keys(inv))))


class _HtmlForm:
    """A Spool's encoding for a trace streamed to HTML: the first ``films`` invocations
    whole (pickled), the others as the page lists them (Brief): the page needs no more,
    and unpickling 2,000 whole invocations costs a fifth of the run.  (The JSON of a
    streamed trace keeps every invocation whole, render/json.py.)"""

    def __init__(self, films):
        self.films, self.count = films, 0

    def __call__(self, inv):
        self.count += 1
        kept = inv if not self.films or self.count <= self.films else brief_of(inv)
        return pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)


def spool(films=None):
    """The Spool a trace streamed to this page keeps its invocations in (streaming.py)."""
    films = FILMS if films is None else films
    return Spool(encode=_HtmlForm(films), decode=pickle.loads, form="html, %d films" % films)


def _view(trace, inv_base=0, prefix="", films=FILMS):
    """What the templates show of one trace.  Past the first ``films`` invocations (0:
    no limit) only the source and result are listed: a page of thousands of films
    (325 MB for 2,000 module_init) is more than a browser or a reader can take."""
    macros = frozenset(d.name for d in trace.definitions.values())
    taken = set()
    # definitions in the order the chains first use them (then the rest): their anchors
    # are given as the invocations are read, in one pass (a streamed trace's are read
    # back from its spool, streaming.py)
    anchors = {}
    uses = {k: [] for k in trace.definitions}          # definition key -> [(step id, label)]

    memo = {}

    def definition(key):
        if key not in memo:
            d = trace.definitions.get(key) if key else None
            memo[key] = {"d": d, "anchor": anchors.get(key), "where": _where(d), "conditions": _conditions(d),
                         "define": Markup('<span class="d">#define</span> ') + code(
                             "%s %s" % (d.signature, d.body), macros=macros) if d is not None and not d.builtin else None}
        return memo[key]

    invocations, briefs = [], []
    for n, inv in enumerate(trace.invocations, inv_base):
        brief = type(inv) is Brief
        for key in inv.keys if brief else _used_keys(inv):
            if key not in anchors and key in trace.definitions:
                anchors[key] = _anchor_id(prefix, trace.definitions[key].name, taken)
        if films and n - inv_base >= films:
            # only what the list shows: the invocation itself is let go (a streamed
            # trace's are read back one at a time, streaming.py)
            briefs.append({"inv": _Place(inv.file, inv.line, inv.column), "n": n, "num": n - inv_base + 1,
                           "id": "inv%d" % n, "brief": True,
                           "nsteps": inv.nsteps if brief else len(inv.steps) - 1,
                           "source": code(inv.source, macros=macros),
                           "result": code(inv.result, macros=macros)})
            continue
        if brief:
            raise ValueError("a trace streamed for %d films rendered with %d" % (n - inv_base, films))
        steps = []
        ix = tree_index(inv)
        names = {nid: entry[0].macro for nid, entry in ix.items()}
        prev = Tokens(inv.steps[0].text if inv.steps else "", macros)
        for s in inv.steps:
            sid = "inv%d-step%d" % (n, s.index)
            toks = Tokens(s.text, macros) if s.index else prev     # each text is tokenised once
            before, lost_before = _marked(prev.text, s.before_span, s.replaced, "replaced", macros, prev) \
                if s.index else (None, None)
            after, lost_after = _marked(s.text, s.after_span if s.index else None, s.inserted, "inserted", macros, toks)
            steps.append({
                "s": s, "id": sid, "def": definition(s.definition), "before": before, "after": after,
                "lost_before": lost_before, "lost_after": lost_after,
                "args": _args(s.arguments, macros),
                "label": "%d: %s" % (s.index, s.macro if s.index else "as written"),
                "chain": [names[i] for i in _trail(ix, s) if i in names],
                "depth": ix[s.node][2] if s.node in ix else 0,
            })
            if s.definition in uses:
                uses[s.definition].append((sid, "#%d step %d" % (n - inv_base + 1, s.index)))
            prev = toks
        step_ids = {s.index for s in inv.steps}

        def tree(node, parent=None):
            role = node.role
            if role.startswith("arg ") and parent is not None:
                i = role[4:]
                names = [a.parameter for a in parent.arguments if str(a.index) == i]
                role = "pre-expanding argument %s of %s" % (names[0] if names else i, parent.macro)
            d = trace.definitions.get(node.definition) if node.definition else None
            return {"node": node, "role": role, "def": definition(node.definition),
                    "builtin": bool(d and d.builtin) or (node.value is not None),
                    "invocation": code(node.invocation, macros=macros), "args": _args(node.arguments, macros),
                    "step_id": "inv%d-step%d" % (n, node.step) if node.step in step_ids else None,
                    "children": [tree(c, node) for c in node.children]}
        shown = {s.node: not s.hidden for s in inv.steps if s.node is not None}
        invocations.append({"inv": inv, "n": n, "num": n - inv_base + 1, "id": "inv%d" % n, "steps": steps,
                            "nsteps": len(steps) - 1,
                            "brief": False, "hidden": sum(1 for s in inv.steps if s.hidden),
                            "spine": [names[i] for i in (inv.spine if inv.spine is not None else spine(inv))
                                      if i in names and shown.get(i, True)],
                            "source": code(inv.source, macros=macros),
                            "result": code(inv.result, macros=macros),
                            "tree": tree(inv.tree) if inv.tree else None, "verify": None})
    for k in sorted(k for k in trace.definitions if k not in anchors):
        anchors[k] = _anchor_id(prefix, trace.definitions[k].name, taken)
    definitions = [dict(definition(k), uses=uses[k]) for k in anchors]
    return {"trace": trace, "invocations": invocations, "briefs": briefs, "definitions": definitions,
            "anchors": anchors, "films": films}


def _trail(index, step):
    """The expansions in progress around a step (its backtrace), outermost first."""
    if step.backtrace is not None:
        return step.backtrace
    return backtrace(index, step.node) if step.node is not None else []


def _step_id(view, n, step):
    for item in view["invocations"]:
        if item["n"] == n:
            return next((s["id"] for s in item["steps"] if s["s"].index == step), None)
    return None


_ENV = None


def _env():
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()), autoescape=True,
                                  trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return _ENV


def _asset(name):
    """report.css / report.js, inlined; they are ours, but keep them from closing their element."""
    with open(os.path.join(templates_dir(), name), encoding="utf-8") as f:
        text = f.read()
    if re.search(r"</(style|script)", text, re.I):
        raise ValueError("templates/%s must not contain a closing </style> or </script>" % name)
    return Markup(text)


def _page(title, macro, file, views, matrix, config, command, depends_on=(), varied=(),
          also_depends_on=(), policy=None):
    """``depends_on``: a trace's; ``varied``, ``also_depends_on``: a matrix's; ``policy``:
    the view the report opens with (Trace.policy)."""
    # a source byte that is not UTF-8 shows as the text \xXX (rawbytes.py); the page is
    # made as it is written (jinja2's generate), never held whole
    return (rawbytes.visible(piece) for piece in _env().get_template("report.html.j2").generate(
        title=title, macro=macro, file=file, views=views, matrix=matrix, config=config or {},
        depends_on=depends_on, varied=varied, also_depends_on=also_depends_on,
        policy=policy or {"name": "none"},
        command=shlex.join(["macrotrace"] + list(command)) if command else "",
        invocations=[item for _, v in views for item in v["invocations"] + v["briefs"]],
        css=_asset("report.css"), js=_asset("report.js")))


def _with_view(trace, options):
    """The view the report opens with: ``options``, else the one recorded in the trace
    (cli annotates it), else the default policy.  The reader can change it live."""
    if trace.policy is None or (options is not None and options.describe() != trace.policy):
        annotate(trace, options or ViewOptions())     # (a streamed trace has its view already)
    return trace.policy


def render(trace, verification=None, films=FILMS, options=None):
    """The report of one trace, as one string (render_pieces)."""
    return "".join(render_pieces(trace, verification, films, options))


def render_pieces(trace, verification=None, films=FILMS, options=None):
    """The report of one trace; --verify's checks (in the model, or ``verification``:
    what verify.verify() returned, rows per invocation and object info) are shown under
    each invocation's declarations; ``films``: how many invocations get their whole
    film (0: all); ``options``: the view it opens with (views.ViewOptions)."""
    policy = _with_view(trace, options)
    view = _view(trace, films=films)
    if verification is None and trace.verified_sections is not None:
        verification = ([[(inv.declarations[c.declaration], c.status, c.detail) for c in inv.checks]
                         for inv in trace.invocations], {"sections": trace.verified_sections})
    if verification is not None:
        rows, obj = verification
        sections = [x for x in obj.get("sections", []) if x.startswith(SECTIONS)]
        for item, checks in zip(view["invocations"], rows):
            item["verify"] = {"checks": checks, "sections": sections,
                              "mismatches": sum(status == "mismatch" for _, status, _ in checks)}
    return _page(title="%s in %s" % (trace.macro, trace.file), macro=trace.macro, file=trace.file,
                 views=[(None, view)], matrix=None, config=trace.config, command=trace.command,
                 depends_on=trace.depends_on, policy=policy)


def render_matrix(matrix, films=FILMS, options=None):
    """The report of a --matrix run, as one string."""
    return "".join(matrix_pieces(matrix, films, options))


def matrix_pieces(matrix, films=FILMS, options=None):
    policy = None
    for run in matrix.runs:
        policy = _with_view(run.trace, options)
    views, bases = [], []
    base = 0
    for g_index, g in enumerate(matrix.groups):
        run = matrix.runs[g.runs[0]]
        v = _view(run.trace, base, prefix="g%d-" % (g_index + 1), films=films)
        bases.append(base)
        base += len(run.trace.invocations)
        views.append(("Group %d: %s" % (g_index + 1, "; ".join(g.labels)), v))
    divergences = []
    for d in matrix.divergences:
        sides = []
        for side, g in enumerate(d.groups):
            view = views[g][1]
            key = d.cause_definitions[side] if side < len(d.cause_definitions) else None
            sides.append({"group": g + 1, "macro": d.macros[side], "cause": d.cause_macros[side]
                          if side < len(d.cause_macros) else None,
                          "cause_def": view["trace"].definitions.get(key) if key else None,
                          "cause_anchor": view["anchors"].get(key),
                          "step_id": _step_id(view, bases[g] + d.invocation, d.step)})
        divergences.append({"d": d, "sides": sides})
    return _page(title="%s in %s (%d configurations)" % (matrix.macro, matrix.file, len(matrix.runs)),
                 macro=matrix.macro, file=matrix.file, views=views, matrix={"m": matrix, "divergences": divergences},
                 config=matrix.config, command=matrix.command, also_depends_on=matrix.also_depends_on,
                 varied=list(matrix.runs[0].switches) if matrix.runs else [], policy=policy)


def render_output(obj, options):
    """The format registry's entry (render/registry.py): a Trace or a Matrix."""
    films = FILMS if options.films is None else options.films
    if isinstance(obj, Matrix):
        return matrix_pieces(obj, films=films, options=options.view)
    return render_pieces(obj, films=films, options=options.view)
