"""Watching the expander while a traced invocation expands.

The expander calls these hooks (only in tracing runs).  The recorder knows the shape
of the context stack, so it can say, at every replacement, *where* in the whole
pending text of the invocation the replaced invocation stands: after the tokens
already produced and, for each argument being pre-expanded, what its invocation shows
before it.  The text itself is a film (film.py) that each step changes by one splice;
the listener gets the text before and after, with the replaced and inserted spans.

A trace starts when a chosen invocation (``want(name_token, macro)``) begins, and ends
when its driver loop reads past the last context it pushed.  Tokens the invocation
consumed from outside (its arguments, and anything its rescanning pulls in, as in
``f(2)(9)``) are its *extent*: the source as written.
"""

import itertools
import os

from .events import StepEvent, hears
from .film import Film
from .tokens import EOF, PADDING

# MACROTRACE_CHECK_FILM=1 (the tests set it): at every step, collect the whole frame from
# the context stack too and check the film holds the same tokens.  This invariant checker
# is what lets the film splice instead of re-rendering: keep it whatever else changes.
CHECK = bool(os.environ.get("MACROTRACE_CHECK_FILM"))


class Event:
    """A plain bag of attributes handed to listener hooks."""

    def __init__(self, **kw):
        self.__dict__ = kw


def _is_real(t):
    return t.kind != PADDING and t.kind != EOF


class _Count:
    """The number of real tokens in an append-only list, counted as it grows."""

    __slots__ = ("seen", "n")

    def __init__(self):
        self.seen = self.n = 0

    def of(self, tokens):
        if self.seen < len(tokens):
            self.n += _real_count(tokens[self.seen:])
            self.seen = len(tokens)
        return self.n


class _Exp:
    __slots__ = ("id", "macro", "name_tok", "level", "traces", "raw", "spans", "args", "ctx",
                 "counts", "operand", "before")

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
        self.counts = {}          # k: real tokens argument k expanded to; -1-k: as written
        self.operand = 0          # real tokens a builtin read after its name (_Pragma)
        self.before = {}          # argument index -> shown_before(index)

    def _shown(self, k):
        """Real tokens argument k shows: its pre-expansion once done, else as written."""
        arg = self.args[k]
        if arg.expanded is None:
            key, tokens = -1 - k, arg.tokens
        else:
            key, tokens = k, arg.expanded
        n = self.counts.get(key)
        if n is None:
            n = self.counts[key] = _real_count(tokens)
        return n

    # raw is '(' then the arguments, each after paddings, separated by ',' then ')':
    # the real tokens shown are the name, the punctuation and what each argument shows.
    def shown_before(self, k):
        """Real tokens shown from the name up to where argument k starts (cached until an
        argument's pre-expansion ends: see ``arg_end``)."""
        n = self.before.get(k)
        if n is None:
            if self.raw is None:
                return 1
            n = 2 + k
            for j in range(k):
                n += self._shown(j)
            self.before[k] = n
        return n

    def shown(self):
        """Real tokens the whole invocation shows (name, parentheses, arguments)."""
        if self.raw is None:
            return 1 + self.operand
        n = 2 + len(self.spans)
        for j in range(len(self.spans)):
            n += self._shown(j)
        return n


def _real_count(tokens):
    kinds = [t.kind for t in tokens]
    return len(kinds) - kinds.count(PADDING) - kinds.count(EOF)


class _Frame:
    __slots__ = ("exp", "argno", "out", "ctx_index", "count")

    def __init__(self, exp, argno, out, ctx_index):
        self.exp, self.argno, self.out, self.ctx_index = exp, argno, out, ctx_index
        self.count = _Count()


class _Trace:
    def __init__(self, id_, name_tok, floor, driver_level):
        self.id = id_
        self.name_tok = name_tok
        self.floor = floor
        self.driver_level = driver_level
        self.out = []
        self.out_count = _Count()
        self.external = [name_tok]
        self.film = None          # the text so far (film.Film), from the first step on
        self.film_external = 0    # how many of ``external`` the film holds
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
        # the deepest context level some trace reads as its own source (-1: no trace);
        # the expander reports tokens read from contexts only at or below it
        self.floor_max = -1
        self.operand = None       # while a traced builtin reads its operand: tokens taken
        self.operand_taken = 0
        self.operand_stack = []   # builtins reading operands (True: the one counting)
        self.tick_levels = set()  # driver levels that drive some trace
        self.rescans = hears(listener, "expansion_rescanned")

    def attach(self, expander):
        """The expander this recorder watches (its context stack is read, never changed)."""
        self.expander = expander

    def _traces_changed(self):
        self.floor_max = max((tr.floor for tr in self.traces), default=-1)
        if self.operand is not None:
            self.floor_max = 1 << 30          # every read counts while an operand is read
        self.tick_levels = {tr.driver_level for tr in self.traces}

    # -- a builtin reading its operand ----------------------------------------------
    def operand_begin(self, traced):
        """A builtin starts reading its operand: a driver level of its own (an invocation
        written inside it is traced to its end there).  When the builtin itself is traced,
        expansions inside the operand are not steps (its one step replaces the operand
        as the text shows it), and the real tokens it takes from the contexts that make
        up the text are counted."""
        self.driver_level += 1
        starts = traced and self.operand is None
        self.operand_stack.append(starts)
        if starts:
            self.operand = 0
            self.operand_ctxs = {id(c) for c in self.expander.contexts}
            self.operand_last = False
            self._traces_changed()

    def operand_end(self):
        self.driver_level -= 1
        if self.operand_stack.pop():
            self._operand_done()

    def _operand_done(self):
        if self.operand is not None:
            self.operand_taken = self.operand
            self.operand = None
            self._traces_changed()

    def _operand_read(self, tok, ctx):
        counted = _is_real(tok) and (ctx is None or id(ctx) in self.operand_ctxs)
        self.operand += counted
        self.operand_last = counted

    # -- reading --------------------------------------------------------------
    def consumed_external(self, tok, depth):
        if self.operand is not None:
            self._operand_read(tok, None)
        for tr in self.traces:
            tr.external.append(tok)

    def consumed_from(self, ctx, depth, tok):
        """A token read from a context at ``depth`` <= floor_max."""
        if self.operand is not None:
            self._operand_read(tok, ctx)
        for tr in self.traces:
            if depth <= tr.floor:
                tr.external.append(tok)

    def backed_up(self, depth):
        """The expander un-read the token it last read at ``depth`` (0: the file)."""
        if self.operand is not None and self.operand_last:
            self.operand -= 1
            self.operand_last = False
        for tr in self.traces:
            if depth <= tr.floor and len(tr.external) > 1:
                tr.external.pop()

    def after_pop(self, depth):
        """A context was popped, leaving ``depth`` (called when depth < floor_max)."""
        for tr in self.traces:
            if depth < tr.floor:
                tr.floor = depth
        self._traces_changed()

    def driver_tick(self, tok):
        """A token the driver loop at the current level (the file, or an argument being
        pre-expanded) produced: output of the traces driven from this level."""
        if self.driver_level not in self.tick_levels:
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
    def begin(self, macro, tok, depth, ctx):
        """An expansion of ``macro`` begins at ``tok``, read from context ``ctx`` (None:
        from the file)."""
        if self.operand is not None:
            return None           # inside a builtin's operand: not a step of its own
        traces = self.traces
        if self.want(tok, macro):
            tr = _Trace(next(self.ids), tok, depth, self.driver_level)
            self.traces = traces = traces + [tr]
            self._traces_changed()
            self.listener.trace_begin(tr.id, tok)
        if not traces:
            return None
        parent, role = self._parent(ctx)
        exp = _Exp(next(self.ids), macro, tok, None, list(traces))
        self.exps[exp.id] = exp
        for tr in traces:
            tr.pending[len(tr.frames)] = exp
        self.listener.expansion_begin(exp.id, macro, tok, parent, role, [t.id for t in traces])
        return exp.id

    def _parent(self, ctx):
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
                self._traces_changed()
                self.listener.trace_end(Event(trace_id=tr.id, result=None, extent=tr.external,
                                              abandoned=True, cut=False))
        if self.rescans:
            self.listener.expansion_rescanned(exp_id, True)

    def args_collected(self, exp_id, raw, spans, args):
        if exp_id is None:
            return
        exp = self.exps[exp_id]
        exp.raw, exp.spans, exp.args = raw, spans, args
        self.listener.arguments_collected(exp_id, args)

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
                fr.exp.before.clear()     # what the invocation shows has changed
                self.listener.argument_expanded(fr.exp.id, fr.argno, arg.expanded or [])

    def stringified(self, exp_id, argno, tok):
        if exp_id is not None:
            self.listener.argument_stringified(exp_id, argno, tok)

    def pasted(self, exp_id, lhs, rhs, result):
        if exp_id is not None:
            self.listener.tokens_pasted(exp_id, lhs, rhs, result)

    def substituted(self, exp_id, replacement):
        if exp_id is None:
            return
        exp = self.exps[exp_id]
        exp.ctx = replacement
        before = {}
        for tr in exp.traces:
            film = tr.film
            if film is None:
                film = tr.film = Film(tr.external)
            elif tr.film_external < len(tr.external):
                film.extend(tr.external[tr.film_external:])
            tr.film_external = len(tr.external)
            i, m = self._position(tr), exp.shown()
            before[tr.id] = (i, m, film.text, film.span(i, m), film.ending())
        self._before = before

    def _position(self, tr):
        """Real tokens before the invocation pending at the deepest level: those already
        produced, then for each argument being pre-expanded, what its invocation shows
        before it and what the argument has produced so far."""
        i = tr.out_count.of(tr.out)
        for fr in tr.frames:
            i += fr.exp.shown_before(fr.argno) + fr.count.of(fr.out)
        return i

    def builtin(self, exp_id, result):
        """A builtin's value replaces its name and the operand it read."""
        if exp_id is not None:
            self._operand_done()
            self.exps[exp_id].operand = self.operand_taken
        self.substituted(exp_id, [result])

    def pushed(self, exp_id):
        if exp_id is None:
            return
        exp = self.exps[exp_id]
        for tr in exp.traces:
            level = len(tr.frames)
            if tr.pending.get(level) is exp:
                del tr.pending[level]
            tr.started = True
            if self.max_steps is not None and tr.steps >= self.max_steps:
                self._cut_all()
                raise TraceCut(tr.name_tok, tr.steps)
            i, m, before, span_before, end_before = self._before[tr.id]
            span_after = tr.film.replace(i, m, exp.ctx)
            after, end_after = tr.film.text, tr.film.ending()
            if CHECK:
                self._check(tr)
            tr.steps += 1
            self.listener.expansion_step(StepEvent(
                exp_id, tr.id, exp.macro, exp.name_tok, exp.ctx, before, span_before, end_before,
                after, span_after, end_after, len(tr.external)))
        self._before = None

    def context_popped(self, ctx):
        if self.rescans and ctx.exp in self.exps:
            self.listener.expansion_rescanned(ctx.exp, False)

    # -- checking the film ----------------------------------------------------
    def _check(self, tr):
        """The film against the frame rendered whole from the context stack (not once
        the expander has found an error: the run ends with it, and a malformed operand
        may have been read and dropped)."""
        if any(kind == "error" for kind, _, _ in self.expander.diagnostics):
            return
        frame = [t for t in self._frame_tokens(tr, 0) if _is_real(t)]
        film = tr.film
        if [t.text for t in frame] != [t.text for t in film.toks]:
            raise AssertionError("film of trace %d lost track: %r != %r" % (
                tr.id, " ".join(t.text for t in film.toks), " ".join(t.text for t in frame)))

    def _frame_tokens(self, tr, level):
        contexts = self.expander.contexts
        arg_ctx = -1 if level == 0 else tr.frames[level - 1].ctx_index
        lo = tr.floor if level == 0 else arg_ctx
        hi = tr.frames[level].ctx_index if level < len(tr.frames) else len(contexts)
        out = list(tr.out) if level == 0 else []
        exp = tr.pending.get(level)
        if exp is not None:
            out.append(exp.name_tok)
            if exp.raw is not None:
                frame = tr.frames[level] if level < len(tr.frames) else None
                pos = 0
                for k, (a, b) in enumerate(exp.spans):
                    out.extend(exp.raw[pos:a])
                    if frame is not None and frame.exp is exp and frame.argno == k:
                        out.extend(frame.out)
                        out.extend(self._frame_tokens(tr, level + 1))
                    elif exp.args[k].expanded is not None:
                        out.extend(exp.args[k].expanded)
                    else:
                        out.extend(exp.raw[a:b])
                    pos = b
                out.extend(exp.raw[pos:])
        for ci in range(hi - 1, lo - 1, -1):
            ctx = contexts[ci]
            out.extend(ctx.tokens[ctx.pos:])
        return out

    def _cut_all(self):
        """The run stops here: every trace in progress ends with the steps it has."""
        for tr in self.traces:
            self.listener.trace_end(Event(trace_id=tr.id, result=None, extent=tr.external,
                                          abandoned=not tr.started, cut=tr.started))
        self.traces = []
        self._traces_changed()

    def _end(self, tr):
        self.traces = [t for t in self.traces if t is not tr]
        self._traces_changed()
        if not self.traces:
            self.exps.clear()     # nothing refers to finished expansions any more
        result = [t for t in tr.out]
        self.listener.trace_end(Event(trace_id=tr.id, result=result, extent=tr.external,
                                      abandoned=False, cut=False))
