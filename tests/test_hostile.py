"""Hostile and broken input: a clear file:line message, exit 2, bounded time, no traceback."""

import json
import subprocess
import sys
import time

import pytest


def run(args, cwd=None, timeout=60):
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "macrotrace"] + args, capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)
    return proc, time.monotonic() - start


def check_error(proc, expect, where=None):
    assert proc.returncode == 2, proc.stdout[-500:] + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines and expect in lines[-1], proc.stderr
    if where:
        assert where in lines[-1], proc.stderr


def bomb(levels):
    lines = ["#define A0 x"]
    for i in range(1, levels + 1):
        lines.append("#define A%d A%d A%d" % (i, i - 1, i - 1))
    lines.append("A%d" % levels)
    return "\n".join(lines) + "\n"


def test_macro_bomb_expand_is_cut(tmp_path):
    (tmp_path / "bomb.c").write_text(bomb(24))
    proc, elapsed = run(["expand", "bomb.c", "--max-expansions", "200000"], cwd=str(tmp_path))
    check_error(proc, "cut after 200000 macro replacements", "bomb.c:26:")
    assert elapsed < 30


def test_macro_bomb_trace_is_cut(tmp_path):
    """The trace so far is shown, says where it stopped, and the run exits 2."""
    (tmp_path / "bomb.c").write_text(bomb(20))
    proc, elapsed = run(["A20", "bomb.c", "--color", "never"], cwd=str(tmp_path))
    check_error(proc, "trace cut after 2000 steps", "bomb.c:22:")
    assert elapsed < 60
    assert "\n2000  A" in proc.stdout and "\n2001  " not in proc.stdout
    assert "cut: the trace stopped after 2000 steps (--max-steps); no result" in proc.stdout
    proc, _ = run(["A20", "bomb.c", "--format", "json", "--max-steps", "50"], cwd=str(tmp_path))
    check_error(proc, "trace cut after 50 steps", "bomb.c:22:")
    inv = json.loads(proc.stdout)["invocations"][0]
    assert inv["cut"] is True and len(inv["steps"]) == 51 and inv["result"] == ""
    last = inv["steps"][-1]["text"].split()
    assert last[0] == "x" and last[-1] == "A19"       # expanded so far, then what waits
    proc, _ = run(["A20", "bomb.c", "--format", "html", "--max-steps", "50"], cwd=str(tmp_path))
    check_error(proc, "trace cut after 50 steps", "bomb.c:22:")
    assert "the trace stopped after 50 steps" in proc.stdout and proc.stdout.rstrip().endswith("</html>")


def test_include_recursion(tmp_path):
    (tmp_path / "self.c").write_text("#define M(x) x\n#include \"self.c\"\nM(1)\n")
    proc, elapsed = run(["M", "self.c"], cwd=str(tmp_path))
    check_error(proc, "nested depth 200 exceeds maximum of 200", "self.c:2:")


def test_missing_include(tmp_path):
    (tmp_path / "a.c").write_text("\n#include <nothere/x.h>\n")
    proc, _ = run(["M", "a.c", "--no-bundled-headers"], cwd=str(tmp_path))
    check_error(proc, "nothere/x.h: No such file or directory", "a.c:2:")


def test_binary_file(tmp_path):
    (tmp_path / "b.c").write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    proc, _ = run(["M", "b.c"], cwd=str(tmp_path))
    check_error(proc, "binary file")


def test_non_utf8_file(tmp_path):
    """Read as gcc reads it (tests/test_gcc_compat.py compares the bytes)."""
    (tmp_path / "l1.c").write_bytes(b"int a;\n/* caf\xe9 */\n")
    proc, _ = run(["M", "l1.c"], cwd=str(tmp_path))
    check_error(proc, "never invoked")


def test_empty_file(tmp_path):
    (tmp_path / "e.c").write_text("")
    proc, _ = run(["M", "e.c"], cwd=str(tmp_path))
    check_error(proc, "never invoked")


def test_huge_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.c"
    line = b"int variable_with_a_long_name_%08d = 1;\n"
    with open(path, "wb") as fh:
        chunk = b"".join(line % i for i in range(100000))
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    proc, elapsed = run(["M", "huge.c"], cwd=str(tmp_path))
    check_error(proc, "larger than the 16 MB")
    assert elapsed < 10


def test_warning_directive_continues(tmp_path):
    (tmp_path / "w.c").write_text("#define M(x) x\n#warning careful\nM(1)\n")
    proc, _ = run(["M", "w.c", "--format", "json"], cwd=str(tmp_path))
    assert proc.returncode == 0
    assert "w.c:2: warning: #warning careful" in proc.stderr


@pytest.mark.parametrize("src,expect", [
    ("#define M(x) x\nM(1, 2)\n", 'passed 2 arguments, but takes just 1'),
    ("#define M(x) x\nM(\n", "unterminated argument list"),
    ("#define M(x) #y\n", "'#' is not followed by a macro parameter"),
    ("#define M(x) ## x\n", "'##' cannot appear at either end"),
    ("#define M(x,x) x\n", 'duplicate macro parameter "x"'),
    ("#define M(x\n", "missing ')' in macro parameter list"),
    ("#define 3 x\n", "macro names must be identifiers"),
    ("#define defined\n", '"defined" cannot be used as a macro name'),
    ("#if\n#endif\n", "#if with no expression"),
    ("#endif\n", "#endif without #if"),
    ("#else\n", "#else without #if"),
    ("#if 1\n#else\n#else\n#endif\n", "#else after #else"),
    ("#ifdef\n#endif\n", "no macro name given in #ifdef directive"),
    ("#foo\n", "invalid preprocessing directive #foo"),
    ("#include\n", "#include expects"),
    ("#define F(...) __VA_OPT__(\n", "unterminated __VA_OPT__"),
    ("#line x\n", "after #line is not a positive integer"),
])
def test_malformed_directives_and_invocations(tmp_path, src, expect):
    (tmp_path / "m.c").write_text(src)
    proc, _ = run(["M", "m.c", "--no-bundled-headers"], cwd=str(tmp_path))
    check_error(proc, expect, "m.c:")
