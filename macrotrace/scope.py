"""Where in the C source an invocation is written: starting a declaration at file
scope, or inside braces (a function body, an initializer) or after ``=``.

Only an invocation that starts a file-scope declaration makes symbols the object file
can show; a ``DEFINE_WAIT(w)`` in a function makes an automatic variable, and a
``DEFINE_RES_MEM(...)`` after ``=`` is an initializer. This reads the source's tokens
(directives skipped); it does not preprocess, so brackets opened in one ``#if`` branch
and closed in another can mislead it, as they would a reader.
"""

from .engine.lexer import lex
from .engine.tokens import BOL, IDENT

FILE_SCOPE = "file scope"
INSIDE = "inside braces or an initializer"

_OPEN, _CLOSE = ("(", "[", "{"), (")", "]", "}")


def contexts(text, filename="<source>"):
    """{(line, column): FILE_SCOPE or INSIDE} for every identifier outside directives."""
    tokens, _ = lex(text, filename)
    out = {}
    depth, prev, in_directive = 0, None, False
    for t in tokens:
        if t.flags & BOL:
            in_directive = t.text == "#"
        if in_directive:
            continue
        if t.kind == IDENT:
            starts = prev is None or prev.text in (";", "}") or prev.kind == IDENT or prev.text == ")"
            out[(t.line, t.col)] = FILE_SCOPE if depth == 0 and starts else INSIDE
        op = t.op if t.kind != IDENT else None
        if op in _OPEN:
            depth += 1
        elif op in _CLOSE:
            depth = max(0, depth - 1)
        prev = t
    return out


def source_contexts(path):
    """``contexts`` of a file, or {} when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return contexts(fh.read(), path)
    except OSError:
        return {}
