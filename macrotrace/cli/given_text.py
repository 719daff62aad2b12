"""Source text that is in no file: ``-e TEXT`` on the command line, or ``-`` as FILE
(standard input), as ``echo TEXT | cpp`` preprocesses it.

The engine reads files, so the text is written to a file of its own in a temporary
directory for the run (removed by ``cleanup`` when the command ends), and everything
the user sees names it as gcc does: ``<stdin>`` (traces, messages, ``__FILE__``).
``#include "x.h"`` is searched for in the working directory, as gcc does for
standard input. The text is traced whole: MACRO defaults to its first identifier.
"""

import os
import re
import sys

LABEL = "<stdin>"
_made = []          # (directory, path) of this process's given sources
_stdin = []         # standard input, once read


def read(ns):
    """The text ``ns`` gives (-e TEXT, or standard input for FILE ``-``), or None
    when it names a real file."""
    if getattr(ns, "text", None) is not None:
        return ns.text if ns.text.endswith("\n") else ns.text + "\n"
    if getattr(ns, "file", None) == "-":
        if not _stdin:
            _stdin.append(sys.stdin.read())     # read once: diff makes two runs of it
        return _stdin[0]
    return None


def resolve(ns, wants_macro):
    """Make ``ns`` name a file: with -e TEXT or FILE ``-``, a file holding the text
    (and ``ns.given`` the text); a missing MACRO is the text's first identifier. Raises
    UsageError when neither a FILE nor a text is given."""
    from .options import UsageError
    ns.given = False
    if wants_macro and ns.file is None and ns.macro == "-":
        ns.macro, ns.file = None, "-"          # macrotrace - : MACRO from the text
    if getattr(ns, "text", None) is not None and ns.file is not None:
        raise UsageError("-e TEXT is the source to read: give no FILE (%s) with it" % ns.file)
    text = read(ns)
    if text is None:
        if ns.file is None or (wants_macro and ns.macro is None):
            raise UsageError("give %s, or the text with -e TEXT or - (standard input) (see "
                             "macrotrace %s--help)" % ("MACRO FILE" if wants_macro else "FILE",
                                                       "" if wants_macro else "expand "))
        return
    ns.file = materialize(text)
    ns.given = text
    if wants_macro and not ns.macro:
        ns.macro = first_identifier(text)
        if ns.macro is None:
            raise UsageError("the text has no identifier to trace")


def recorded(argv, ns):
    """The arguments a trace records to be made again (``argv``), with standard input
    replaced by ``-e TEXT``: a snapshot must not depend on what stdin held."""
    if not getattr(ns, "given", False) or getattr(ns, "text", None) is not None or "-" not in argv:
        return argv
    k = argv.index("-")
    return argv[:k] + ["-e", ns.given] + argv[k + 1:]


def first_identifier(text):
    m = re.search(r"[A-Za-z_]\w*", text)
    return m.group() if m else None


def materialize(text):
    """A file holding ``text`` for this run: its path."""
    import tempfile
    directory = tempfile.mkdtemp(prefix="macrotrace-stdin-")
    path = os.path.join(directory, "stdin.c")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    _made.append((directory, path))
    return path


def config_fields(path, fields):
    """RunConfig fields for a run on the given text at ``path`` (``fields``: the ones
    the flags made): shown as <stdin>, quoted includes from the working directory, no
    state cache (the file is new each run)."""
    return dict(source=path, source_name=LABEL,
                quote_dirs=(os.getcwd(),) + tuple(fields.get("quote_dirs", ())),
                macro_prefix_maps=((path, LABEL),) + tuple(fields.get("macro_prefix_maps", ())),
                cache=False)


def relabel(message):
    """``message`` with the temporary file's path shown as <stdin>."""
    for _, path in _made:
        message = message.replace(path, LABEL)
    return message


def cleanup():
    import shutil
    while _made:
        directory, _ = _made.pop()
        shutil.rmtree(directory, ignore_errors=True)
