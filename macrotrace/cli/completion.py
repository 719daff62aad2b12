"""Shell completion (bash, zsh, fish), generated from the argparse definition by
argcomplete: ``macrotrace completion SHELL`` prints the script to load.

The shell runs ``macrotrace`` itself to complete (with _ARGCOMPLETE set); ``complete``
answers then, before any command runs: command names, flags, ``--format`` values,
C files, and for a trace's MACRO the macros FILE invokes at file scope or defines
(FILE taken from the line, wherever it is typed; if there is none yet, the C files of
the working directory). The bare form ``macrotrace MACRO FILE`` completes as
``macrotrace trace MACRO FILE``.
"""

import os

SHELLS = ("bash", "zsh", "fish")
MAX_FILES = 20          # without FILE on the line: the macros of at most this many *.c


def complete(parser):
    """Answer a completion request of the shell and exit; return when there is none."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    import argcomplete
    from argcomplete.completers import FilesCompleter
    from .registry import COMMANDS
    _as_explicit_trace(COMMANDS)
    for action in _actions(parser):
        if action.dest == "macro":
            action.completer = macro_completer
        elif action.dest in ("file", "files"):
            action.completer = FilesCompleter(allowednames=("c", "h", "i"))
    argcomplete.autocomplete(parser)


def _actions(parser):
    """Every action of ``parser`` and of its subcommands' parsers."""
    for action in parser._actions:
        yield action
        for sub in (getattr(action, "choices", None) or {}).values() if hasattr(action, "_name_parser_map") else ():
            yield from _actions(sub)


def _as_explicit_trace(commands):
    """``macrotrace module_init he<TAB>``: complete it as ``macrotrace trace ...``."""
    line, point = os.environ.get("COMP_LINE", ""), int(os.environ.get("COMP_POINT", "0") or 0)
    words = line.split()
    if len(words) < 2 or words[1] in commands or words[1].startswith("-") and words[1] != "-e":
        return
    if len(words) == 2 and not line.endswith(" ") and any(c.startswith(words[1]) for c in commands):
        return                          # typing the first word, a command's: commands are offered
    k = line.index(words[1], len(words[0]))
    os.environ["COMP_LINE"] = line[:k] + "trace " + line[k:]
    if point >= k:
        os.environ["COMP_POINT"] = str(point + len("trace "))


def macro_completer(prefix, parsed_args=None, **_):
    files = [parsed_args.file] if getattr(parsed_args, "file", None) else _files_on_line()
    if not files:
        import glob             # (only when completing: not at every start)
        files = sorted(glob.glob("*.c"))[:MAX_FILES]
    names = set()
    for path in files:
        names |= macro_names(path)
    return sorted(n for n in names if n.startswith(prefix))


def _files_on_line():
    words = os.environ.get("COMP_LINE", "").split()[1:]
    return [w for w in words if w.endswith((".c", ".h", ".i")) and os.path.isfile(w)]


def macro_names(path):
    """The names a user may want to trace in ``path``: what it invokes at file scope
    (module_init(...), MODULE_LICENSE(...), EXPORT_SYMBOL(...)) and what it #defines.
    The file is only read, not preprocessed (completion must answer at once)."""
    from ..engine.lexer import lex
    from ..engine.tokens import BOL, IDENT
    from ..scope import FILE_SCOPE, contexts
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return set()
    tokens, _ = lex(text, path)
    where = contexts(text, path)
    names = set()
    prev, in_directive = None, False        # prev: the last token outside directives
    for i, t in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if t.flags & BOL:
            in_directive = t.text == "#"
        if in_directive:
            if t.text == "define" and tokens[i - 1].text == "#" and nxt.kind == IDENT:
                names.add(nxt.text)
            continue
        if t.kind == IDENT and nxt.text == "(" and where.get((t.line, t.col)) == FILE_SCOPE and \
                (prev is None or prev.text in _STARTS):
            names.add(t.text)           # an invocation, not a function's declarator
        prev = t
    return names


_STARTS = {";", "}", ")", "static", "extern"}


def script(shell):
    """The completion script for ``shell``, made by argcomplete."""
    import argcomplete
    return argcomplete.shellcode(["macrotrace"], shell=shell)
