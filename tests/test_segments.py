"""Per-header reuse (engine/segments.py, engine/reuse.py): a header's segments, recorded
by one unit, are replayed by another unit that reaches them in a state satisfying what
they depend on -- and only then.

Each test runs a first unit (which records), then a second one, and checks what the
second replayed or read (``RunResult.segments``: (replayed, read)) and that its output
is the output without any cache, which is gcc's (the engine's tests prove that).
"""

import itertools
import marshal
import os
import random
import shutil
from macrotrace.record import replace

import pytest

import test_kernel
from test_kernel import built  # noqa: F401  (the fixture: Kbuild builds the test modules)

from macrotrace.compile_command import parse_command
from macrotrace.config import RunConfig
from macrotrace.engine import diskcache, session

HELLO = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "hello.c")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def tree(tmp_path):
    inc = tmp_path / "inc"
    inc.mkdir()
    (tmp_path / "cfg.h").write_text("#define CFG 1\n")
    (inc / "a.h").write_text("#ifndef A_H\n#define A_H\n#define PASTE(a, b) a ## b\nint a_decl;\n#endif\n")
    (inc / "b.h").write_text("#if LEVEL > 1\n#define B_VALUE 20\n#else\n#define B_VALUE 10\n#endif\n"
                             "int b_decl = B_VALUE + __COUNTER__;\n")
    (inc / "c.h").write_text("#define NAME_OF_UNIT KBUILD_MODNAME\n#define C_VALUE (B_VALUE + CFG)\n")
    return inc


def unit(tmp_path, name, prefix, code="int x = C_VALUE + __COUNTER__; const char *n = NAME_OF_UNIT;\n"):
    path = tmp_path / name
    path.write_text("/* %s */\n" % name + "".join("#include <%s>\n" % h for h in prefix) + code)
    return path


def config(tmp_path, src, inc, **kw):
    kw.setdefault("macro_options", (("D", "LEVEL=1"),))
    return RunConfig(source=str(src), include_dirs=(str(inc),), bundled_headers=False,
                     forced_includes=(str(tmp_path / "cfg.h"),), modname=src.stem, **kw)


def expand(cfg):
    result = session.expand(cfg)
    assert result.text == session.expand(replace(cfg, cache=False)).text
    return result


def forget_unit_states():
    """Drop the units' own states (statecache.py), keep the header segments: a unit run
    again then starts cold and can only replay segments."""
    d = diskcache.cache_dir()
    for name in os.listdir(d):
        if name.startswith("state-"):
            os.unlink(os.path.join(d, name))


def test_a_second_unit_replays_the_headers_in_another_order(tmp_path):
    inc = tree(tmp_path)
    first = expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    assert first.segments[0] == 0 and first.segments[1] > 0
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["c.h", "a.h"]), inc))
    assert second.segments == (3, 0)    # cfg.h, c.h, a.h
    assert 'n = "two";' in second.text and "int x = (B_VALUE + 1) + 0;" in second.text


def test_a_changed_header_is_read_again(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    (inc / "c.h").write_text("#define NAME_OF_UNIT KBUILD_MODNAME\n#define C_VALUE (B_VALUE * CFG)\n")
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "b.h", "c.h"]), inc))
    assert second.segments[1] == 1 and "(10 * 1)" in second.text


def test_a_changed_flag_that_a_header_reads_makes_it_read_again(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    src = unit(tmp_path, "two.c", ["a.h", "b.h", "c.h"])
    second = expand(config(tmp_path, src, inc, macro_options=(("D", "LEVEL=2"),)))
    assert second.segments[1] == 1          # b.h alone looks at LEVEL
    assert "int b_decl = 20 + 0;" in second.text


def test_a_define_before_an_include_is_seen_by_the_header(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    src = tmp_path / "two.c"
    src.write_text("#include <a.h>\n#undef LEVEL\n#define LEVEL 5\n#include <b.h>\nint y = B_VALUE;\n")
    second = expand(config(tmp_path, src, inc))
    assert second.segments[1] >= 1 and "int y = 20;" in second.text


def test_a_different_order_gives_counter_values_of_its_own(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    (inc / "d.h").write_text("int d_count = __COUNTER__;\n")
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["d.h", "b.h", "c.h"]), inc))
    # b.h used __COUNTER__ at 0 in one.c; here d.h took 0 first: b.h is replayed with
    # its value moved on by one (counters.py), as a run without the cache prints it
    assert "int b_decl = 10 + 1;" in second.text and second.segments[1] == 1


# -- a header that used __COUNTER__, replayed at another value (engine/counters.py)
def _counter_units(tmp_path, header, before=""):
    """A first unit that meets ``header`` with __COUNTER__ at 0, a second at 3 (after
    ``before``)."""
    inc = tree(tmp_path)
    (inc / "u.h").write_text(header)
    (inc / "n.h").write_text(before + "int n0 = __COUNTER__, n1 = __COUNTER__, n2 = __COUNTER__;\n")
    expand(config(tmp_path, unit(tmp_path, "one.c", ["u.h"], code="int x;\n"), inc))
    return expand(config(tmp_path, unit(tmp_path, "two.c", ["n.h", "u.h"], code="int x;\n"), inc))


UNIQUE = ("#define PASTE_(a, b) a ## b\n#define PASTE(a, b) PASTE_(a, b)\n"
          "#define UNIQUE(p) PASTE(PASTE(__UNIQUE_, p), __COUNTER__)\n#define STR_(x) #x\n"
          "#define STR(x) STR_(x)\n")


_PIECES = [
    "int a{i} = __COUNTER__;\n",
    "static int UNIQUE(v{i}) = {i};\n",
    "const char *s{i} = STR(__COUNTER__);\n",
    "int UNIQUE(d{i})[2] = {{ {i}, UNIQUE(e{i}) }};\n",
    "#define __UNIQUE_f{i}{j} taken\nint UNIQUE(f{i});\n",
    "#if __COUNTER__ > {j}\nint big{i};\n#endif\n",
    "int n{i} = {j};\n",
    "#define D{i} PASTE(x, __COUNTER__)\nint D{i}, D{i};\n",
    "int q{i} = PASTE({j}, __COUNTER__);\n",
]


@pytest.mark.parametrize("seed", range(12))
def test_headers_that_use_counter_give_a_cache_less_runs_text_in_any_order(tmp_path, seed):
    """Random headers built of the ways a value can travel (printed, pasted, stringified,
    into a directive, into a macro's name, next to numbers that look like it), met at
    random values: every run's text is a run's without the cache (``expand`` checks)."""
    rnd = random.Random(seed)
    inc = tree(tmp_path)
    names = []
    for h in range(4):
        body = UNIQUE + "".join(rnd.choice(_PIECES).format(i="%d_%d" % (h, k), j=rnd.randrange(6))
                                for k in range(rnd.randrange(1, 5)))
        (inc / ("r%d.h" % h)).write_text("#ifndef R%d_H\n#define R%d_H\n%s#endif\n" % (h, h, body))
        names.append("r%d.h" % h)
    for n in range(4):
        order = names[:]
        rnd.shuffle(order)
        code = "int z = __COUNTER__;\n" * rnd.randrange(3)
        src = tmp_path / ("u%d.c" % n)
        src.write_text(code + "".join("#include <%s>\n" % h for h in order) + "int end = __COUNTER__;\n")
        expand(config(tmp_path, src, inc))


@pytest.mark.parametrize("header, before, relocated", [
    # a value printed, pasted into names (looked up as macros: none is defined), or
    # stringified: the header is replayed, its values moved on
    (UNIQUE + "static int UNIQUE(x) = 7, UNIQUE(y);\nconst char *s = STR(__COUNTER__);\n", "", True),
    ("int a = __COUNTER__ + __COUNTER__; int b = 7;\n", "", True),
    # a number that looks like one of its values: it is not known which is which
    ("int a = __COUNTER__; int b = 0;\n", "", False),
    # a value that decided a directive
    ("#if __COUNTER__ == 0\nint zero;\n#else\nint other;\n#endif\n", "", False),
    # a pasted name that is a macro under the new value: defined before, or by the header
    (UNIQUE + "int UNIQUE(x);\n", "#define __UNIQUE_x3 picked\n", False),
    (UNIQUE + "#define __UNIQUE_x3 picked\nint UNIQUE(x);\n", "", False),
    (UNIQUE + "#define __UNIQUE_x9 picked\nint UNIQUE(x);\n", "", True),
    # ... or a macro under the value it was recorded with, defined by the header itself
    (UNIQUE + "#define __UNIQUE_x0 picked\nint UNIQUE(x);\n", "", False),
    # digits pasted onto a value: no single run of digits is its value
    ("#define P(a, b) a ## b\n#define Q(a, b) P(a, b)\nint v = Q(1, __COUNTER__);\n", "", False),
])
def test_a_header_that_used_counter_is_replayed_at_another_value_only_where_safe(
        tmp_path, header, before, relocated):
    second = _counter_units(tmp_path, header, before)   # (the text is a cache-less run's)
    assert second.segments[1] == (1 if relocated else 2), second.segments


def test_a_different_include_file_is_seen(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    (tmp_path / "cfg2.h").write_text("#define CFG 2\n")
    src = unit(tmp_path, "two.c", ["a.h", "b.h", "c.h"])
    second = expand(replace(config(tmp_path, src, inc), forced_includes=(str(tmp_path / "cfg2.h"),)))
    assert "(10 + 2)" in second.text


def test_a_header_naming_the_main_file_is_never_replayed(tmp_path):
    inc = tree(tmp_path)
    (inc / "base.h").write_text('const char *base = __BASE_FILE__;\n')
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "base.h", "c.h"]), inc))
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "base.h", "c.h"]), inc))
    assert second.segments[1] >= 1 and "two.c" in second.text and "one.c" not in second.text


@pytest.mark.parametrize("header, expected", [
    # a pasted name, expanded: its value was looked at
    ("#include <a.h>\nconst char *p = PASTE(KBUILD_, MODNAME);\n", 'p = "two";'),
    # redefined by a directive: the redefinition's warning depends on the old value
    ('#undef KBUILD_MODNAME\n#define KBUILD_MODNAME "fixed"\n', 'n = "fixed";'),
], ids=["expanded", "redefined"])
def test_a_command_line_macro_a_header_looked_at_makes_it_read_again(tmp_path, header, expected):
    inc = tree(tmp_path)
    (inc / "p.h").write_text(header)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "p.h", "c.h"]), inc))
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "p.h", "c.h"]), inc))
    assert second.segments[1] >= 1 and expected in second.text


def test_a_new_header_that_shadows_a_skipped_one_is_found(tmp_path):
    """A segment that skipped ``#include <q.h>`` (its guard known) depends on finding the
    same q.h: a q.h earlier in the search path makes it read again."""
    inc = tree(tmp_path)
    (inc / "q.h").write_text("#ifndef Q_H\n#define Q_H\nint q_old;\n#endif\n")
    (inc / "h.h").write_text("#include <q.h>\nint between;\n#include <q.h>\nint after_q;\n")
    first_dir = tmp_path / "first"
    first_dir.mkdir()
    src = unit(tmp_path, "one.c", ["h.h"], code="int end;\n")
    cfg = replace(config(tmp_path, src, inc), include_dirs=(str(first_dir), str(inc)))
    expand(cfg)
    (first_dir / "q.h").write_text("int q_new;\n")
    forget_unit_states()
    second = expand(cfg)
    assert second.text.count("int q_new;") == 2 and "q_old" not in second.text


def test_pragma_once_include_next_and_has_include_are_replayed_faithfully(tmp_path):
    inc = tree(tmp_path)
    nxt = tmp_path / "next"
    nxt.mkdir()
    (inc / "o.h").write_text("#pragma once\nint once_only;\n")
    (inc / "n.h").write_text("int n_first;\n#include_next <n.h>\n")
    (nxt / "n.h").write_text("int n_second;\n#if __has_include(<o.h>)\nint has_o;\n#endif\n")
    (inc / "u.h").write_text("#include <o.h>\n#include <n.h>\n#include <o.h>\nint lvl = __INCLUDE_LEVEL__;\n")
    src = unit(tmp_path, "one.c", ["u.h", "o.h"], code="int end;\n")
    cfg = replace(config(tmp_path, src, inc), include_dirs=(str(inc), str(nxt)))
    first = expand(cfg)
    forget_unit_states()
    second = expand(cfg)
    assert second.segments[1] == 0 and second.text == first.text
    assert second.text.count("once_only") == 1 and "has_o" in second.text and "lvl = 1" in second.text


def test_random_units_over_shared_headers_equal_the_uncached_result(tmp_path):
    """Thirty units including a pool of headers (guards, #if on macros other headers
    define, __COUNTER__, a header ending with a macro's name, #line) in random
    orders: every one equals its uncached run, and the later ones replay."""
    inc = tmp_path / "inc"
    inc.mkdir()
    (tmp_path / "cfg.h").write_text("#define CFG 1\n")
    headers = {
        "g1.h": "#ifndef G1\n#define G1\n#define ONE 1\nint g1 = ONE;\n#endif\n",
        "g2.h": "#ifndef G2\n#define G2\n#include <g1.h>\n#ifdef THREE\nint g2_three;\n#else\nint g2;\n"
                "#endif\n#define TWO (ONE + 1)\n#endif\n",
        "g3.h": "#ifndef G3\n#define G3\n#define THREE 3\n#include <g2.h>\nint g3 = TWO + THREE;\n#endif\n",
        "c.h": "int c_%s = __COUNTER__;\n" % "x",
        # a header ending with a function-like macro's name: the end of the file ends
        # the search for its '(' (the includer's "(2)" does not invoke it)
        "f.h": "#define F(x) [x]\nint f1 = F\n",
        "l.h": "#line 100 \"renamed.h\"\nconst char *l = __FILE__; int ln = __LINE__;\n",
        "u.h": "#undef ONE\n#define ONE 11\n",
        "w.h": "#warning from w.h\nint w;\n",
    }
    for name, text in headers.items():
        (inc / name).write_text(text)
    rnd = random.Random(18)
    names = [n for n in headers if n != "f.h"]
    replayed = 0
    for k in range(30):
        chosen = rnd.sample(names, rnd.randint(2, 6))
        code = "int end_%d = CFG;\n" % k
        if rnd.random() < 0.2:
            chosen.append("f.h")
            code = "2);\n" + code
        src = unit(tmp_path, "u%d.c" % k, chosen, code=code)
        result = expand(config(tmp_path, src, inc))
        if k >= 10:
            replayed += result.segments[0]
    assert replayed > 0


def test_bundled_headers_in_every_configuration_give_the_uncached_result(tmp_path):
    other = tmp_path / "other.c"
    with open(HELLO) as fh:
        text = fh.read().replace("hello", "other")
    # the other unit includes the same headers in the other order
    other.write_text(text.replace("#include <linux/init.h>\n#include <linux/module.h>\n",
                                  "#include <linux/module.h>\n#include <linux/init.h>\n"))
    for lto, prel32, module in itertools.product((False, True), repeat=3):
        for src in (HELLO, str(other)):
            cfg = RunConfig(source=src, lto=lto, prel32=prel32, module=module)
            expand(cfg)
            expand(cfg)                        # its own state, warm
            forget_unit_states()
            assert expand(cfg).segments[0] > 0  # the segments alone


def test_a_trace_replays_what_expand_recorded_and_gives_the_same_trace(tmp_path):
    from macrotrace import tracing
    from macrotrace.render.json import dumps
    cfg = RunConfig(source=HELLO, macro="module_init", lto=True)
    uncached = tracing.run_trace(replace(cfg, cache=False))[0]
    session.expand(cfg)
    forget_unit_states()
    trace, result = tracing.run_trace(cfg)
    assert result.segments[0] > 0 and result.segments[1] == 0
    assert dumps(trace) == dumps(uncached)


# -- on real Kbuild units (Debian's linux-headers-amd64; skipped without it) -------------

def kbuild_config(built, name):
    argv, cwd = test_kernel.kbuild_command(built, name)
    p = parse_command(argv)
    return RunConfig(source=p["source"], cwd=cwd, origin="cmd-file", compiler=p["compiler"],
                     compiler_flags=tuple(p["compiler_flags"]), macro_options=tuple(p["macro_options"]),
                     include_dirs=tuple(p["include_dirs"]), quote_dirs=tuple(p["quote_dirs"]),
                     system_dirs=tuple(p["system_dirs"]), after_dirs=tuple(p["after_dirs"]),
                     forced_includes=tuple(p["forced_includes"]), std=p["std"],
                     use_system_dirs=not p["nostdinc"], bundled_headers=False,
                     macro_prefix_maps=tuple(p["macro_prefix_maps"]), compile_argv=tuple(argv))


@pytest.mark.kernel
@pytest.mark.skipif(test_kernel.TREE is None or shutil.which("make") is None,
                    reason="no kernel headers (apt-get install linux-headers-amd64) or no make")
def test_real_units_replay_each_others_headers_and_give_gccs_result(built):
    hello, second = kbuild_config(built, "hello"), kbuild_config(built, "second")
    first = session.expand(hello)
    assert first.segments[1] > 0
    shared = session.expand(second)
    replayed, read = shared.segments
    assert replayed > 10 * read
    argv, cwd = test_kernel.kbuild_command(built, "second")
    expected = test_kernel.gcc_preprocess(argv, cwd)
    assert test_kernel.first_difference(shared.text, expected) is None
    assert shared.text == session.expand(replace(second, cache=False)).text


def test_folded_into_the_pack_the_segments_still_replay(tmp_path, monkeypatch):
    """Deltas (a file per header) are folded into the pack when they pile up; what was
    folded replays as before, and a delta written after the fold wins over the pack."""
    from macrotrace.engine import segments
    monkeypatch.setattr(segments, "MAX_DELTAS", 2)
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    names = os.listdir(diskcache.cache_dir())
    assert any(n.endswith(".pack") for n in names)
    assert not [n for n in names if n.startswith("seg-") and n.endswith(".bin")]
    forget_unit_states()
    again = expand(config(tmp_path, unit(tmp_path, "two.c", ["c.h", "b.h", "a.h"]), inc))
    assert again.segments[0] >= 3
    (inc / "c.h").write_text("#define NAME_OF_UNIT KBUILD_MODNAME\n#define C_VALUE (B_VALUE - CFG)\n")
    changed = expand(config(tmp_path, unit(tmp_path, "three.c", ["a.h", "b.h", "c.h"]), inc))
    assert "(10 - 1)" in changed.text
    forget_unit_states()
    assert expand(config(tmp_path, unit(tmp_path, "four.c", ["a.h", "b.h", "c.h"]), inc)).segments[1] == 0


@pytest.mark.parametrize("damage", [b"", b"\x00" * 8, b"\xff" * 64,
                                    len(marshal.dumps(7)).to_bytes(8, "little") + marshal.dumps(7),
                                    marshal.dumps({"format": 1, "path": 3})],
                         ids=["empty", "no index", "garbage", "index not a dict", "entry not one"])
@pytest.mark.parametrize("folded", [True, False], ids=["pack", "deltas"])
def test_a_damaged_pack_or_delta_is_recorded_again(tmp_path, monkeypatch, damage, folded):
    from macrotrace.engine import segments
    monkeypatch.setattr(segments, "MAX_DELTAS", 0 if folded else 1000)
    inc = tree(tmp_path)
    cfg = config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc)
    first = expand(cfg)
    assert any(n.endswith(".pack") for n in os.listdir(diskcache.cache_dir())) == folded
    d = diskcache.cache_dir()
    for name in os.listdir(d):
        if name.startswith("seg-") and not name.endswith(".lock"):
            with open(os.path.join(d, name), "wb") as fh:
                fh.write(damage)
    forget_unit_states()
    again = expand(cfg)
    assert again.text == first.text and again.segments[0] == 0
