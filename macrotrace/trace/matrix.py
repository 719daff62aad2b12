"""One trace per combination of switch macros, and where the chains part.

``--matrix`` traces MACRO under every combination of its axes (by default the symbols
the traces depend on: for module_init, --lto, --prel32 and --module's macros, 8 runs);
configurations giving the same results form a group; for every pair of groups, the
first step where the chains differ tells which definition made the difference.
"""

from dataclasses import dataclass, field
from typing import List, Optional

from ..config import switch_label
from .model import READABLE, SCHEMA, Trace, plain

def switches_label(switches):
    """{"CONFIG_LTO_CLANG": True, "MODULE": False} -> "LTO=y MODULE=n" (config.SWITCHES' labels)."""
    return " ".join("%s=%s" % (switch_label(k), "y" if v else "n") for k, v in switches.items())


@dataclass
class Run:
    switches: dict
    label: str
    trace: Trace


@dataclass
class Group:
    runs: List[int]                # indices into Matrix.runs
    labels: List[str]
    results: List[str]             # one per invocation, identical across the group


@dataclass
class Divergence:
    invocation: int                # index into each trace's invocations
    groups: List[int]              # the two groups compared
    step: Optional[int]            # first step index where the chains differ
    macros: List[Optional[str]]    # the macro replaced at that step in each chain
    definitions: List[Optional[str]]   # definition keys at that step (into each run's definitions)
    texts: List[str] = field(default_factory=list)   # each chain's text after that step
    # the expansion that decides it: the outermost pair (same macro, different definition)
    # on the way from the root to the diverging step; often an enclosing macro whose
    # other definition pre-expands its arguments in another order
    cause_macros: List[Optional[str]] = field(default_factory=list)
    cause_definitions: List[Optional[str]] = field(default_factory=list)


@dataclass
class Matrix:
    macro: str
    file: str
    config: dict
    runs: List[Run]
    groups: List[Group]
    divergences: List[Divergence]
    command: List[str] = field(default_factory=list)
    kind: str = "matrix"
    schema: int = SCHEMA
    tool: str = "macrotrace"
    also_depends_on: List[str] = field(default_factory=list)   # symbols some run depends on, not varied

    def to_dict(self):
        return plain(self)

    @classmethod
    def from_dict(cls, d):
        if not isinstance(d, dict) or d.get("tool") != "macrotrace" or d.get("kind") != "matrix":
            raise ValueError("not a macrotrace matrix")
        if d.get("schema") not in READABLE:
            raise ValueError("matrix schema %r, this macrotrace reads schema %d" % (d.get("schema"), SCHEMA))
        try:
            runs = [Run(r["switches"], r["label"], Trace.from_dict(r["trace"])) for r in d["runs"]]
            groups = [Group(**g) for g in d["groups"]]
            divs = [Divergence(**x) for x in d["divergences"]]
            return cls(d["macro"], d["file"], d.get("config", {}), runs, groups, divs,
                       list(d.get("command", [])), also_depends_on=list(d.get("also_depends_on", [])))
        except (KeyError, TypeError) as e:
            raise ValueError("malformed matrix: %s" % e)


def _first_difference(a, b):
    """Index of the first step whose macro or definition differs, or None."""
    for k, (x, y) in enumerate(zip(a.steps, b.steps)):
        if (x.macro, x.definition, x.text) != (y.macro, y.definition, y.text) and k > 0:
            return k
    if len(a.steps) != len(b.steps):
        return min(len(a.steps), len(b.steps))
    return None


def _path(inv, step_index):
    """Nodes from the root of ``inv``'s tree down to the node of step ``step_index``."""
    if inv.tree is None or step_index >= len(inv.steps):
        return []
    target = inv.steps[step_index].node

    def walk(node, trail):
        trail = trail + [node]
        if node.id == target:
            return trail
        for c in node.children:
            found = walk(c, trail)
            if found:
                return found
        return None
    return walk(inv.tree, []) or []


def _cause(ia, ib, k):
    for na, nb in zip(_path(ia, k), _path(ib, k)):
        if na.macro == nb.macro and na.definition != nb.definition:
            return [na.macro, nb.macro], [na.definition, nb.definition]
        if na.macro != nb.macro:
            break
    sa = ia.steps[k] if k < len(ia.steps) else None
    sb = ib.steps[k] if k < len(ib.steps) else None
    return ([sa.macro if sa else None, sb.macro if sb else None],
            [sa.definition if sa else None, sb.definition if sb else None])


def build_matrix(runs):
    """``runs``: list of (switches dict, Trace) in a fixed order."""
    run_objs = [Run(sw, switches_label(sw), tr) for sw, tr in runs]
    groups = {}
    order = []
    for i, r in enumerate(run_objs):
        key = tuple(inv.result for inv in r.trace.invocations)
        if key not in groups:
            groups[key] = Group([], [], list(key))
            order.append(key)
        groups[key].runs.append(i)
        groups[key].labels.append(r.label)
    group_list = [groups[k] for k in order]
    divergences = []
    for gi in range(len(group_list)):
        for gj in range(gi + 1, len(group_list)):
            ta = run_objs[group_list[gi].runs[0]].trace
            tb = run_objs[group_list[gj].runs[0]].trace
            for n, (ia, ib) in enumerate(zip(ta.invocations, tb.invocations)):
                k = _first_difference(ia, ib)
                if k is None:
                    continue
                sa = ia.steps[k] if k < len(ia.steps) else None
                sb = ib.steps[k] if k < len(ib.steps) else None
                cause_macros, cause_defs = _cause(ia, ib, k)
                divergences.append(Divergence(
                    invocation=n, groups=[gi, gj], step=k,
                    macros=[sa.macro if sa else None, sb.macro if sb else None],
                    definitions=[sa.definition if sa else None, sb.definition if sb else None],
                    texts=[sa.text if sa else "", sb.text if sb else ""],
                    cause_macros=cause_macros, cause_definitions=cause_defs))
    first = run_objs[0].trace if run_objs else None
    return Matrix(macro=first.macro if first else "", file=first.file if first else "",
                  config={k: v for k, v in (first.config.items() if first else []) if k != "switches"},
                  runs=run_objs, groups=group_list, divergences=divergences)
