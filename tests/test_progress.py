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


# -- every long command counts on it (issue 18) ------------------------------------

def _commands(tmp_path):
    """Each command that can run long, on small inputs, with what its line counts."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    for name in ("a.c", "b.c"):
        (src / name).write_text(open(HELLO).read())
    snaps = str(tmp_path / "snaps")
    return [
        (["initcalls", str(src / "a.c"), str(src / "b.c"), "--no-cache"], "2/2 units"),
        (["module_init", HELLO, "--matrix", "--no-cache", "--format", "html", "-o", os.devnull],
         "8/8 configurations"),
        (["module_init", HELLO, "--no-cache", "--format", "json", "-o", os.devnull], "1 invocations traced"),
        (["journey", HELLO, "--no-cache"], "1 initcalls followed"),
        (["snapshot", "module_init", str(src), "-o", snaps, "--no-cache"], "2/2 files snapshotted"),
        (["check", snaps], "2/2 snapshots checked"),
    ]


def test_long_commands_count_on_the_line_and_quiet_silences_them(tmp_path):
    for args, count in _commands(tmp_path):
        status, err = run_on_terminal(args)
        assert status == 0, (args, err)
        last = err.rstrip("\r\x1b[K").split("\r\x1b[K")[-1]
        assert last.startswith("macrotrace: ") and count in last, (args, err)
        assert err.endswith("\r\x1b[K")
        status, err = run_on_terminal(args + ["--quiet"])
        assert (status, err) == (0, ""), args


def test_never_into_a_pipe_or_a_file(tmp_path):
    env = dict(os.environ, MACROTRACE_PROGRESS_DELAY="0")
    for args, _ in _commands(tmp_path):
        proc = subprocess.run([sys.executable, "-m", "macrotrace"] + args, capture_output=True, env=env)
        assert proc.returncode == 0 and proc.stderr == b"", (args, proc.stderr)
        with open(tmp_path / "err", "wb") as fh:
            proc = subprocess.run([sys.executable, "-m", "macrotrace"] + args, stdout=subprocess.DEVNULL,
                                  stderr=fh, env=env)
        assert proc.returncode == 0 and (tmp_path / "err").read_bytes() == b"", args


def test_snapshot_does_not_record_quiet_as_a_trace_flag(tmp_path):
    import json
    snaps = tmp_path / "snaps"
    proc = subprocess.run([sys.executable, "-m", "macrotrace", "snapshot", "module_init", HELLO, "-o",
                           str(snaps), "-q", "--no-cache"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (made,) = list(snaps.rglob("*.json"))
    command = json.loads(made.read_text())["command"]
    assert "--no-cache" in command and "-q" not in command
