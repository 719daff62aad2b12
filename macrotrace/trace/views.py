"""Views of a trace: which steps are shown, computed on the model only.

A view never changes the trace: every step stays in the model (and in JSON, marked
``hidden``).  It groups the steps of an invocation into *frames*: each visible step,
with the hidden steps before it folded in, so a frame's ``before`` is the text after
the previous frame and its ``after`` the text after its own step.  Hidden work after
the last visible step makes a last frame with no step of its own.  The frames of a
film therefore always chain, and the last one ends on the invocation's result.

  hiding   a policy (policy.py) plus --hide/--show/--hide-file; --all-steps: none
  depth    steps deeper than N in the expansion tree are folded
  focus    one film per outermost expansion of NAME, its text only that expansion's
  break    a film starts at the first step that replaces NAME
  spine    the chain of macros on the main rescan path of an invocation
  backtrace the expansions still in progress around a step (tree node ids)
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from .policy import DEFAULT, POLICIES, Rule, name_matches, rule_matches


@dataclass(frozen=True)
class ViewOptions:
    policy: str = DEFAULT
    hide: Tuple[str, ...] = ()
    show: Tuple[str, ...] = ()
    hide_files: Tuple[str, ...] = ()
    all_steps: bool = False
    focus: Tuple[str, ...] = ()
    depth: Optional[int] = None
    breaks: Tuple[str, ...] = ()

    def describe(self):
        """The view in effect, as JSON records it (``policy``)."""
        return {"name": "none" if self.all_steps else self.policy, "hide": list(self.hide),
                "show": list(self.show), "hide_files": list(self.hide_files),
                "focus": list(self.focus), "depth": self.depth, "break": list(self.breaks)}


ALL_STEPS = ViewOptions(policy="none", all_steps=True)


@dataclass
class Frame:
    step: Optional[int]          # the visible step (None: hidden work after the last one)
    folded: List[int]            # hidden steps folded into this frame, in order
    before: str
    after: str
    span: Optional[List[int]] = None    # the visible step's inserted text in ``after``


@dataclass
class Film:
    source: str                  # the text the film starts from
    frames: List[Frame] = field(default_factory=list)
    focus: Optional[int] = None  # tree node id the film is restricted to
    skipped: int = 0             # steps before a breakpoint, not shown

    @property
    def end(self):
        return self.frames[-1].after if self.frames else self.source


# -- the tree ------------------------------------------------------------------

def tree_index(inv):
    """{node id: (node, parent id, depth)} for an invocation's expansion tree."""
    out = {}
    if inv.tree is None:
        return out
    stack = [(inv.tree, None, 1)]
    while stack:
        node, parent, depth = stack.pop()
        out[node.id] = (node, parent, depth)
        for c in node.children:
            stack.append((c, node.id, depth + 1))
    return out


def backtrace(index, node_id):
    """The expansions in progress around a node, outermost first (its ancestors)."""
    chain = []
    entry = index.get(node_id)
    while entry is not None and entry[1] is not None:
        chain.append(entry[1])
        entry = index.get(entry[1])
    return chain[::-1]


def backtraces(inv):
    """{node id: its backtrace} for the whole tree at once; siblings share one list."""
    out = {}
    if inv.tree is None:
        return out
    stack = [(inv.tree, [])]
    while stack:
        node, chain = stack.pop()
        out[node.id] = chain
        if node.children:
            below = chain + [node.id]
            stack.extend((c, below) for c in node.children)
    return out


def spine(inv):
    """Node ids on the main rescan path: from the top, each time the rescan child with
    the most work under it (the last one on a tie)."""
    if inv.tree is None:
        return []
    sizes = _sizes(inv.tree)

    def size(n):
        return sizes[n.id]

    out, node = [], inv.tree
    while node is not None:
        out.append(node.id)
        rescans = [c for c in node.children if c.role == "rescan"]
        node = None
        for c in rescans:
            if node is None or size(c) >= size(node):
                node = c
    return out


def _sizes(root):
    """{node id: number of nodes in its subtree}, without recursion (trees can be deep)."""
    order, stack = [], [root]
    while stack:
        n = stack.pop()
        order.append(n)
        stack.extend(n.children)
    sizes = {}
    for n in reversed(order):           # children before their parent
        sizes[n.id] = 1 + sum(sizes[c.id] for c in n.children)
    return sizes


def _subtree_ids(node):
    out, stack = set(), [node]
    while stack:
        n = stack.pop()
        out.add(n.id)
        stack.extend(n.children)
    return out


# -- which steps are shown -------------------------------------------------------

class Visibility:
    """Decides, step by step, whether a view shows it."""

    def __init__(self, trace, options):
        self.options = options
        self.policy = POLICIES[options.policy]
        self.definitions = trace.definitions
        self.cache = {}

    def by_name(self, name, definition):
        key = (name, definition)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._by_name(name, definition)
        return hit

    def _by_name(self, name, definition):
        o = self.options
        if any(name_matches(p, name) for p in o.show):
            return True
        d = self.definitions.get(definition)
        path = d.file if d is not None and not (d.builtin or d.command_line) else ""
        if any(name_matches(p, name) for p in o.hide) or any(
                rule_matches(Rule(g, "--hide-file", file=True), name, path) for g in o.hide_files):
            return False
        if o.all_steps:
            return True
        if any(rule_matches(r, name, path) for r in self.policy.show):
            return True
        return not any(rule_matches(r, name, path) for r in self.policy.hide)

    def step(self, step, index):
        if step.kind == "source":
            return True
        if step.macro in self.options.breaks or step.macro in self.options.focus:
            return True
        depth = self.options.depth
        if depth is not None:
            entry = index.get(step.node)
            if entry is not None and entry[2] > depth:
                return False
        return self.by_name(step.macro, step.definition)


# -- films -------------------------------------------------------------------------

def _frames(members, shown, texts):
    """Frames over ``members`` (step indices in order); ``texts(k)`` gives (before,
    after, span) of step k as the film sees it."""
    frames, folded, before = [], [], None
    for k in members:
        b, a, span = texts(k)
        if before is None:
            before = b
        if shown[k]:
            frames.append(Frame(step=k, folded=folded, before=before, after=a, span=span))
            folded, before = [], None
        else:
            folded.append(k)
            last_after = a
    if folded:
        frames.append(Frame(step=None, folded=folded, before=before, after=last_after))
    return frames


def _whole_film(inv, shown):
    steps = inv.steps

    def texts(k):
        return steps[k - 1].text, steps[k].text, steps[k].after_span
    return Film(source=steps[0].text, frames=_frames(range(1, len(steps)), shown, texts))


def _focus_film(inv, root, shown):
    """The film of one expansion: its text only, from its invocation to what it became."""
    steps = inv.steps
    start = root.step
    if start is None or start < 1 or steps[start].before_span is None:
        return None
    ids = _subtree_ids(root)
    last = max(steps[k].index for k in range(start, len(steps)) if steps[k].node in ids)
    lo, hi = steps[start].before_span
    region = {}                 # step k -> (lo, hi) in steps[k].text; start-1 in the text before
    region[start - 1] = (lo, hi)
    members = []
    for k in range(start, last + 1):
        s = steps[k]
        prev, text = steps[k - 1].text, s.text
        b0, b1 = s.before_span or (0, 0)
        a0, a1 = s.after_span or (0, 0)
        tail = len(prev) - hi
        inside = s.node in ids or (b0 < hi and b1 > lo)
        if b1 <= lo and not inside:         # before the region: it moves
            lo, hi = len(text) - (len(prev) - lo), len(text) - tail
        elif b0 >= hi and not inside:       # after it: nothing moves
            pass
        else:
            lo = min(lo, a0) if b0 < lo else lo
            hi = len(text) - tail if b1 <= hi else a1
        lo, hi = max(0, min(lo, len(text))), max(0, min(hi, len(text)))
        region[k] = (lo, hi)
        if inside:
            members.append(k)

    def texts(k):
        plo, phi = region[k - 1]
        lo, hi = region[k]
        span = steps[k].after_span
        if span is not None:
            span = [max(0, span[0] - lo), max(0, min(span[1], hi) - lo)]
        return steps[k - 1].text[plo:phi].strip(), steps[k].text[lo:hi].strip(), _strip_span(
            steps[k].text[lo:hi], span)
    film = Film(source=texts(start)[0], frames=_frames(members, shown, texts), focus=root.id)
    return film


def _strip_span(text, span):
    if span is None:
        return None
    lead = len(text) - len(text.lstrip())
    n = len(text.strip())
    return [min(max(0, span[0] - lead), n), min(max(0, span[1] - lead), n)]


def _break_film(film, steps, breaks):
    """The film from the first frame whose step replaces one of ``breaks`` (None: never)."""
    for k, f in enumerate(film.frames):
        if f.step is not None and steps[f.step].macro in breaks:
            skipped = sum(len(g.folded) + (g.step is not None) for g in film.frames[:k])
            return Film(source=f.before, frames=film.frames[k:], focus=film.focus, skipped=skipped)
    return None


@dataclass
class InvocationView:
    invocation: object
    films: List[Film]
    shown: List[bool]            # per step
    index: dict                  # tree_index()
    spine: List[int]

    @property
    def hidden_count(self):
        return sum(1 for v in self.shown[1:] if not v)


def focus_roots(inv, names):
    """The outermost tree nodes expanding one of ``names``."""
    out, stack = [], [inv.tree] if inv.tree is not None else []
    while stack:
        node = stack.pop()
        if node.macro in names and node.step is not None:
            out.append(node)
        else:
            stack.extend(reversed(node.children))
    out.sort(key=lambda n: n.step)
    return out


def view_invocation(trace, inv, options, visibility=None):
    visibility = visibility or Visibility(trace, options)
    index = tree_index(inv)
    shown = [visibility.step(s, index) for s in inv.steps]
    if options.focus:
        films = [f for f in (_focus_film(inv, r, shown) for r in focus_roots(inv, options.focus)) if f]
    else:
        films = [_whole_film(inv, shown)]
    if options.breaks:
        films = [f for f in (_break_film(f, inv.steps, options.breaks) for f in films) if f]
    return InvocationView(invocation=inv, films=films, shown=shown, index=index, spine=spine(inv))


def view(trace, options):
    visibility = Visibility(trace, options)
    return [view_invocation(trace, inv, options, visibility) for inv in trace.invocations]


def annotate(trace, options):
    """Record the view in the model, for JSON: the policy, each step's ``hidden`` and
    ``backtrace``, each invocation's ``spine``.  Returns the views."""
    views = view(trace, options)
    trace.policy = options.describe()
    for v in views:
        record_view(v)
    return views


def record_view(v):
    """Record one invocation's view in it (annotate's work, one invocation at a time
    for a streamed trace)."""
    inv = v.invocation
    inv.spine = v.spine
    chains = backtraces(inv)
    for s, shown in zip(inv.steps, v.shown):
        s.hidden = not shown
        s.backtrace = chains.get(s.node, [])


def folded_summary(steps, folded):
    """``6 hidden: __PASTE ×3, ___PASTE ×3``"""
    counts = Counter(steps[k].macro for k in folded)
    parts = ["%s ×%d" % (m, n) if n > 1 else m for m, n in counts.items()]
    return "%d hidden: %s" % (len(folded), ", ".join(parts))
