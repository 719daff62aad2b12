"""The trace: plain data, serialisable to JSON and back.

Everything downstream of the engine (renderers, diff, check) reads only these classes.
JSON layout (``Trace.to_dict``) is the documented contract; bump SCHEMA when it changes.
"""

from dataclasses import dataclass, field, fields
from typing import List, Optional

from .. import __version__

SCHEMA = 3      # 2: a tree node that is a step refers to it instead of repeating it
                # 3: optional fields (views); CI snapshots in their own compact envelope


@dataclass
class Condition:
    directive: str            # if, ifdef, ifndef, elif, else...
    expression: str           # as written ("" for #else)
    file: str
    line: int
    taken: bool
    description: str          # "CONFIG_LTO_CLANG is defined"
    include_guard: bool = False
    symbols: List[str] = field(default_factory=list)   # names it tests (and its earlier branches)


@dataclass
class Definition:
    key: str                  # "name@file:line": unique even when a macro is redefined
    name: str
    signature: str            # "__PASTE(a, b)"
    body: str                 # replacement list as written
    file: str
    line: int
    builtin: bool = False
    command_line: bool = False
    conditions: List[Condition] = field(default_factory=list)

    def where(self):
        """Where it is defined, as a reader says it: FILE:LINE, built-in, command line."""
        if self.builtin:
            return "built-in"
        if self.command_line:
            return "command line"
        return "%s:%d" % (self.file, self.line)


@dataclass
class Argument:
    index: int
    parameter: str
    written: str              # the argument as written in the invocation
    expanded: Optional[str]   # after its own pre-expansion (None: not pre-expanded)
    uses: List[str]           # how the replacement list uses it: "expanded", "#", "##"
    stringified: Optional[str] = None


@dataclass
class Paste:
    lhs: str
    rhs: str
    result: Optional[str]     # None: not a valid token (gcc's "pasting ... does not give")


@dataclass
class Step:
    index: int
    kind: str                 # source, macro, builtin, pragma
    text: str                 # the whole text after this step
    macro: Optional[str] = None
    definition: Optional[str] = None     # key into Trace.definitions
    replaced: str = ""                   # what was replaced (the invocation)
    inserted: str = ""                   # what replaced it
    before_span: Optional[List[int]] = None   # [start, end) of `replaced` in the previous text
    after_span: Optional[List[int]] = None    # [start, end) of `inserted` in `text`
    arguments: List[Argument] = field(default_factory=list)
    pastes: List[Paste] = field(default_factory=list)
    value: Optional[str] = None          # builtins: what __COUNTER__/__LINE__... gave
    node: Optional[int] = None           # the tree node this step is
    hidden: bool = False                 # the view in effect folds it (it is still here)
    backtrace: Optional[List[int]] = None    # tree node ids in progress around it, outermost first


@dataclass
class Node:
    id: int
    macro: str
    role: str                 # top, rescan, "arg N" (expanded while pre-expanding argument N)
    step: Optional[int]       # the step that replaced it (None: expanded to itself, e.g. cut)
    definition: Optional[str] = None
    invocation: str = ""      # as it stood when it was expanded
    arguments: List[Argument] = field(default_factory=list)
    pastes: List[Paste] = field(default_factory=list)
    value: Optional[str] = None
    children: List["Node"] = field(default_factory=list)


@dataclass
class Declaration:
    """One thing an expansion declares (see macrotrace/declarations.py)."""
    name: str
    kind: str                 # variable, function, function definition, alias, asm entry, static_assert,
    #                           type, typedef, "not a declaration" (note says what), unparsed
    type: str
    storage: List[str]
    attributes: List[str]
    section: Optional[str] = None
    initializer: Optional[str] = None
    alias_of: Optional[str] = None
    copy_of: Optional[str] = None
    used: bool = False
    relocation: Optional[str] = None
    asm: Optional[str] = None
    note: Optional[str] = None


@dataclass
class Check:
    """--verify: one declaration held against the object file (macrotrace/verify.py)."""
    declaration: int          # index into the invocation's declarations
    status: str               # ok, mismatch, expected absent, skipped
    detail: str


@dataclass
class Invocation:
    file: str
    line: int
    column: int
    source: str               # the invocation as written
    result: str               # the final text; equals gcc -E's, token for token
    steps: List[Step] = field(default_factory=list)
    tree: Optional[Node] = None
    declarations: List[Declaration] = field(default_factory=list)
    cut: bool = False         # --max-steps stopped it: steps so far, result unknown ("")
    depends_on: List[str] = field(default_factory=list)   # trace/depends.py
    checks: List[Check] = field(default_factory=list)     # --verify
    spine: Optional[List[int]] = None   # tree node ids on the main rescan path


# Schemas that load: 3 added only optional fields (the view: policy, per-step hidden and
# backtrace, the spine), so a schema-2 trace reads with their defaults.
READABLE = (2, 3)


@dataclass
class Trace:
    macro: str
    file: str
    config: dict
    invocations: List[Invocation] = field(default_factory=list)
    definitions: dict = field(default_factory=dict)   # key -> Definition
    command: List[str] = field(default_factory=list)  # macrotrace arguments that make it again
    schema: int = SCHEMA
    tool: str = "macrotrace"
    version: str = __version__                         # of the macrotrace that made it
    depends_on: List[str] = field(default_factory=list)  # the invocations' depends_on, united
    verified_sections: Optional[List[str]] = None        # --verify: the object's sections (None: not run)
    policy: Optional[dict] = None     # the view in effect (views.ViewOptions.describe())

    def mismatches(self):
        """--verify: how many declarations the object file contradicts."""
        return sum(c.status == "mismatch" for inv in self.invocations for c in inv.checks)

    def to_dict(self):
        return plain(self)

    @classmethod
    def from_dict(cls, d):
        if not isinstance(d, dict) or d.get("tool") != "macrotrace":
            raise ValueError("not a macrotrace trace (no \"tool\": \"macrotrace\" field)")
        if d.get("schema") not in READABLE:
            raise ValueError("trace schema %r, this macrotrace reads schema %d" % (d.get("schema"), SCHEMA))
        defs = {k: _build(Definition, v) for k, v in d.get("definitions", {}).items()}
        invs = [invocation_from_dict(v) for v in d.get("invocations", [])]
        return cls(macro=d["macro"], file=d["file"], config=d.get("config", {}),
                   invocations=invs, definitions=defs, command=list(d.get("command", [])),
                   schema=d["schema"], tool=d["tool"], version=d.get("version", ""),
                   depends_on=list(d.get("depends_on", [])),
                   verified_sections=d.get("verified_sections"), policy=d.get("policy"))


_LEAVES = (str, int, bool, float, type(None))


def plain(obj):
    """Dataclasses to dicts and lists, fast (dataclasses.asdict deep-copies every leaf)."""
    t = type(obj)
    if t in _LEAVES:
        return obj
    if t is list or t is tuple:
        return [x if type(x) in _LEAVES else plain(x) for x in obj]
    if t is dict:
        return {k: v if type(v) in _LEAVES else plain(v) for k, v in obj.items()}
    return {k: v if type(v) in _LEAVES else plain(v) for k, v in record_of(obj).items()}


def record_of(obj):
    """The fields of a record as written to JSON.  A tree node that some step replaced
    names that step and leaves out what the step already says (definition, invocation,
    arguments, pastes, value): repeating them made the tree most of a trace's size."""
    if type(obj) is Node and obj.step is not None:
        return {"id": obj.id, "macro": obj.macro, "role": obj.role, "step": obj.step,
                "children": obj.children}
    return obj.__dict__


def invocation_from_dict(d):
    """One invocation of a trace's JSON, as the model."""
    inv = _build(Invocation, d)
    _fill_tree(inv.tree, inv.steps)
    return inv


def _fill_tree(node, steps):
    """Give the nodes read back from JSON what their steps say (see record_of)."""
    if node is None:
        return
    if node.step is not None:
        if not 0 <= node.step < len(steps):
            raise ValueError("tree node %s refers to step %s of %d" % (node.id, node.step, len(steps)))
        s = steps[node.step]
        node.definition, node.invocation = s.definition, s.replaced
        node.arguments, node.pastes, node.value = s.arguments, s.pastes, s.value
    for child in node.children:
        _fill_tree(child, steps)


# Which fields hold nested records: {class: {field: (record class, is a list)}}.
def _nested():
    return {
        Definition: {"conditions": (Condition, True)},
        Step: {"arguments": (Argument, True), "pastes": (Paste, True)},
        Node: {"arguments": (Argument, True), "pastes": (Paste, True), "children": (Node, True)},
        Invocation: {"steps": (Step, True), "tree": (Node, False), "declarations": (Declaration, True),
                     "checks": (Check, True)},
    }


def check_document(d, kind, schema):
    """Raise ValueError unless ``d`` is a macrotrace document of ``kind`` in ``schema``."""
    if not isinstance(d, dict) or d.get("tool") != "macrotrace" or d.get("kind") != kind:
        raise ValueError("not a macrotrace %s" % kind)
    if d.get("schema") != schema:
        raise ValueError("%s schema %r, this macrotrace reads schema %d" % (kind, d.get("schema"), schema))


def _build(klass, data, nested_records=None):
    """Rebuild a dataclass tree from its asdict() form, strictly (``nested_records``: the
    table of nested fields, {class: {field: (record class, is a list)}}; the trace's own
    by default)."""
    if not isinstance(data, dict):
        raise ValueError("expected an object for %s, got %s" % (klass.__name__, type(data).__name__))
    names = {f.name for f in fields(klass)}
    unknown = set(data) - names
    if unknown:
        raise ValueError("unknown field(s) %s in %s" % (", ".join(sorted(unknown)), klass.__name__))
    table = nested_records or _nested()
    nested = table.get(klass, {})
    kwargs = {}
    for name, value in data.items():
        if name in nested and value is not None:
            sub, is_list = nested[name]
            if is_list:
                if not isinstance(value, list):
                    raise ValueError("%s.%s must be a list" % (klass.__name__, name))
                value = [_build(sub, v, table) for v in value]
            else:
                value = _build(sub, value, table)
        kwargs[name] = value
    try:
        return klass(**kwargs)
    except TypeError as e:
        raise ValueError("%s: %s" % (klass.__name__, e))
