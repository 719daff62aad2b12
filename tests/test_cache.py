"""The state cache (after the headers) speeds up a second run and never changes a result."""

import os
import subprocess
import sys
import time
from macrotrace.record import replace

import pytest

from macrotrace.config import RunConfig
from macrotrace.tracing import run_trace
from macrotrace.engine import session


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def project(tmp_path):
    inc = tmp_path / "inc"
    (inc / "sub").mkdir(parents=True)
    (inc / "defs.h").write_text("#ifndef DEFS_H\n#define DEFS_H\n#include \"sub/more.h\"\n"
                                "#define REG(x) int reg_##x = LEVEL + __COUNTER__;\n#endif\n")
    (inc / "sub" / "more.h").write_text("#define LEVEL 6\n#define UNUSED __COUNTER__\nint u = UNUSED;\n")
    (tmp_path / "first").mkdir()
    src = tmp_path / "drv.c"
    src.write_text("#include <defs.h>\n#include <defs.h>\nREG(a)\nREG(b)\n")
    return src, inc


def trace(src, inc, macro="REG"):
    config = RunConfig(source=str(src), macro=macro, include_dirs=(str(inc),), bundled_headers=False)
    t, result = run_trace(config)
    return [i.result for i in t.invocations], result.cache_hit


def test_second_run_uses_the_cache_with_the_same_result(tmp_path):
    src, inc = project(tmp_path)
    first, hit1 = trace(src, inc)
    second, hit2 = trace(src, inc)
    assert (hit1, hit2) == (False, True)
    assert first == second == ["int reg_a = 6 + 1;", "int reg_b = 6 + 2;"]


def test_header_edit_invalidates(tmp_path):
    src, inc = project(tmp_path)
    trace(src, inc)
    more = inc / "sub" / "more.h"
    more.write_text(more.read_text().replace("LEVEL 6", "LEVEL 7"))
    results, hit = trace(src, inc)
    assert not hit
    assert results == ["int reg_a = 7 + 1;", "int reg_b = 7 + 2;"]


def test_new_shadowing_header_invalidates(tmp_path):
    src, inc = project(tmp_path)
    trace(src, inc)
    # a file appearing earlier in the search (next to the including header) wins now
    time.sleep(0.01)
    (inc / "more.h").write_text("#define LEVEL 9\n")
    (inc / "defs.h").write_text((inc / "defs.h").read_text())
    defs = (inc / "defs.h")
    defs.write_text(defs.read_text().replace('"sub/more.h"', '"more.h"'))
    results, hit = trace(src, inc)
    assert not hit and results[0] == "int reg_a = 9 + 0;"


def test_shadowing_in_a_searched_directory_invalidates(tmp_path):
    src, inc = project(tmp_path)
    front = tmp_path / "front"
    front.mkdir()
    config = RunConfig(source=str(src), macro="REG", include_dirs=(str(front), str(inc)),
                       bundled_headers=False)
    t1, r1 = run_trace(config)
    (front / "defs.h").write_text("#define REG(x) shadowed_##x\n")
    t2, r2 = run_trace(config)
    assert not r2.cache_hit
    assert [i.result for i in t2.invocations] == ["shadowed_a", "shadowed_b"]


def test_edits_below_the_headers_keep_the_cache(tmp_path):
    src, inc = project(tmp_path)
    trace(src, inc)
    src.write_text(src.read_text() + "REG(c)\n")
    results, hit = trace(src, inc)
    assert hit
    assert results[-1] == "int reg_c = 6 + 3;"


def test_flags_are_part_of_the_key(tmp_path):
    src, inc = project(tmp_path)
    trace(src, inc)
    config = RunConfig(source=str(src), macro="REG", include_dirs=(str(inc),), bundled_headers=False,
                       macro_options=(("D", "LEVEL_EXTRA=1"),))
    t, result = run_trace(config)
    assert not result.cache_hit


def test_trace_and_expand_share_the_cache(tmp_path):
    """The first trace after a warm expand is warm, and the other way round; the results
    are those of a run without the cache."""
    src, inc = project(tmp_path)
    config = RunConfig(source=str(src), include_dirs=(str(inc),), bundled_headers=False)
    uncached = session.expand(replace(config, cache=False)).text
    first = session.expand(config)
    results, hit = trace(src, inc)
    assert (first.cache_hit, hit) == (False, True)
    assert results == ["int reg_a = 6 + 1;", "int reg_b = 6 + 2;"]
    (tmp_path / "cache").rename(tmp_path / "old-cache")
    trace(src, inc)                         # cold trace: saves the state
    second = session.expand(config)
    assert second.cache_hit
    assert first.text == second.text == uncached
    assert "int u = 0;" in second.text


def test_the_cache_keeps_under_its_cap_evicting_the_least_recently_used(tmp_path, monkeypatch):
    from macrotrace.engine import diskcache
    src, inc = project(tmp_path)
    others = []
    for k in range(3):
        other = tmp_path / ("other%d.c" % k)
        other.write_text(src.read_text() + "int k%d;\n" % k)
        others.append(other)
    # every unit saves its own state (the others replay the first one's header
    # segments); the cap leaves room for the segments and about two and a half states
    trace(src, inc)
    d, _, used, _ = diskcache.info()
    own = sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d) if n.startswith("state-"))
    monkeypatch.setenv("MACROTRACE_CACHE_MAX", str(int(used - own + 2.5 * own)))
    for other in others:
        time.sleep(0.02)
        trace(other, inc)
    _, count, used, cap = diskcache.info()
    assert used <= cap
    # the last one's state is still there; the first unit's, least recently used, is gone
    assert trace(others[-1], inc)[1] is True
    assert trace(src, inc)[1] is False


def test_a_cache_hit_counts_as_a_use(tmp_path, monkeypatch):
    from macrotrace.engine import diskcache
    src, inc = project(tmp_path)
    trace(src, inc)
    old = max(os.path.getmtime(os.path.join(d, f)) for d, _, fs in os.walk(diskcache.cache_dir())
              for f in fs if f.startswith("state-"))
    time.sleep(0.05)
    assert trace(src, inc)[1]
    new = max(os.path.getmtime(os.path.join(d, f)) for d, _, fs in os.walk(diskcache.cache_dir())
              for f in fs if f.startswith("state-"))
    assert new > old


@pytest.mark.parametrize("value, expected", [("", 300 * 1024 ** 2), ("1000", 1000), ("2K", 2048),
                                             ("1.5M", int(1.5 * 1024 ** 2)), ("1g", 1024 ** 3),
                                             ("300MB", 300 * 1024 ** 2)])
def test_cache_max_sizes(monkeypatch, value, expected):
    from macrotrace.engine import diskcache
    monkeypatch.setenv("MACROTRACE_CACHE_MAX", value)
    assert diskcache.max_bytes() == expected


def test_a_bad_cache_max_is_a_one_line_error(tmp_path, monkeypatch):
    src, inc = project(tmp_path)
    monkeypatch.setenv("MACROTRACE_CACHE_MAX", "lots")
    proc = subprocess.run([sys.executable, "-m", "macrotrace", "REG", str(src), "-I", str(inc),
                           "--no-bundled-headers"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "macrotrace: error: MACROTRACE_CACHE_MAX=lots: expected a size such as 300M or 1G"]


def test_cache_command_info_and_clear(tmp_path):
    src, inc = project(tmp_path)
    trace(src, inc)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), MACROTRACE_CACHE_MAX="2M")
    run = [sys.executable, "-m", "macrotrace", "cache"]
    info = subprocess.run(run + ["--info"], capture_output=True, text=True, env=env)
    directory = str(tmp_path / "cache" / "macrotrace")
    assert info.returncode == 0
    count = len(os.listdir(directory))
    assert count > 0 and info.stdout.startswith("%s: %d files, " % (directory, count))
    assert info.stdout.splitlines()[0].endswith("of 2.1 MB")
    cleared = subprocess.run(run + ["--clear"], capture_output=True, text=True, env=env)
    assert cleared.stdout.strip() == "removed %d files from %s" % (count, directory)
    assert os.listdir(directory) == []
    assert subprocess.run(run, capture_output=True, text=True, env=env).stdout.startswith(
        "%s: 0 files, 0.0 MB" % directory)


def test_a_listener_hears_the_warnings_of_a_restored_state(tmp_path):
    """A warm run restores the headers' state, warnings included: the listener (clang's
    PPCallbacks shape) hears the same warnings as on the cold run, in the same order."""
    from macrotrace.engine.events import Listener

    class Heard(Listener):
        def __init__(self):
            self.warnings = []

        def warning(self, warning):
            self.warnings.append((warning.message, os.path.basename(warning.file), warning.line))

    src, inc = project(tmp_path)
    (inc / "defs.h").write_text("#warning first header\n" + (inc / "defs.h").read_text())
    config = RunConfig(source=str(src), macro="REG", include_dirs=(str(inc),), bundled_headers=False)
    heard = []
    for _ in range(2):
        listener = Heard()
        result = session.trace(config, listener, lambda tok, macro: macro.name == "REG")
        heard.append((listener.warnings, result.cache_hit))
    assert heard[0][1] is False and heard[1][1] is True
    assert heard[0][0] == heard[1][0] and heard[0][0] and "first header" in heard[0][0][0][0]
