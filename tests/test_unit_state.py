"""A unit's own state (engine/state.py): its macro table is stored packed (``Packed``)
and read back lazily; every definition comes back as it was, however it was held when
the state was taken (defined by the unit, replayed from a header's segment and never
looked at, replayed then looked up, restored from an earlier state), and a run that
starts from the state prints what a run without any cache prints."""

import marshal

import pytest

from test_cache import private_cache  # noqa: F401  (the fixture: a cache of the test's own)

from macrotrace.config import RunConfig
from macrotrace.engine import defcode, session, state
from macrotrace.engine.printer import Printer
from macrotrace.engine.tokens import IDENT
from macrotrace.record import replace


def tree(tmp_path):
    (tmp_path / "inc").mkdir()
    inc = tmp_path / "inc"
    (inc / "a.h").write_text(
        "#ifndef A_H\n#define A_H\n#define PASTE(a, b) a ## b\n#define VAR(x, ...) f(x, ##__VA_ARGS__)\n"
        "#if LEVEL > 1\n#define WIDE 64\n#elif defined(NARROW)\n#define WIDE 16\n#else\n"
        "#ifdef __x86_64__\n#define WIDE 32\n#endif\n#endif\n#include \"b.h\"\n"
        "#define STR(x) #x\n#define LATE PASTE(WI, DE)\n#endif\n")
    # (-D options undefined, and one defined again, by a header)
    (inc / "b.h").write_text("#define B_ONE 1\n#define B_GONE 2\n#undef B_GONE\n"
                             "#define B_EMPTY\n#define B_FN() (B_ONE + WIDE)\n"
                             "#undef NARROW\n#undef LEVEL\n#define LEVEL 1\n")
    return inc


def unit(tmp_path, name, code):
    path = tmp_path / name
    path.write_text("#include <a.h>\n#define OWN_%s 7\n%s" % (name.replace(".", "_"), code))
    return path


def config(src, inc):
    return RunConfig(source=str(src), include_dirs=(str(inc),), bundled_headers=False,
                     macro_options=(("D", "LEVEL=1"), ("D", "NARROW"), ("D", "CMD=x y")))


def body_rows(m):
    """A definition's replacement list as plain rows: all of it that ``defcode`` stores
    (a token's file only when it is not the definition's; an identifier's UCN spelling)."""
    home = m.site[0] if m.site else None
    return tuple((t.kind, t.text, t.flags, t.line, t.col, None if t.file == home else t.file,
                  t.argno, t.source if t.kind == IDENT else None) for t in m.body)


def described(m):
    """All a stored definition holds, as plain values."""
    return (m.name, m.params if m.fun_like else None, m.variadic, m.site, m.spelling,
            m.from_command_line, tuple(defcode.branch_row(c) for c in m.conditions),
            body_rows(m), state.fingerprint(m))


def table_after_run(cfg):
    """The macro table at the end of a run (a LazyMacros when segments were replayed)."""
    with session.in_build_dir(cfg):
        pp = session.make_preprocessor(cfg)
        pp.run(cfg.source, cfg.forced_includes, Printer(), cfg.imacros)
    return pp.expander.macros


def user_macros(table):
    return {name: described(table[name]) for name in list(table) if table[name].builtin is None}


def round_trip(table, encoder):
    value, conds = encoder.encode(table)
    value, conds = marshal.loads(marshal.dumps((value, conds)))     # as statecache stores it
    return state.decode_macros(value, conds, {})


def test_a_replayed_table_comes_back_whole_however_its_entries_were_held(tmp_path):
    inc = tree(tmp_path)
    session.expand(config(unit(tmp_path, "first.c", "int v = LATE;\n"), inc))   # records a.h, b.h
    cfg = config(unit(tmp_path, "second.c", "int w = B_FN();\n"), inc)
    table = table_after_run(cfg)
    assert isinstance(table, state.LazyMacros)
    held = {type(dict.get(table, n)).__name__ for n in table}
    assert {"Pending", "MacroDef"} <= held            # replayed, and looked up or defined
    expected = user_macros(table)
    assert {"PASTE", "WIDE", "B_FN", "OWN_second_c", "CMD", "LEVEL"} <= set(expected)
    assert "B_GONE" not in expected and "NARROW" not in expected

    restored, encoder = round_trip(table, state.Encoder())
    # a few looked up (decoded), the others still stored: and stored again from there
    for name in ("WIDE", "OWN_second_c", "B_ONE"):
        assert described(restored[name]) == expected[name]
    again, _ = round_trip(restored, encoder)
    assert user_macros(restored) == expected
    assert user_macros(again) == expected


def test_runs_from_the_state_print_what_a_run_without_cache_prints(tmp_path):
    inc = tree(tmp_path)
    first = config(unit(tmp_path, "first.c", "int v = LATE;\n"), inc)
    second = config(unit(tmp_path, "second.c", "int w = B_FN() + WIDE; const char *s = STR(CMD);\n"), inc)
    uncached = session.expand(replace(second, cache=False)).text
    session.expand(first)
    in_turn = session.expand(second)         # headers replayed, its own state saved
    warm = session.expand(second)            # its own state
    assert (in_turn.cache_hit, warm.cache_hit) == (False, True)
    assert in_turn.segments[0] > 0
    assert in_turn.text == warm.text == uncached
    assert "int w = (1 + 16) + 16;" in uncached
    assert warm.macros["B_FN"].spelling == in_turn.macros["B_FN"].spelling == "(B_ONE + WIDE)"


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_state_file_is_a_cache_miss_not_an_error(tmp_path, damage):
    inc = tree(tmp_path)
    cfg = config(unit(tmp_path, "second.c", "int w = B_FN();\n"), inc)
    uncached = session.expand(replace(cfg, cache=False)).text
    session.expand(cfg)
    [path] = (tmp_path / "cache" / "macrotrace").glob("state-*.bin")
    data = path.read_bytes()
    path.write_bytes({"truncated": data[:-5], "garbage": b"\x07" * 64, "empty": b""}[damage])
    result = session.expand(cfg)
    assert not result.cache_hit and result.text == uncached
    again = session.expand(cfg)          # saved again, whole
    assert again.cache_hit and again.text == uncached


def listing(result):
    """The macros defined at the end, as a user sees them (by name: a replayed segment
    leaves a definition it undefined and made again where it was, where a cold run
    appends it; nothing shows the table's order)."""
    return sorted((name, info.spelling, info.file, info.line) for name, info in
                  ((name, result.macros[name]) for name in result.macros))


def test_the_state_holds_the_macros_of_a_cold_run(tmp_path):
    """The run's own definitions (-D, predefined) are not stored: the run that restores
    the state made them too; those a header undefined or defined again are."""
    inc = tree(tmp_path)
    first = config(unit(tmp_path, "first.c", "int v = LATE;\n"), inc)
    second = config(unit(tmp_path, "second.c", "int w = LEVEL + B_FN();\n"), inc)
    cold = session.expand(replace(second, cache=False))
    session.expand(first)
    in_turn = session.expand(second)
    warm = session.expand(second)
    assert warm.cache_hit and cold.text == in_turn.text == warm.text
    assert listing(cold) == listing(in_turn) == listing(warm)
    names = [row[0] for row in listing(warm)]
    assert "NARROW" not in names and "CMD" in names and "__STDC__" in names
    assert warm.macros["LEVEL"].file.endswith("b.h") and warm.macros["CMD"].spelling == "x y"


def test_a_state_saved_with_other_start_up_definitions_is_not_used(tmp_path, monkeypatch):
    """(The key covers what a run defines before its first file; if a state's own
    definitions are not the run's anyway, it is a miss, never a wrong table.)"""
    inc = tree(tmp_path)
    cfg = config(unit(tmp_path, "second.c", "int w = CMD;\n"), inc)
    session.expand(cfg)
    real = session.make_preprocessor

    def without_cmd(config, *a, **kw):
        pp = real(config, *a, **kw)
        pp.undef_option("CMD")
        return pp
    monkeypatch.setattr(session, "make_preprocessor", without_cmd)
    result = session.expand(cfg)
    assert not result.cache_hit and "int w = CMD;" in result.text


def test_a_state_written_in_short_writes_is_whole(tmp_path, monkeypatch):
    """(writev may write less than it was given: the rest follows.)"""
    import os
    from macrotrace.engine import statecache
    inc = tree(tmp_path)
    cfg = config(unit(tmp_path, "second.c", "int w = B_FN() + WIDE;\n"), inc)
    uncached = session.expand(replace(cfg, cache=False)).text
    with monkeypatch.context() as m:
        m.setattr(statecache.os, "writev", lambda fd, buffers: os.write(fd, bytes(buffers[0][:7])))
        assert not session.expand(cfg).cache_hit
    warm = session.expand(cfg)
    assert warm.cache_hit and warm.text == uncached


def test_definitions_with_rare_tokens_come_back_whole(tmp_path):
    """defcode stores a body's numbers as varints: a line past 2**21 (after #line), an
    identifier written with a UCN (its spelling kept for #), a definition whose body goes
    on on the next line, a parameter number, all come back."""
    inc = tmp_path / "inc"
    inc.mkdir()
    (inc / "r.h").write_text(
        "#ifndef R_H\n#define R_H\n#define UCN \\u00c5ngstr\\u00f6m + 1\n#define S(x) #x\n"
        "#define SU S(\\u00c5)\n#define CAT(a, ...) a ## __VA_ARGS__\n"
        "#line 3000000 \"renamed.h\"\n#define FAR(p, q) (q - p) \\\n   + __LINE__\n"
        "#define AFTER FAR(1, 2)\n#endif\n")
    first = tmp_path / "first.c"
    first.write_text("#include <r.h>\nint a = FAR(3, 4);\n")
    second = tmp_path / "second.c"
    second.write_text("#include <r.h>\nint b = AFTER + CAT(x, y); const char *s = SU; int UCN;\n")
    cfg = lambda src: RunConfig(source=str(src), include_dirs=(str(inc),), bundled_headers=False)  # noqa: E731
    uncached = session.expand(replace(cfg(second), cache=False))
    session.expand(cfg(first))                  # records r.h
    in_turn = session.expand(cfg(second))       # replays it
    warm = session.expand(cfg(second))          # its own state
    assert in_turn.segments[0] > 0 and warm.cache_hit
    assert uncached.text == in_turn.text == warm.text
    headers = lambda table: {n: d for n, d in user_macros(table).items() if not d[5]}  # noqa: E731
    expected = headers(table_after_run(replace(cfg(second), cache=False)))
    assert expected["FAR"][3][1] == 3000000
    assert max(row[3] for row in expected["FAR"][7]) == 3000001     # (its body's lines)
    third = tmp_path / "third.c"
    third.write_text(second.read_text())
    replayed = table_after_run(cfg(third))
    decoded = {m.name for m, v in replayed.stored.values() if type(v) is state.Pending}
    assert {"FAR", "AFTER", "UCN", "SU", "CAT"} <= decoded
    assert headers(replayed) == expected                    # replayed, then decoded
    restored, _ = round_trip(replayed, state.Encoder())
    assert headers(restored) == expected                    # stored in a state, read back


def test_a_definition_whose_numbers_are_not_varints_comes_back_whole():
    """(a negative line, which no source makes, is stored as a plain tuple)"""
    from macrotrace.engine.macros import parse_define
    from macrotrace.engine.lexer import lex
    m = parse_define(lex("F(a, ...) #a + __VA_ARGS__ x", "f.h")[0], ("f.h", 4))
    m.body[1].line = -3
    got, conds = defcode.decode(defcode.encode(m, (1, 2)))
    assert conds == (1, 2)
    assert [tuple(r) for r in body_rows(got)] == [tuple(r) for r in body_rows(m)]
    assert [t.line for t in got.body][:2] == [m.body[0].line, -3]


def test_a_segments_definition_comes_back_whole_from_its_compact_blob():
    """A segment's definition is encoded without marshal (its #if rows marshalled once
    for all the definitions under them): every field and its rows come back, from bytes
    or from a mapped file's memoryview."""
    import marshal
    from macrotrace.engine.macros import parse_define
    from macrotrace.engine.lexer import lex
    rows = (("ifndef", "R_H", "dir/ä.h", 1, True, None, "R_H", ()),)
    sources = ["F(a, ...) #a + __VA_ARGS__ x", "E", "G() \"é\" L'ü' 0x1p-3 /* c */ y",
               "H(p, q) p ## q"]
    for k, src in enumerate(sources):
        m = parse_define(lex(src, "dir/ä.h")[0], ("dir/ä.h", 3 + (k << 22)))
        m.from_command_line = k == 3
        blob = defcode.encode(m, rows, marshal.dumps(rows))
        assert blob[:1] == defcode.COMPACT
        for stored in (blob, memoryview(b"xx" + blob)[2:]):
            got, conds = defcode.decode(stored)
            assert conds == rows
            assert described(got)[:6] + described(got)[7:] == described(m)[:6] + described(m)[7:]


def test_a_compact_definitions_fingerprint_is_made_from_its_blob_alone():
    """A segment stores no fingerprint for a compact definition: it is made from the
    blob (not decoded) when a check asks, and must be the definition's own, whichever
    way it is asked for (the definition, the blob, the definition decoded from it), and
    change with anything that changes an expansion or a trace."""
    import marshal
    from macrotrace.engine.macros import parse_define
    from macrotrace.engine.lexer import lex

    def define(src, site=("dir/ä.h", 3), cmdline=False):
        m = parse_define(lex(src, site[0])[0], site)
        m.from_command_line = cmdline
        return m

    rows = (("ifdef", "X", "dir/ä.h", 1, True, None, None, ()),)
    variants = [define("F(a, ...) #a + __VA_ARGS__ x"), define("F(a, ...) #a + __VA_ARGS__  x"),
                define("F(a, ...) #a + __VA_ARGS__ y"), define("F(b, ...) #b + __VA_ARGS__ x"),
                define("F(a...) #a + a x"), define("F(a, ...) #a + __VA_ARGS__ x", ("dir/ä.h", 4)),
                define("F(a, ...) #a + __VA_ARGS__ x", ("dir/b.h", 3)),
                define("F(a, ...) #a + __VA_ARGS__ x", cmdline=True), define("F() \"é\" 1"),
                define("F \"é\" 1"), define("F"), define("F()")]
    seen = set()
    for m in variants:
        fp = defcode.fingerprint(m)
        assert len(fp) == defcode.FP_SIZE
        for conds in ((), rows):
            blob = defcode.encode(m, conds, marshal.dumps(conds))
            assert blob[:1] == defcode.COMPACT
            assert defcode.blob_fingerprint(blob) == fp
            assert defcode.blob_fingerprint(memoryview(b"x" + blob)[1:]) == fp
            pending = state.Pending(blob, (), None)
            assert pending.fingerprint() == fp
            decoded = pending.decode()
            decoded.fp = None
            assert defcode.fingerprint(decoded) == fp
        seen.add(fp)
    assert len(seen) == len(variants)
    # a definition a compact blob cannot hold (a token from another file) keeps its own
    rare = define("G a b")
    rare.body[1].file = "other.h"
    assert defcode.encode(rare, (), b"")[:1] != defcode.COMPACT
    assert defcode.blob_fingerprint(defcode.encode(rare, ())) is None
    assert len(defcode.fingerprint(rare)) == defcode.FP_SIZE
