"""Watching the expander while a traced invocation expands.

The expander calls these hooks (only in tracing runs).  The recorder knows the shape
of the context stack, so it can say, at every replacement, what the *whole* pending
text of the invocation is: the tokens already produced, the invocation being
replaced (with its arguments in whatever state of pre-expansion they are), and what
is still waiting in the contexts.  Those snapshots are the frames of the film; they
go to the listener as token lists, the listener turns them into text.

A trace starts when a chosen invocation (``want(name_token, macro)``) begins, and ends
when its driver loop reads past the last context it pushed.  Tokens the invocation
consumed from outside (its arguments, and anything its rescanning pulls in, as in
``f(2)(9)``) are its *extent*: the source as written.
"""

import itertools

from .tokens import EOF, PADDING, padding

AVOID_PASTE = padding(None)


class Event:
    """A plain bag of attributes handed to listener hooks."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


class _Exp:
    __slots__ = ("id", "macro", "name_tok", "level", "traces", "raw", "spans", "args", "ctx")

    def __init__(self, id_, macro, name_tok, level, traces):
        self.id = id_
        self.macro = macro
        self.name_tok = name_tok
        self.level = level
        self.traces = traces
        self.raw = None
        self.spans = None
        self.args = None
        self.ctx = None


class _Frame:
    __slots__ = ("exp", "argno", "out", "ctx_index")

    def __init__(self, exp, argno, out, ctx_index):
        self.exp, self.argno, self.out, self.ctx_index = exp, argno, out, ctx_index


class _Trace:
    def __init__(self, id_, name_tok, floor, driver_level):
        self.id = id_
        self.name_tok = name_tok
        self.floor = floor
        self.driver_level = driver_level
        self.out = []
        self.external = [name_tok]
        self.frames = []
        self.pending = {}
        self.started = False
        self.steps = 0


class TraceCut(Exception):
    """A traced invocation needed more steps than allowed (``--max-steps``)."""

    def __init__(self, token, steps):
        super().__init__("trace cut after %d steps (raise --max-steps to see more)" % steps)
        self.token = token
        self.steps = steps


class Recorder:
    def __init__(self, listener, want, max_steps=None):
        self.listener = listener
        self.want = want
        self.max_steps = max_steps
        self.expander = None
        self.traces = []
        self.ids = itertools.count(1)
        self.exps = {}
        self.driver_level = 0
        self.last_ctx = None
        self.last_external = False

    # -- reading --------------------------------------------------------------
    def consumed_external(self, tok, depth):
        self.last_ctx = None
        self.last_external = bool(self.traces)
        for tr in self.traces:
            tr.external.append(tok)

    def consumed_from(self, ctx, depth, tok):
        self.last_ctx = ctx
        ext = False
        for tr in self.traces:
            if depth <= tr.floor:
                tr.external.append(tok)
                ext = True
        self.last_external = ext

    def backed_up(self):
        if self.last_external:
            depth = len(self.expander.contexts)
            for tr in self.traces:
                if depth <= tr.floor and len(tr.external) > 1:
                    tr.external.pop()
            self.last_external = False

    def after_pop(self, depth):
        for tr in self.traces:
            if depth < tr.floor:
                tr.floor = depth

    def driver_tick(self, tok):
        if not self.traces:
            return
        depth = len(self.expander.contexts)
        for tr in list(self.traces):
            if tr.driver_level != self.driver_level:
                continue
            if tr.started and depth <= tr.floor and tok.kind == PADDING:
                self._end(tr)
                continue
            if tok.kind != EOF:
                tr.out.append(tok)

    # -- expansions -----------------------------------------------------------
    def begin(self, macro, tok, depth):
        traces = self.traces
        if self.want(tok, macro):
            tr = _Trace(next(self.ids), tok, depth, self.driver_level)
            self.traces = traces = traces + [tr]
            self.listener.trace_begin(tr.id, tok)
        if not traces:
            return None
        parent, role = self._parent()
        exp = _Exp(next(self.ids), macro, tok, None, list(traces))
        self.exps[exp.id] = exp
        for tr in traces:
            tr.pending[len(tr.frames)] = exp
        self.listener.expansion_begin(Event(id=exp.id, macro=macro, name_token=tok, parent=parent,
                                            role=role, traces=[t.id for t in traces]))
        return exp.id

    def _parent(self):
        ctx = self.last_ctx
        if ctx is None:
            return None, "top"
        contexts = self.expander.contexts
        for tr in self.traces:
            for fr in tr.frames:
                if fr.ctx_index < len(contexts) and contexts[fr.ctx_index] is ctx:
                    return fr.exp.id, "arg %d" % fr.argno
        if ctx.exp is not None:
            return ctx.exp, "rescan"
        return None, "top"

    def abandon(self, exp_id):
        if exp_id is None:
            return
        exp = self.exps.pop(exp_id)
        for tr in exp.traces:
            level = len(tr.frames)
            if tr.pending.get(level) is exp:
                del tr.pending[level]
            if not tr.started and tr.name_tok is exp.name_tok:
                self.traces = [t for t in self.traces if t is not tr]
                self.listener.trace_end(Event(trace_id=tr.id, result=None, extent=tr.external,
                                              abandoned=True))
        self.listener.expansion_rescanned(Event(id=exp_id, abandoned=True))

    def args_collected(self, exp_id, raw, spans, args):
        if exp_id is None:
            return
        exp = self.exps[exp_id]
        exp.raw, exp.spans, exp.args = raw, spans, args
        self.listener.arguments_collected(Event(
            id=exp_id, args=[a.tokens for a in args],
            omitted=[a.omitted for a in args]))

    def arg_begin(self, arg, expanded, depth):
        self.driver_level += 1
        for tr in self.traces:
            owner = None
            for level in range(len(tr.frames), -1, -1):
                exp = tr.pending.get(level)
                if exp is not None and exp.args is not None:
                    for k, a in enumerate(exp.args):
                        if a is arg:
                            owner = (exp, k)
                            break
                if owner:
                    break
            if owner is not None:
                tr.frames.append(_Frame(owner[0], owner[1], expanded, depth - 1))

    def arg_end(self, arg):
        self.driver_level -= 1
        for tr in self.traces:
            if tr.frames and tr.frames[-1].exp.args[tr.frames[-1].argno] is arg:
                fr = tr.frames.pop()
                self.listener.argument_expanded(Event(id=fr.exp.id, index=fr.argno,
                                                      tokens=arg.expanded or []))

    def stringified(self, exp_id, argno, tok):
        if exp_id is not None:
            self.listener.argument_stringified(Event(id=exp_id, index=argno, token=tok))

    def pasted(self, exp_id, lhs, rhs, result):
        if exp_id is not None:
            self.listener.tokens_pasted(Event(id=exp_id, lhs=lhs, rhs=rhs, result=result))

    def substituted(self, exp_id, replacement):
        if exp_id is None:
            return
        exp = self.exps[exp_id]
        exp.ctx = replacement
        self._before = {tr.id: self._render(tr, mark_pending=len(tr.frames)) for tr in exp.traces}

    def builtin(self, exp_id, result):
        self.substituted(exp_id, [result])

    def pushed(self, exp_id):
        if exp_id is None:
            return
        exp = self.exps[exp_id]
        contexts = self.expander.contexts
        for tr in exp.traces:
            level = len(tr.frames)
            if tr.pending.get(level) is exp:
                del tr.pending[level]
            tr.started = True
            if self.max_steps is not None and tr.steps >= self.max_steps:
                raise TraceCut(tr.name_tok, tr.steps)
            before, span_before = self._before[tr.id]
            after, span_after = self._render(tr, mark_ctx=len(contexts) - 1)
            tr.steps += 1
            self.listener.expansion_step(Event(
                id=exp_id, trace_id=tr.id, macro=exp.macro, name_token=exp.name_tok,
                replacement=exp.ctx, before=before, span_before=span_before,
                after=after, span_after=span_after, consumed=len(tr.external)))
        self._before = None

    def context_popped(self, ctx):
        if ctx.exp in self.exps:
            self.listener.expansion_rescanned(Event(id=ctx.exp, abandoned=False))

    # -- rendering ------------------------------------------------------------
    def _render(self, tr, mark_pending=None, mark_ctx=None):
        out = list(tr.out)
        span = [None, None]
        self._render_level(tr, 0, out, span, mark_pending, mark_ctx)
        return out, tuple(span)

    def _render_level(self, tr, level, out, span, mark_pending, mark_ctx):
        contexts = self.expander.contexts
        # level 0 reads the contexts above the trace's floor; an argument level reads its
        # own context (the argument's tokens not read yet) and those pushed above it
        arg_ctx = -1 if level == 0 else tr.frames[level - 1].ctx_index
        lo = tr.floor if level == 0 else arg_ctx
        hi = tr.frames[level].ctx_index if level < len(tr.frames) else len(contexts)
        exp = tr.pending.get(level)
        if exp is not None:
            start = len(out)
            self._render_invocation(tr, level, exp, out, span, mark_pending, mark_ctx)
            if mark_pending == level:
                span[0], span[1] = start, len(out)
        elif level < len(tr.frames):
            # an argument of an invocation pending at this level is being expanded
            pass
        for ci in range(hi - 1, lo - 1, -1):
            ctx = contexts[ci]
            if mark_ctx == ci and ctx.exp in self.exps:
                # get_token is about to return this padding for the new expansion
                out.append(padding(self.exps[ctx.exp].name_tok))
            start = len(out)
            for t in ctx.tokens[ctx.pos:]:
                if t.kind != EOF:
                    out.append(t)
            if mark_ctx == ci:
                span[0], span[1] = start, len(out)
            if ci != arg_ctx:
                out.append(AVOID_PASTE)  # what popping this context will return

    def _render_invocation(self, tr, level, exp, out, span, mark_pending, mark_ctx):
        out.append(exp.name_tok)
        if exp.raw is None:
            return
        raw, spans, args = exp.raw, exp.spans, exp.args
        frame = tr.frames[level] if level < len(tr.frames) else None
        pos = 0
        for k, (a, b) in enumerate(spans):
            out.extend(raw[pos:a])
            if frame is not None and frame.exp is exp and frame.argno == k:
                out.extend(frame.out)
                self._render_level(tr, level + 1, out, span, mark_pending, mark_ctx)
            elif args[k].expanded is not None:
                out.extend(args[k].expanded)
            else:
                out.extend(raw[a:b])
            pos = b
        out.extend(raw[pos:])

    def _end(self, tr):
        self.traces = [t for t in self.traces if t is not tr]
        if not self.traces:
            self.exps.clear()     # nothing refers to finished expansions any more
        result = [t for t in tr.out]
        self.listener.trace_end(Event(trace_id=tr.id, result=result, extent=tr.external,
                                      abandoned=False))
