"""engine/spawn.py: the compiler run without importing subprocess gives what
``subprocess.run(argv, input=..., capture_output=True, text=True)`` gives."""

import subprocess
import sys
import time

import pytest

from macrotrace.engine import spawn

CASES = {
    "echo": (["sh", "-c", "cat; echo out; echo err >&2"], "a line\n"),
    "nothing in": (["sh", "-c", "echo only out"], ""),
    # both pipes filled past their buffers while a large input is still being written
    "big, both ways": ([sys.executable, "-c",
                        "import sys\n"
                        "data = sys.stdin.read()\n"
                        "for i in range(2000):\n"
                        "    sys.stdout.write('o%d ' % i * 20 + '\\n'); sys.stderr.write('e%d ' % i * 20 + '\\n')\n"
                        "sys.stdout.write(str(len(data)))\n"], "x" * 3_000_000 + "é\n"),
    "interleaved": (["sh", "-c", "for i in 1 2 3 4 5; do echo o$i; echo e$i >&2; done; exit 3"], ""),
    "line ends": (["printf", "a\\r\\nb\\rc\\n"], ""),
    "reads nothing": (["sh", "-c", "exec 0<&-; echo done"], "y" * 1_000_000),
    "killed": (["sh", "-c", "kill -9 $$"], ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_as_subprocess(name):
    argv, stdin = CASES[name]
    want = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    got = spawn.run(argv, stdin)
    assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr)


def test_a_program_that_is_not_there():
    with pytest.raises(FileNotFoundError):
        spawn.run(["macrotrace-no-such-program"], "")


def test_a_program_that_does_not_finish_is_stopped():
    start = time.monotonic()
    with pytest.raises(spawn.SpawnTimeout, match="did not finish in 1 s"):
        spawn.run(["sleep", "30"], "", timeout=1)
    assert time.monotonic() - start < 10
