"""Is the difference between two films of one invocation a renumbering or a change?

Decided on the steps, in order.  Both films must take the same steps (same kind, same
macro, same definition by its content, same arguments' roles).  A built-in step of
``__LINE__``, ``__COUNTER__`` or ``__FILE__`` may give another value: that value is
*renumbered*, and so is what it is then pasted into (a paste whose operands are equal
or renumbered gives a renumbered token) and what such a token is stringified into (an
argument written the same but for renumbered tokens).  Every text of the step — the
arguments, what was replaced and inserted, the text after it, and finally the result —
must then be the same token for token, a renumbered token standing for its counterpart.
Anything else is a *change*, at the first step where it shows.
"""

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

RENUMBERING = ("__LINE__", "__COUNTER__", "__FILE__")

# preprocessing tokens, coarsely: enough to keep a renumbered token whole
_TOKEN = re.compile(r"""(?:[LuU]|u8)?"(?:\\.|[^"\\\n])*"|(?:[LuU]|u8)?'(?:\\.|[^'\\\n])*'"""
                    r"""|\.?\d(?:[eEpP][+-]|[\w.])*|[A-Za-z_]\w*|\s+|.""", re.S)


@dataclass
class Verdict:
    kind: str                                   # same, renumbered, changed
    renumbered: List[Tuple[str, str, str]] = field(default_factory=list)   # (macro, old, new)
    step: Optional[int] = None                  # changed: the first step that differs
    what: str = ""                              # changed: what differs there


def _tokens(text):
    return _TOKEN.findall(text or "")


class _Equivalence:
    def __init__(self):
        self.pairs = set()

    def same(self, a, b):
        if a == b:
            return True
        if a is None or b is None:
            return False
        ta, tb = _tokens(a), _tokens(b)
        if len(ta) != len(tb):
            return False
        for x, y in zip(ta, tb):
            if x != y and (x, y) not in self.pairs:
                return False
        return True


def _definition(trace, key):
    d = trace.definitions.get(key) if key else None
    if d is None:
        return key
    return (d.name, d.signature, d.body, d.builtin, d.command_line,
            [(c.directive, c.expression, c.taken, c.include_guard) for c in d.conditions])


def _step_differs(ta, sa, tb, sb, eq, renumbered, whole_text=True):
    """What differs between two aligned steps ("" when they agree), extending ``eq``."""
    if (sa.kind, sa.macro) != (sb.kind, sb.macro):
        return "another macro (%s, was %s)" % (sb.macro or sb.kind, sa.macro or sa.kind)
    if _definition(ta, sa.definition) != _definition(tb, sb.definition):
        return "another definition of %s" % sa.macro
    if sa.value != sb.value:
        if sa.macro not in RENUMBERING or sa.kind != "builtin" or sa.value is None or sb.value is None:
            return "%s gives %s (was %s)" % (sa.macro, sb.value, sa.value)
        eq.pairs.add((sa.value, sb.value))
        renumbered.append((sa.macro, sa.value, sb.value))
    if len(sa.pastes) != len(sb.pastes):
        return "%d pastes (were %d)" % (len(sb.pastes), len(sa.pastes))
    for pa, pb in zip(sa.pastes, sb.pastes):
        if not (eq.same(pa.lhs, pb.lhs) and eq.same(pa.rhs, pb.rhs)):
            return "pastes %s ## %s (was %s ## %s)" % (pb.lhs, pb.rhs, pa.lhs, pa.rhs)
        if pa.result != pb.result:
            if pa.result is None or pb.result is None:
                return "pasting %s ## %s gives %s (was %s)" % (pb.lhs, pb.rhs, pb.result, pa.result)
            eq.pairs.add((pa.result, pb.result))
    if len(sa.arguments) != len(sb.arguments):
        return "%d arguments (were %d)" % (len(sb.arguments), len(sa.arguments))
    for aa, ab in zip(sa.arguments, sb.arguments):
        if (aa.parameter, aa.uses) != (ab.parameter, ab.uses) or not eq.same(aa.written, ab.written):
            return "argument %s is %s (was %s)" % (ab.parameter, ab.written, aa.written)
        if (aa.expanded is None) != (ab.expanded is None) or not eq.same(aa.expanded, ab.expanded):
            return "argument %s expands to %s (was %s)" % (ab.parameter, ab.expanded, aa.expanded)
        if aa.stringified != ab.stringified:
            if aa.stringified is None or ab.stringified is None:
                return "argument %s stringified differently" % ab.parameter
            eq.pairs.add((aa.stringified, ab.stringified))
    for name in ("replaced", "inserted", "text") if whole_text else ("replaced", "inserted"):
        if not eq.same(getattr(sa, name), getattr(sb, name)):
            return "%s %s (was %s)" % (name, _short(getattr(sb, name)), _short(getattr(sa, name)))
    return ""


def _short(text, n=60):
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 3] + "..."


def classify(ta, ia, tb, ib):
    """Verdict for invocation ``ia`` of trace ``ta`` (stored) against ``ib`` of ``tb`` (now)."""
    eq = _Equivalence()
    renumbered = []
    for k, (sa, sb) in enumerate(zip(ia.steps, ib.steps)):
        what = _step_differs(ta, sa, tb, sb, eq, renumbered) if k else (
            "" if eq.same(sa.text, sb.text) else "written %s (was %s)" % (_short(sb.text), _short(sa.text)))
        if what:
            return Verdict("changed", renumbered, k, what)
    if len(ia.steps) != len(ib.steps):
        k = min(len(ia.steps), len(ib.steps))
        return Verdict("changed", renumbered, k, "%d steps (were %d)" % (len(ib.steps), len(ia.steps)))
    if ia.cut != ib.cut or not eq.same(ia.result, ib.result):
        return Verdict("changed", renumbered, None, "result %s (was %s)" % (_short(ib.result), _short(ia.result)))
    return Verdict("renumbered" if renumbered else "same", renumbered)



def agreement(ta, ia, tb, ib):
    """(indices of the steps that are the same but for renumbering, whether the results
    are): for a diff that shows only the change.  A step is judged on its own parts
    (what it replaced and inserted, its arguments, pastes and value), not on the whole
    text after it, which a change before it alters too."""
    eq = _Equivalence()
    same = set()
    for k, (sa, sb) in enumerate(zip(ia.steps, ib.steps)):
        if (eq.same(sa.text, sb.text) if k == 0 else not _step_differs(ta, sa, tb, sb, eq, [], False)):
            same.add(k)
    return same, eq.same(ia.result, ib.result)
