"""A streamed trace: each invocation finished as soon as the engine completes it, then
kept out of memory (issue 18: 2,000 invocations traced to JSON or HTML in a bounded
amount of memory).

``run_trace(config, stream=Stream(options))`` gives the builder ``Stream.take`` as its
sink.  Each invocation gets, at once and exactly as the whole-trace functions would
give it, what the finished model holds: its declarations (tracing.declarations_of),
its ``depends_on`` (trace/depends.py), the view (trace/views.py: hidden, backtrace,
spine).  It then goes to a Spool (trace/spool.py), which becomes the trace's
``invocations``: the JSON and HTML renderers read them back one by one.

What needs every invocation is accumulated on the way, small: the definitions used,
the union of depends_on, whether --focus/--break found anything.  What cannot be
decided one invocation at a time is not streamed (the caller keeps the whole trace):
--matrix and --verify (they compare or check whole traces), a MACRO reached only
through others (which invocations reach it, and the focus on it, are known at the
end), and the text format (it renders from the whole trace).
"""

from .trace.depends import invocation_depends_on
from .trace.model import Trace
from .trace.spool import Spool
from .trace.views import Visibility, record_view, view_invocation


BATCH = 32          # invocations finished together (at most this many in memory)


class Stream:
    """The sink of a streamed trace and what it accumulates."""

    def __init__(self, options, spool=None):
        """``spool``: where the finished invocations go (trace/spool.py; a renderer
        may give one that keeps them in its own form, render/json.py's spool())."""
        self.options = options          # trace.views.ViewOptions, fixed before the run
        self.spool = spool if spool is not None else Spool()
        self.used = set()               # definition keys the steps used
        self.depends_on = []            # their union, in order
        self.found = False              # --focus/--break: some film was made
        self.first = None               # (file, line) of the first invocation
        self.pending = []               # finished by the engine, not yet here
        self.builder = self.visibility = self.declarations = None

    def start(self, builder, declarations):
        """``declarations``: a function giving an invocation's declarations (None:
        the language declares no C)."""
        self.builder = builder
        self.declarations = declarations
        # the builder's definitions so far include every one a finished invocation used
        self.visibility = Visibility(builder, self.options)

    def take(self, inv):
        self.pending.append(inv)
        if len(self.pending) >= BATCH:
            self._finish()

    def _finish(self):
        """Finish the pending invocations, one kind of work at a time over the batch.
        One invocation at a time ran the same instructions (callgrind) but measured ~10%
        slower on 2,000 module_init; batched, within 2% of the whole trace (the
        engine's, the C parser's and the encoder's code staying warm in the caches,
        likely)."""
        batch, self.pending = self.pending, []
        if self.declarations is not None:
            for inv in batch:
                inv.declarations = self.declarations(inv)
        for inv in batch:
            inv.depends_on = invocation_depends_on(self.builder, inv)
            self.depends_on.extend(s for s in inv.depends_on if s not in self.depends_on)
            v = view_invocation(self.builder, inv, self.options, self.visibility)
            record_view(v)
            self.found = self.found or bool(v.films)
            if self.first is None:
                self.first = (inv.file, inv.line)
            self.used.update(s.definition for s in inv.steps if s.definition)
        for inv in batch:
            self.spool.append(inv)

    def trace(self):
        """The Trace, its invocations in the spool (what builder.trace() gives, with
        attach_depends_on and annotate done)."""
        b = self.builder
        b.flush()
        self._finish()
        defs = {k: v for k, v in b.definitions.items() if k in self.used}
        return Trace(macro=b.macro_name, file=b.display(b.file), config=b.config,
                     invocations=self.spool, definitions=defs, depends_on=list(self.depends_on),
                     policy=self.options.describe())
