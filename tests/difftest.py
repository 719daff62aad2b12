"""Differential testing against gcc: run gcc and macrotrace on the same input and
flags, split both outputs into preprocessing tokens, require equality."""

import contextlib
import io
import os
import shutil
import subprocess

from macrotrace.cli import main as macrotrace_main
from macrotrace.engine.lexer import lex

GCC = shutil.which("gcc")
BASE_FLAGS = ["-undef", "-std=gnu11", "-nostdinc"]


def gcc_expand(path, flags=(), cwd=None):
    """``gcc -E -P`` output (raises AssertionError with gcc's stderr on failure)."""
    proc = subprocess.run([GCC, "-E", "-P"] + BASE_FLAGS + list(flags) + [path],
                          capture_output=True, text=True, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


def run_macrotrace(argv, cwd=None):
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = macrotrace_main(list(argv))
    finally:
        os.chdir(old)
    return status, out.getvalue(), err.getvalue()


def ours_expand(path, flags=(), cwd=None):
    return run_macrotrace(["expand", path, "--no-bundled-headers", "-nostdinc"] + list(flags), cwd)


def tokens(text):
    return [t.text for t in lex(text, "<output>")[0]]


def first_difference(ours, theirs, context=6):
    a, b = tokens(ours), tokens(theirs)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            lo = max(0, i - context)
            return ("first difference at token %d: macrotrace %r, gcc %r\n  macrotrace: %s\n  gcc:        %s"
                    % (i, x, y, " ".join(a[lo:i + context]), " ".join(b[lo:i + context])))
    if len(a) != len(b):
        n = min(len(a), len(b))
        longer, name = (a, "macrotrace") if len(a) > len(b) else (b, "gcc")
        return "same first %d tokens, then only %s has: %s" % (n, name, " ".join(longer[n:n + 12]))
    return None


def assert_same_tokens(ours, theirs, what=""):
    diff = first_difference(ours, theirs)
    assert diff is None, "%s\n%s" % (what, diff)


def printed_lines(text):
    """The lines of -E -P output as a reader sees them: trailing white space and blank
    lines (which gcc prints around #pragma lines as it likes) left out; the spaces
    between tokens, and a line's indentation, kept."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def first_spacing_difference(ours, theirs):
    """None, or the first line whose spacing differs from gcc's."""
    a, b = printed_lines(ours), printed_lines(theirs)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "line %d spaced differently:\n  macrotrace: %r\n  gcc:        %r" % (i + 1, x, y)
    if len(a) != len(b):
        return "%d printed lines, gcc %d" % (len(a), len(b))
    return None
