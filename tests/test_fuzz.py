"""Fuzzing the command: whatever the input, macrotrace exits 0 or 2 with one line,
never with an uncaught exception (exit 3 is macrotrace's own "internal error")."""

import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from difftest import run_macrotrace

EXAMPLES = int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300"))
COUNT = {"bytes": 0, "soup": 0}

PIECES = ["#define M(x) x x", "#define N(a,...) a __VA_ARGS__ M", "#define F M(", "#", "##", "#define", "#undef", "#if", "#ifdef", "#ifndef", "#elif", "#else", "#endif",
          "#include", "#line", "#pragma", "#error", "#warning", "defined", "(", ")", ",", "...",
          "__VA_ARGS__", "__VA_OPT__", "__COUNTER__", "__LINE__", "__FILE__", "_Pragma",
          "__has_include", "__has_attribute", "<", ">", '"', "'", "\\", "/*", "*/", "//", "\n", " ",
          "M", "N", "F", "x", "y", "0", "1", "0x", "1e", "+", "-", "*", "/", "?", ":", "=", ";",
          '"s"', "'c'", "u8", "L", "R\"(", ")\"", "M(", "F(x)", "\t", "\f", "\r\n", "\\\n"]


def run_both(data, kind):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "f.c")
        with open(path, "wb") as fh:
            fh.write(data)
        # the trace follows every macro name the pieces use (the film is checked at
        # every step: MACROTRACE_CHECK_FILM in conftest.py)
        for argv in (["expand", path], ["M,N,F", path, "--format", "json"]):
            status, out, err = run_macrotrace(argv + ["--no-bundled-headers", "--no-cache",
                                                      "--max-expansions", "20000", "--max-steps", "200"])
            assert status in (0, 2), "exit %d on %r: %s" % (status, data[:200], err)
            assert "Traceback" not in err
            if status == 2:
                assert len(err.strip().splitlines()) >= 1 and err.strip().splitlines()[-1]
    COUNT[kind] += 1


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data):
    run_both(data, "bytes")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=80))
def test_preprocessor_soup_never_crashes(pieces):
    run_both(" ".join(pieces).encode(), "soup")
