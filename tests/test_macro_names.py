"""The expander skips the macro-table lookup of a name never made a macro (compiled: a C
set of the names define, define_pending and restore noted, expander.pxd).  Whatever way
a name became a macro, or a token spelled it (interned by the lexer or not, made by a
paste), the expansion is the one a lookup of every name gives: pure Python's, which
looks every name up (test_compiled.py runs both engines on the same units)."""

import io
import sys

import macrotrace
from macrotrace.engine import state
from macrotrace.engine.macros import MacroDef


def run(text, before=None):
    """The output of ``text``; ``before(pp)`` runs first (on the preprocessor)."""
    p = macrotrace.Preprocessor()
    if before is not None:
        before(p)
    p.parse(io.StringIO(text))
    out = io.StringIO()
    p.write(out)
    return " ".join(out.getvalue().split())


def test_a_name_defined_after_its_use_was_lexed_is_found():
    # B in A's body was lexed (and interned) before B was a macro
    assert run("#define A B\n#define B 1\nA B C\n#undef B\nA\n#define B 2\nA\n") == "1 1 C B 2"


def test_a_name_made_by_a_paste_or_a_string_is_found():
    unique = "mt_pasted_%d" % id(object())          # (a spelling no other test interned)
    text = ("#define CAT(a, b) a##b\n#define %s 7\nCAT(mt_pasted_, %s)\n"
            % (unique, unique[len("mt_pasted_"):]))
    assert run(text) == "7"


def test_a_table_restored_or_replaced_is_looked_up_in():
    # names put in a table outside define (a saved state, a replayed segment), or a
    # table set directly: each found
    name = "".join(["mt_restored_", str(id(object()))])      # (not interned)
    table = {name: MacroDef(name, None, [])}

    def restore(pp):
        exp = pp.expander
        exp.restore(table, 0)
        exp.define(MacroDef("ANOTHER", None, []))
    assert run(name + " ANOTHER kept\n", restore) == "kept"

    def replace(pp):
        pp.expander.macros = {"mt_replaced": MacroDef("mt_replaced", None, [])}
    assert run("mt_replaced kept\n", replace) == "kept"

    def pending(pp):
        exp = pp.expander
        exp.restore(state.LazyMacros({}), 0)
        exp.define_pending("mt_pending", MacroDef("mt_pending", None, []))
    assert run("mt_pending kept\n", pending) == "kept"


def test_names_noted_are_held_interned():
    # what the C set keys on: the interned string of each name noted
    p = macrotrace.Preprocessor()
    name = "".join(["mt_noted_", str(id(p))])
    p.define(name + " 1")
    assert name in p.macros and sys.intern(name) in p.macros
    assert run("%s\n" % name, lambda pp: pp.define(name + " 5")) == "5"
