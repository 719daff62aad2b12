"""What a trace depended on: the configuration symbols read by the ``#if`` conditions
around the definitions its chains used.

A definition written inside ``#ifdef CONFIG_LTO_CLANG`` (or in the ``#else`` of it) is
there because of CONFIG_LTO_CLANG; the union over an invocation's steps is what its
expansion could change with.  It is what ``--matrix`` varies by default.  Include
guards are not configuration and are left out, and so are the names C reserves for the
implementation (``__GNUC__``, ``__clang__``, ``__KERNEL__``, ``__ASSEMBLY__``: the
compiler's and the build's, not a configuration's); a condition's ``symbols`` keep
them.
"""

import re

_NOT_SYMBOLS = frozenset({"defined", "true", "false"})
# the compiler's answers (__has_attribute(__copy__), __has_include(<x.h>)), strings and
# character constants are not read for symbols
_SKIPPED = re.compile(r'\b__has_\w+\s*\([^()]*\)|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
# an identifier not inside a pp-number (0x1F, 1e5, 10UL), with what follows it
_IDENT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(\s*\()?")


def condition_symbols(expressions):
    """The macro names the conditions ``expressions`` test, in order, once each.  A name
    called like a function (``IS_ENABLED(CONFIG_X)``) is a helper, not a symbol."""
    out = []
    for text in expressions:
        for m in _IDENT.finditer(_SKIPPED.sub(" ", text or "")):
            name = m.group(1)
            if m.group(2) or name in _NOT_SYMBOLS or name in out:
                continue
            out.append(name)
    return out


def is_reserved(name):
    """C's names for the implementation: __x and _X."""
    return name.startswith("__") or (name[:1] == "_" and name[1:2].isupper())


def invocation_depends_on(trace, inv):
    """The configuration symbols the conditions around the definitions ``inv``'s steps
    used test."""
    out = []
    for step in inv.steps:
        d = trace.definitions.get(step.definition) if step.definition else None
        for c in d.conditions if d is not None else ():
            if not c.include_guard:
                out.extend(s for s in c.symbols if s not in out and not is_reserved(s))
    return out


def attach_depends_on(trace):
    """Fill each invocation's ``depends_on`` and the trace's (their union)."""
    union = []
    for inv in trace.invocations:
        inv.depends_on = invocation_depends_on(trace, inv)
        union.extend(s for s in inv.depends_on if s not in union)
    trace.depends_on = union
    return trace
