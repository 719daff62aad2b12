"""Running the compiler for its answers (compiler.py): a program given a text on its
standard input, its standard output and error read whole, as ``subprocess.run(argv,
input=text, capture_output=True, text=True, timeout=...)`` gives them.

A cold run starts the compiler once; importing ``subprocess`` for it (with ``locale``,
``signal``, ``selectors``...) cost that run ~3 ms of CPU, more than the compiler's
driver.  Where ``os.posix_spawnp`` is (POSIX) the program is started with it and its
pipes served by one ``poll`` loop; elsewhere ``subprocess`` does it.
"""

import os
import sys


class Completed:
    __slots__ = ("returncode", "stdout", "stderr")

    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

_CHUNK = 4096       # (at most PIPE_BUF: a pipe poll() says is writable takes it whole)


class SpawnTimeout(RuntimeError):
    """The program did not finish in time (it is killed)."""


def run(argv, stdin="", timeout=60):
    """``Completed(returncode, stdout, stderr)`` of ``argv`` (found on PATH) fed ``stdin``."""
    if not hasattr(os, "posix_spawnp"):
        import subprocess
        try:
            proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SpawnTimeout("%s did not finish in %d s" % (argv[0], timeout))
        return Completed(proc.returncode, proc.stdout, proc.stderr)
    import _signal
    import select
    import time
    encoding = _text_encoding()
    pipes = [os.pipe() for _ in range(3)]       # (not inherited: only their dup2 copies are)
    (in_r, in_w), (out_r, out_w), (err_r, err_w) = pipes
    try:
        pid = os.posix_spawnp(argv[0], list(argv), os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, in_r, 0),
                                            (os.POSIX_SPAWN_DUP2, out_w, 1),
                                            (os.POSIX_SPAWN_DUP2, err_w, 2)],
                              # (the signals Python ignores, back to their defaults, as
                              # subprocess leaves them to a child)
                              setsigdef=[getattr(_signal, name) for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ")
                                         if hasattr(_signal, name)])
    except BaseException:
        for fd in (in_r, in_w, out_r, out_w, err_r, err_w):
            os.close(fd)
        raise
    for fd in (in_r, out_w, err_w):
        os.close(fd)
    data = memoryview(stdin.encode(encoding))
    chunks = {out_r: [], err_r: []}
    poller = select.poll()
    if data:
        poller.register(in_w, select.POLLOUT)
    else:
        os.close(in_w)
    for fd in chunks:
        poller.register(fd, select.POLLIN)
    open_fds = set(chunks) | ({in_w} if data else set())
    deadline = time.monotonic() + timeout
    try:
        while open_fds:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                raise SpawnTimeout("%s did not finish in %d s" % (argv[0], timeout))
            for fd, event in poller.poll(left * 1000):
                if fd == in_w:
                    try:
                        data = data[os.write(in_w, data[:_CHUNK]):]
                    except BrokenPipeError:
                        data = data[:0]         # (it stopped reading: what it wrote counts)
                    if not data:
                        poller.unregister(in_w)
                        os.close(in_w)
                        open_fds.discard(in_w)
                    continue
                chunk = os.read(fd, 65536)
                if chunk:
                    chunks[fd].append(chunk)
                else:
                    poller.unregister(fd)
                    os.close(fd)
                    open_fds.discard(fd)
    finally:
        for fd in open_fds:
            os.close(fd)
    _, status = os.waitpid(pid, 0)
    return Completed(os.waitstatus_to_exitcode(status),
                     _text(b"".join(chunks[out_r]), encoding), _text(b"".join(chunks[err_r]), encoding))


def _text_encoding():
    """The encoding ``subprocess``'s text mode decodes with."""
    if sys.flags.utf8_mode:
        return "utf-8"
    try:
        from _locale import getencoding         # (3.11+: without importing locale)
        return getencoding()
    except ImportError:
        import locale
        return locale.getpreferredencoding(False)


def _text(raw, encoding):
    """Decoded with universal newlines, as text mode reads a pipe."""
    return raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
