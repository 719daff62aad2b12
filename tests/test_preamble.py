"""Shared preambles (engine/preamble.py): a unit starts from the state another unit
reached after the same -include files and leading #include <...> lines, and only then.

Each test makes a first unit save its states, then runs a second unit and checks how
long a shared prefix it started from (``RunResult.shared_prefix``) -- the longest one
still valid, so a change makes a fresh state from exactly the right point -- and that
its output is the output without any cache.
"""

import itertools
import os
import shutil
from dataclasses import replace

import pytest

import test_kernel
from test_kernel import built  # noqa: F401  (the fixture: Kbuild builds the test modules)

from macrotrace.compile_command import parse_command
from macrotrace.config import RunConfig
from macrotrace.engine import session

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


def test_a_second_unit_starts_after_the_shared_headers(tmp_path):
    inc = tree(tmp_path)
    first = expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    assert (first.cache_hit, first.shared_prefix) == (False, None)
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "b.h", "c.h"], "int other;\n"), inc))
    assert (second.cache_hit, second.shared_prefix) == (False, 3)
    # its own KBUILD_MODNAME, although the state came from a unit with another
    third = expand(config(tmp_path, unit(tmp_path, "three.c", ["a.h", "b.h", "c.h"]), inc))
    assert third.shared_prefix == 3 and 'n = "three";' in third.text


def test_a_changed_header_makes_a_fresh_state_from_there(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    (inc / "b.h").write_text((inc / "b.h").read_text().replace("10", "11"))
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "b.h", "c.h"]), inc))
    assert second.shared_prefix == 1 and "int b_decl = 11 + 0;" in second.text


def test_a_changed_flag_that_a_header_reads_makes_a_fresh_state_from_there(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "b.h", "c.h"]), inc,
                           macro_options=(("D", "LEVEL=2"),)))
    assert second.shared_prefix == 1 and "int b_decl = 20 + 0;" in second.text


def test_a_define_before_an_include_ends_the_shared_prefix(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    src = tmp_path / "two.c"
    src.write_text("#include <a.h>\n#define LEVEL 5\n#include <b.h>\n#include <c.h>\nint y = C_VALUE;\n")
    second = expand(config(tmp_path, src, inc))
    assert second.shared_prefix == 1 and "int y = (20 + 1);" in second.text


def test_a_different_include_order_makes_a_fresh_state(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h", "c.h"]), inc))
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["b.h", "a.h", "c.h"]), inc))
    assert second.shared_prefix == 0       # the -include file alone is still shared
    assert "int b_decl = 10 + 0;" in second.text


def test_a_different_include_file_makes_a_fresh_state(tmp_path):
    inc = tree(tmp_path)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "b.h"]), inc))
    (tmp_path / "cfg2.h").write_text("#define CFG 2\n")
    src = unit(tmp_path, "two.c", ["a.h", "b.h", "c.h"])
    second = expand(replace(config(tmp_path, src, inc), forced_includes=(str(tmp_path / "cfg2.h"),)))
    assert second.shared_prefix is None and "(10 + 2)" in second.text


def test_a_header_naming_the_main_file_is_not_shared(tmp_path):
    inc = tree(tmp_path)
    (inc / "base.h").write_text('const char *base = __BASE_FILE__;\n')
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "base.h", "c.h"]), inc))
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "base.h", "c.h"]), inc))
    assert second.shared_prefix == 1 and "two.c" in second.text


@pytest.mark.parametrize("header, expected", [
    # a pasted name, expanded: its value was looked at
    ("#include <a.h>\nconst char *p = PASTE(KBUILD_, MODNAME);\n", 'p = "two";'),
    # redefined by a directive: the redefinition's warning depends on the old value
    ('#undef KBUILD_MODNAME\n#define KBUILD_MODNAME "fixed"\n', 'n = "fixed";'),
], ids=["expanded", "redefined"])
def test_a_command_line_macro_the_prefix_looked_at_is_not_shared(tmp_path, header, expected):
    inc = tree(tmp_path)
    (inc / "p.h").write_text(header)
    expand(config(tmp_path, unit(tmp_path, "one.c", ["a.h", "p.h", "c.h"]), inc))
    second = expand(config(tmp_path, unit(tmp_path, "two.c", ["a.h", "p.h", "c.h"]), inc))
    assert second.shared_prefix == 1 and expected in second.text


def test_bundled_headers_in_every_configuration_give_the_uncached_result(tmp_path):
    other = tmp_path / "other.c"
    with open(HELLO) as fh:
        other.write_text(fh.read().replace("hello", "other"))
    for lto, prel32, module in itertools.product((False, True), repeat=3):
        for src in (HELLO, str(other)):       # the second unit shares the first's prefix
            cfg = RunConfig(source=src, lto=lto, prel32=prel32, module=module)
            expand(cfg)
            expand(cfg)                        # and its own state, warm


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
def test_real_units_share_their_prefix_and_give_gccs_result(built):
    hello, second = kbuild_config(built, "hello"), kbuild_config(built, "second")
    first = session.expand(hello)
    assert first.shared_prefix is None
    shared = session.expand(second)
    # second.c begins with hello.c's two lines (<linux/init.h>, <linux/module.h>), and
    # its own KBUILD_MODNAME and KBUILD_BASENAME were never expanded by those headers
    assert (shared.cache_hit, shared.shared_prefix) == (False, 2)
    argv, cwd = test_kernel.kbuild_command(built, "second")
    expected = test_kernel.gcc_preprocess(argv, cwd)
    assert test_kernel.first_difference(shared.text, expected) is None
    assert shared.text == session.expand(replace(second, cache=False)).text
