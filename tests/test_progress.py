"""The progress line: on a terminal only, after a delay, not with --quiet, erased at the
end; it counts units and invocations traced."""

import os
import subprocess
import sys

import terminal

HERE = os.path.dirname(os.path.abspath(__file__))
HELLO = os.path.join(os.path.dirname(HERE), "examples", "hello.c")


def run_on_terminal(args, delay="0"):
    """Run the CLI with stderr on a pseudo-terminal: (exit status, what the terminal got)."""
    return terminal.run_on_terminal(args, "stderr", dict(os.environ, MACROTRACE_PROGRESS_DELAY=delay))


def test_a_progress_line_on_a_terminal_then_erased():
    status, err = run_on_terminal(["module_init", HELLO, "--matrix", "--no-cache", "--format", "json"])
    assert status == 0
    assert "units" in err and "invocations traced" in err and "macrotrace: " in err
    assert err.endswith("\r\x1b[K")        # nothing of it is left on the screen


def test_quiet_and_short_runs_show_none():
    status, err = run_on_terminal(["module_init", HELLO, "--quiet", "--format", "json"])
    assert (status, err) == (0, "")
    status, err = run_on_terminal(["module_init", HELLO, "--format", "json"], delay="600")
    assert (status, err) == (0, "")


def test_not_a_terminal_shows_none():
    proc = subprocess.run([sys.executable, "-m", "macrotrace", "module_init", HELLO, "--format", "json"],
                          capture_output=True, text=True, env=dict(os.environ, MACROTRACE_PROGRESS_DELAY="0"))
    assert proc.returncode == 0 and proc.stderr == ""
