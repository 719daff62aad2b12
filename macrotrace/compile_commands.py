"""A compilation database, ``compile_commands.json``: the compiler command of a file.

The convention of clangd, clang-tidy and the kernel's
``scripts/clang-tools/gen_compile_commands.py``: a JSON list of entries, each with a
``directory`` (where the compiler ran), a ``file`` (absolute, or relative to
``directory``) and either ``arguments`` (a list) or ``command`` (one shell-quoted
string).  The entry of a source file is the one whose ``file`` is the same file (by
real path, so symbolic links and ``..`` do not matter).

How the command line finds a database (and the language server, the same way):
``-p DIR`` (``DIR/compile_commands.json``) or ``--compile-commands FILE`` name it; without
them the first ``compile_commands.json`` in the source's directory or a parent is used
and said so; ``--no-compile-commands`` ignores it.
"""

import os

from .config import ConfigError

NAME = "compile_commands.json"


def database_path(p_dir=None, db_file=None):
    """The database the flags name: ``-p DIR`` or ``--compile-commands FILE``."""
    if db_file:
        path = db_file
    else:
        path = os.path.join(p_dir, NAME) if os.path.isdir(p_dir) else p_dir
    if not os.path.isfile(path):
        flag = "--compile-commands" if db_file else "-p"
        raise ConfigError("%s %s: no such compilation database" % (flag, db_file or p_dir))
    return path


def discover(source):
    """The ``compile_commands.json`` in the directory of ``source`` or a parent, or None."""
    d = os.path.dirname(os.path.abspath(source))
    while True:
        candidate = os.path.join(d, NAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


_loaded = {}        # path -> ((mtime_ns, size), {real path of file: (argv, directory)})


def load(path):
    """The database as {real path of the file: (argv, directory)}; read once per change
    of the file (a kernel's database is tens of megabytes and the server asks often)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise ConfigError("%s: %s" % (path, e.strerror))
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _loaded.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    import json             # (here: every run looks for a database, few have one)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except ValueError as e:
        raise ConfigError("%s: not a valid compilation database (%s)" % (path, e))
    except OSError as e:
        raise ConfigError("%s: %s" % (path, e.strerror))
    if not isinstance(data, list):
        raise ConfigError("%s: not a compilation database (expected a JSON list of entries)" % path)
    base = os.path.dirname(os.path.abspath(path))
    entries = {}
    for k, entry in enumerate(data):
        where = "%s: entry %d" % (path, k + 1)
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise ConfigError("%s has no \"file\"" % where)
        directory = entry.get("directory", base)
        if not isinstance(directory, str):
            raise ConfigError("%s: \"directory\" must be a string" % where)
        directory = os.path.join(base, directory)
        if "arguments" in entry:
            argv = entry["arguments"]
            if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
                raise ConfigError("%s: \"arguments\" must be a list of strings" % where)
        elif isinstance(entry.get("command"), str):
            try:
                from .shellwords import split    # (shlex.split, faster; not at every start)
                argv = split(entry["command"])
            except ValueError as e:
                raise ConfigError("%s: cannot split \"command\": %s" % (where, e))
        else:
            raise ConfigError("%s has neither \"arguments\" nor \"command\"" % where)
        real = os.path.realpath(os.path.join(directory, entry["file"]))
        entries.setdefault(real, (list(argv), directory))     # the first entry wins, as in clangd
    _loaded[path] = (stamp, entries)
    return entries


def command_for(path, source, found=False):
    """(argv, directory) of ``source`` in the database at ``path`` (``found``: discovered,
    not named by a flag)."""
    entry = load(path).get(os.path.realpath(source))
    if entry is None:
        raise ConfigError("%s: no entry for %s in this compilation database%s" % (
            path, source, " (found beside it; --no-compile-commands to ignore it)" if found else ""))
    return entry
