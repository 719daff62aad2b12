"""The listener that turns engine events into the trace model."""

from ..engine.events import Listener
from ..engine.printer import render, space_after
from ..engine.tokens import MACRO_ARG, PASTE_LEFT, STRINGIFY
from .depends import attach_depends_on, condition_symbols
from .model import Argument, Condition, Definition, Invocation, Node, Paste, Step, Trace


def definition_key(macro, display=None):
    """How a trace names a definition: NAME@FILE:LINE, the file as the trace shows paths
    (relative to the headers or the tree), so snapshots from two machines agree."""
    file, line = macro.site or ("<built-in>", 0)
    if display is not None and macro.site:
        file = display(file)
    return "%s@%s:%s" % (macro.name, file, line)


def parameter_uses(macro):
    """For each parameter: how the replacement list uses it ("expanded", "#", "##")."""
    uses = [[] for _ in macro.params]
    body = macro.body
    for k, t in enumerate(body):
        if t.kind != MACRO_ARG:
            continue
        if t.flags & STRINGIFY:
            use = "#"
        elif t.flags & PASTE_LEFT or (k and body[k - 1].flags & PASTE_LEFT):
            use = "##"
        else:
            use = "expanded"
        if use not in uses[t.argno]:
            uses[t.argno].append(use)
    return uses


class _Work:
    """What is known about one expansion while its trace is running."""

    __slots__ = ("id", "macro", "name_tok", "parent", "role", "args", "expanded", "stringified",
                 "pastes", "value", "invocation", "arguments")

    def __init__(self, exp_id, macro, name_token, parent, role):
        self.id = exp_id
        self.macro = macro
        self.name_tok = name_token
        self.parent = parent
        self.role = role
        self.args = None
        self.expanded = {}
        self.stringified = {}
        self.pastes = []
        self.value = None
        self.invocation = name_token.text
        self.arguments = None


class TraceBuilder(Listener):
    """Collects invocations of one macro; ``trace()`` returns the model.

    With a ``sink`` (streaming, issue 18), each finished invocation is handed to
    ``sink(invocation)`` instead, in the order the invocations began (one finished
    inside another's arguments waits for it), and none is kept here."""

    def __init__(self, macro_name, file, config_description, path_display=None, sink=None):
        self.macro_name = macro_name
        self.file = file
        self.config = config_description
        self.display = path_display or (lambda p: p)
        self.definitions = {}
        self.keys = {}            # macro (a definition object, by identity) -> definition key
        self.uses = {}            # macro -> parameter_uses(macro)
        self.work = {}
        self.open = {}            # trace id -> {"tok", "steps": [events], "root"}
        self.invocations = []
        self.order = []           # trace ids in order of appearance
        self.sink = sink
        self.finished = {}        # with a sink: trace id -> invocation not yet handed on
        self.handed = 0           # with a sink: how many of self.order were handed on
        self.count = 0            # invocations finished (the progress line's count)

    # -- events ---------------------------------------------------------------
    def trace_begin(self, trace_id, name_token):
        self.open[trace_id] = {"tok": name_token, "steps": [], "nodes": []}
        self.order.append(trace_id)

    def expansion_begin(self, exp_id, macro, name_token, parent, role, trace_ids):
        self.work[exp_id] = _Work(exp_id, macro, name_token, parent, role)
        for tid in trace_ids:
            self.open[tid]["nodes"].append(exp_id)
        self._define(macro)

    def arguments_collected(self, exp_id, args):
        self.work[exp_id].args = args

    def argument_expanded(self, exp_id, index, tokens):
        self.work[exp_id].expanded[index] = tokens

    def argument_stringified(self, exp_id, index, token):
        self.work[exp_id].stringified[index] = token.text

    def tokens_pasted(self, exp_id, lhs, rhs, result):
        self.work[exp_id].pastes.append(Paste(lhs.text, rhs.text,
                                              result.text if result is not None else None))

    def expansion_step(self, ev):
        """Keep the frame's texts (the recorder joined them) and what the step replaced
        and inserted, cut from those texts."""
        w = self.work[ev.id]
        if w.macro.builtin is not None:
            w.value = render(ev.replacement)
        w.invocation = ev.before[ev.span_before[0]:ev.span_before[1]]
        self.open[ev.trace_id]["steps"].append(ev)

    def trace_end(self, ev):
        state = self.open.pop(ev.trace_id)
        if ev.abandoned:
            self.order.remove(ev.trace_id)
            self._hand_on()
            return
        inv = self._invocation(state, ev)
        if ev.cut:
            inv.cut = True
        self.count += 1
        if self.sink is None:
            self.invocations.append((ev.trace_id, inv))
            return
        self.finished[ev.trace_id] = inv
        self._hand_on()

    def _hand_on(self, everything=False):
        """Give the sink the finished invocations whose predecessors all went
        (``everything``: at the end, those after one that never finished too)."""
        if self.sink is None:
            return
        order, finished = self.order, self.finished
        while self.handed < len(order) and (order[self.handed] in finished or everything):
            inv = finished.pop(order[self.handed], None)
            self.handed += 1
            if inv is not None:
                self.sink(inv)

    def flush(self):
        """Streaming: hand on what is left (a run cut short leaves some unfinished)."""
        self._hand_on(everything=True)

    # -- building -------------------------------------------------------------
    def _key(self, macro):
        key = self.keys.get(macro)
        if key is None:
            key = self.keys[macro] = definition_key(macro, self.display)
        return key

    def _define(self, macro):
        key = self._key(macro)
        if key in self.definitions:
            return key
        file, line = macro.site or ("<built-in>", 0)
        conds = [Condition(c.directive, c.expression, self.display(c.file), c.line, c.taken,
                           c.describe(), c.guard,
                           condition_symbols([e.expression for e in c.earlier] + [c.expression]))
                 for c in macro.conditions]
        self.definitions[key] = Definition(
            key=key, name=macro.name, signature=macro.signature, body=macro.spelling,
            file=self.display(file), line=line, builtin=macro.builtin is not None,
            command_line=macro.from_command_line, conditions=conds)
        return key

    def _arguments(self, w):
        if w.arguments is None:
            w.arguments = self._make_arguments(w)
        return w.arguments

    def _make_arguments(self, w):
        if w.args is None or not w.macro.fun_like:
            return []
        uses = self.uses.get(w.macro)
        if uses is None:
            uses = self.uses[w.macro] = parameter_uses(w.macro)
        out = []
        for k, param in enumerate(w.macro.params):
            toks = w.args[k].tokens if k < len(w.args) else []
            expanded = w.expanded.get(k)
            out.append(Argument(
                index=k, parameter=param, written=render(toks),
                expanded=render(expanded) if expanded is not None else None,
                uses=uses[k] if k < len(uses) else [],
                stringified=w.stringified.get(k)))
        return out

    def _invocation(self, state, ev):
        extent = list(ev.extent)
        tok = state["tok"]
        source = render(extent)
        steps = [Step(index=0, kind="source", text=source)]
        node_step = {}
        prev_text = source
        tails = {}
        for se in state["steps"]:          # the recorder's StepEvents, in order
            exp_id, b_text, a_text, consumed = se.id, se.before, se.after, se.consumed
            b_span, a_span = list(se.span_before), list(se.span_after)
            replaced, inserted = b_text[b_span[0]:b_span[1]], a_text[a_span[0]:a_span[1]]
            # the source still to be read when the frame was taken ends every frame's text
            tail = tails.get(consumed)
            if tail is None:
                tail = tails[consumed] = render(extent[consumed:])
            if tail:
                first = extent[consumed]
                b_text = _join(b_text, space_after(se.end_before, first), tail)
                a_text = _join(a_text, space_after(se.end_after, first), tail)
            w = self.work[exp_id]
            kind = "builtin" if w.macro.builtin is not None else "macro"
            if w.macro.builtin == "_Pragma":
                kind = "pragma"
            if b_text != prev_text:
                # spacing can differ between two snapshots (paddings skipped while looking
                # for a '(' are not part of the invocation): show the span and the replaced
                # text as the previous frame printed them
                moved = _relocate(prev_text, b_text, b_span)
                if moved is not None:
                    b_span = moved
                    replaced = prev_text[b_span[0]:b_span[1]]
            step = Step(index=len(steps), kind=kind, text=a_text, macro=w.macro.name,
                        definition=self._key(w.macro), replaced=replaced, inserted=inserted,
                        before_span=b_span, after_span=a_span, arguments=self._arguments(w),
                        pastes=list(w.pastes), value=w.value, node=exp_id)
            node_step[exp_id] = step.index
            steps.append(step)
            prev_text = a_text
        result = render(ev.result) if ev.result is not None else ""
        if len(steps) > 1 and ev.result is not None:
            # the last frame and the result are the same tokens; the result's spacing
            # is the one gcc prints (it comes from the paddings actually read)
            steps[-1].text = result
        tree = self._tree(state["nodes"], node_step)
        if not self.open:
            self.work.clear()       # no other trace can still refer to these expansions
        return Invocation(file=self.display(tok.file), line=tok.line, column=tok.col,
                          source=source, result=result, steps=steps, tree=tree)

    def _tree(self, node_ids, node_step):
        ids = set(node_ids)
        nodes = {}
        for nid in node_ids:
            w = self.work[nid]
            nodes[nid] = Node(id=nid, macro=w.macro.name, definition=self._key(w.macro),
                              invocation=w.invocation, role=w.role, step=node_step.get(nid),
                              arguments=self._arguments(w), pastes=list(w.pastes), value=w.value)
        root = None
        for nid in node_ids:
            w = self.work[nid]
            if w.parent in ids:
                nodes[w.parent].children.append(nodes[nid])
            elif root is None:
                root = nodes[nid]
            else:
                root.children.append(nodes[nid])
        return root

    def trace(self):
        rank = {tid: k for k, tid in enumerate(self.order)}
        invs = [inv for _, inv in sorted(self.invocations, key=lambda p: rank[p[0]])]
        used = set()
        for inv in invs:
            for s in inv.steps:
                if s.definition:
                    used.add(s.definition)
        defs = {k: v for k, v in self.definitions.items() if k in used}
        return attach_depends_on(Trace(macro=self.macro_name, file=self.display(self.file),
                                       config=self.config, invocations=invs, definitions=defs))


def _join(text, space, tail):
    if not text:
        return tail
    return text + " " + tail if space else text + tail


def _relocate(prev_text, text, span):
    """Map a span of ``text`` onto ``prev_text`` when they differ only in spaces (else None)."""
    if span is None:
        return None

    def squeeze_index(s, i):
        return len(s[:i].replace(" ", ""))

    def unsqueeze(s, n):
        count = 0
        for k, ch in enumerate(s):
            if count == n and ch != " ":
                return k
            if ch != " ":
                count += 1
        return len(s)

    a, b = span
    sa, sb = squeeze_index(text, a), squeeze_index(text, b)
    if prev_text.replace(" ", "") != text.replace(" ", ""):
        return None
    start = unsqueeze(prev_text, sa)
    end = unsqueeze(prev_text, sb) if sb > sa else start
    if sb > sa:
        # end is exclusive: position just after the last non-space char of the span
        count = 0
        for k, ch in enumerate(prev_text):
            if ch != " ":
                count += 1
                if count == sb:
                    end = k + 1
                    break
    return [start, end]
