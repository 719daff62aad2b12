"""Writing long output to a terminal: through a pager when stdout is one, quietly
when the reader goes away (``| head``)."""

import os
import shlex
import sys


def _terminal_rows():
    try:
        return os.get_terminal_size(sys.stdout.fileno()).lines
    except (OSError, ValueError, AttributeError):
        return 0


def pager_command():
    """$PAGER (when set and not empty), else ``less -R``; None for ``cat``-like pagers."""
    pager = os.environ.get("PAGER")
    argv = shlex.split(pager) if pager else ["less", "-R"]
    if not argv or argv[0] == "cat":
        return None
    return argv


def write_stdout(pieces, write=None, page=True, encode=None):
    """Write ``pieces`` to stdout with ``write`` (default: sys.stdout.write); page them
    when stdout is a terminal and they do not fit on it (the pager gets ``encode(text)``,
    default UTF-8).  Returns False when the reader closed the pipe (nothing to report)."""
    write = write or sys.stdout.write
    try:
        if page and sys.stdout.isatty():
            text = "".join(pieces)
            rows = _terminal_rows()
            argv = pager_command()
            if argv and rows and text.count("\n") >= rows:
                env = dict(os.environ)
                env.setdefault("LESS", "FRX")
                try:
                    import subprocess       # (a terminal and a long text only)
                    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
                except OSError:
                    proc = None
                if proc is not None:
                    try:
                        proc.stdin.write(encode(text) if encode else text.encode("utf-8", "replace"))
                        proc.stdin.close()
                    except BrokenPipeError:
                        pass
                    proc.wait()
                    return True
            pieces = [text]
        for piece in pieces:
            write(piece)
        sys.stdout.flush()
        return True
    except BrokenPipeError:
        quiet_stdout()
        return False


def quiet_stdout():
    """After a broken pipe: point stdout at /dev/null so the final flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
