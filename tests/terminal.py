"""Running macrotrace with one of its streams on a pseudo-terminal, as a user's shell does."""

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios


def run_on_terminal(args, stream="stdout", env=None, cwd=None, rows=24, columns=100):
    """Run ``python -m macrotrace ARGS`` with ``stream`` ("stdout" or "stderr") on a
    pseudo-terminal of ROWS x COLUMNS, the other stream discarded: (exit status, what
    the terminal got)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    streams[stream] = slave
    proc = subprocess.Popen([sys.executable, "-m", "macrotrace"] + list(args), env=env, cwd=cwd, **streams)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:         # the other end closed: the program has ended
            break
        if not data:
            break
        chunks.append(data)
    status = proc.wait()
    os.close(master)
    return status, b"".join(chunks).decode("utf-8", "replace")
