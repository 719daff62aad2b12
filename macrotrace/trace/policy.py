"""Hiding policies: which macros a trace shows as steps and which it folds away.

A policy never changes what is expanded, only which steps a view shows (see views.py).
The table is data, printed by ``macrotrace policy --list`` and in the README.

Patterns: a name, or a prefix ending in ``*`` (``__stringify*``).  File patterns are
shell globs on the path of the header that defines the macro (``*/compiler_attributes.h``).
"""

import fnmatch
from dataclasses import dataclass
from typing import Tuple


@dataclass(frozen=True)
class Rule:
    pattern: str
    why: str
    file: bool = False        # a glob on the defining header, not a macro name


@dataclass(frozen=True)
class Policy:
    name: str
    description: str
    hide: Tuple[Rule, ...] = ()
    show: Tuple[Rule, ...] = ()   # shown even when a hide rule matches


KERNEL = Policy(
    name="kernel",
    description="the initcall story: token pasting, stringizing, unique-id helpers and "
                "attribute shorthands are folded into the next visible step",
    hide=(
        Rule("__PASTE", "token-pasting helper: the pasted name appears in the next visible step"),
        Rule("___PASTE", "token-pasting helper (the ## itself)"),
        Rule("__stringify*", "stringizing helpers: __stringify, __stringify_1"),
        Rule("__UNIQUE_ID", "unique-name helper (__UNIQUE_ID_prefixN)"),
        Rule("___UNIQUE_ID", "unique-name helper"),
        Rule("*/compiler_attributes.h", "attribute shorthands: __used, __section, __copy, __cold, "
             "__maybe_unused, __aligned...", file=True),
        Rule("notrace", "attribute shorthand (compiler_types.h)"),
        Rule("inline", "the kernel's inline: attributes added to the keyword"),
        Rule("__inline_maybe_unused", "attribute shorthand"),
        Rule("__gnu_inline", "attribute shorthand"),
        Rule("__latent_entropy", "plugin attribute, empty without the plugin"),
        Rule("__noinitretpoline", "attribute shorthand, empty on most builds"),
        Rule("__nocfi", "attribute shorthand"),
        Rule("__same_type", "a __builtin_types_compatible_p wrapper"),
        Rule("__static_assert", "static_assert's helper"),
    ),
    show=(
        Rule("__COUNTER__", "the counter value is part of __initcall_id"),
        Rule("__LINE__", "the line number is part of __initcall_id"),
        Rule("__KBUILD_MODNAME", "the module name is part of __initcall_id"),
    ),
)

NONE = Policy(name="none", description="every step is shown")

POLICIES = {p.name: p for p in (KERNEL, NONE)}
DEFAULT = "kernel"


def name_matches(pattern, name):
    """A name pattern: exact, or a prefix glob ending in ``*``."""
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return name == pattern


def file_matches(pattern, path):
    if not path:
        return False
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase("/" + path, pattern)


def rule_matches(rule, name, path):
    return file_matches(rule.pattern, path) if rule.file else name_matches(rule.pattern, name)


def listing():
    """The policy table as text (``macrotrace policy --list``)."""
    out = []
    for p in POLICIES.values():
        out.append("%s: %s" % (p.name, p.description))
        for verb, rules in (("hide", p.hide), ("show", p.show)):
            for r in rules:
                what = "file %s" % r.pattern if r.file else r.pattern
                out.append("  %s  %-30s %s" % (verb, what, r.why))
    return "\n".join(out) + "\n"
