"""What the engine tells the outside world: clang PPCallbacks-style hooks.

The engine calls these methods; it never formats anything.  The trace builder
(``macrotrace.trace.builder``) is the listener that turns them into the trace model.
All token arguments are lists of ``tokens.Token``; PADDING tokens may be present
(they only carry spacing).
"""


class Branch:
    """One ``#if``-family decision: which branch was taken and why (the trace model's
    ``model.Condition`` is what a trace shows of it)."""

    __slots__ = ("directive", "expression", "file", "line", "taken", "value", "guard", "earlier")

    def __init__(self, directive, expression, file, line, taken, value=None, guard=False):
        self.directive = directive    # if, ifdef, ifndef, elif, else, elifdef, elifndef
        self.expression = expression  # the condition as written ("" for #else)
        self.file = file
        self.line = line
        self.taken = taken            # this branch is the active one
        self.value = value            # the evaluated value, for #if/#elif
        self.guard = guard            # the include guard of its file (#ifndef X / #define X)
        self.earlier = ()             # the branches of the same #if before this one (not taken)

    def describe(self):
        """Plain words: 'CONFIG_LTO_CLANG is defined', 'X > 3 is false'...

        For #elif and #else the earlier branches are part of the reason."""
        own = self._describe_self()
        if not self.earlier:
            return own
        before = "; ".join("#%s %s: %s" % (c.directive, c.expression, c._describe_self())
                           for c in self.earlier)
        return before if self.directive == "else" else "%s (after %s)" % (own, before)

    def _describe_self(self):
        d, e = self.directive, self.expression
        if d in ("ifdef", "elifdef"):
            return "%s is %s" % (e, "defined" if self.taken else "not defined")
        if d in ("ifndef", "elifndef"):
            return "%s is %s" % (e, "not defined" if self.taken else "defined")
        if d == "else":
            return "no earlier branch was taken" if self.taken else "an earlier branch was taken"
        return "%s is %s" % (e, "true" if self.value else "false")

    def __repr__(self):
        return "Branch(#%s %s -> %s)" % (self.directive, self.expression, self.taken)


def hears(listener, hook):
    """Whether ``listener`` overrides ``hook`` (one left as Listener's does nothing, so
    what it would be given need not be made)."""
    return getattr(type(listener), hook) is not getattr(Listener, hook)


class Listener:
    """Override what you need; every hook here does nothing."""

    # -- directives ------------------------------------------------------------
    def macro_defined(self, macro):
        pass

    def macro_undefined(self, name, file, line):
        pass

    def conditional(self, condition, chain):
        """A branch decision; ``chain`` is the full stack of enclosing conditions."""

    def file_entered(self, path, from_file, from_line):
        pass

    def warning(self, warning):
        pass

    # -- expansion (only called while a traced invocation is being expanded) ----
    # Arguments are passed as they are (no event objects): these run for every macro
    # replacement of a trace, hundreds of thousands of times in a large one.
    def trace_begin(self, trace_id, name_token):
        pass

    def expansion_begin(self, exp_id, macro, name_token, parent, role, trace_ids):
        """``parent``: the expansion id it is part of (None at the top); ``role``: "top",
        "rescan" or "arg N" (found while pre-expanding argument N of the parent)."""

    def arguments_collected(self, exp_id, args):
        """``args``: one object per argument with ``tokens`` (as written) and ``omitted``."""

    def argument_expanded(self, exp_id, index, tokens):
        pass

    def argument_stringified(self, exp_id, index, token):
        pass

    def tokens_pasted(self, exp_id, lhs, rhs, result):
        """``result`` is None when the paste gave no valid token."""

    def expansion_step(self, step):
        """A macro (or builtin) was replaced: the film's next frame (a StepEvent)."""

    def expansion_rescanned(self, exp_id, abandoned):
        pass

    def trace_end(self, event):
        pass


class StepEvent:
    """One replacement in a trace: the text of the trace before and after it, the spans
    replaced and inserted, and how the text ends (for joining the unread source)."""

    __slots__ = ("id", "trace_id", "macro", "name_token", "replacement", "before", "span_before",
                 "end_before", "after", "span_after", "end_after", "consumed")

    def __init__(self, id_, trace_id, macro, name_token, replacement, before, span_before,
                 end_before, after, span_after, end_after, consumed):
        self.id, self.trace_id, self.macro, self.name_token = id_, trace_id, macro, name_token
        self.replacement, self.before, self.span_before, self.end_before = \
            replacement, before, span_before, end_before
        self.after, self.span_after, self.end_after, self.consumed = after, span_after, end_after, consumed
