"""Which engine modules run compiled: Cython builds of the hot modules, used only when
they were built from the ``.py`` files on disk.

``pip install`` compiles ``MODULES`` with Cython (setup.py; the ``.pxd`` beside each
``.py`` declares its types) when a C compiler and Python's headers are there; otherwise
the package is pure Python and works the same, slower.  Each compiled module carries
the SHA-256 of the ``.py`` it was built from (``MARKER`` then 64 hex digits, in the
binary).  Before the first of these modules is imported, ``install`` decides once for
all of them: compiled if every one is built and its hash matches its ``.py`` today,
else pure Python for all (they share extension types: a mix cannot load).  So an edited
``expander.py`` is never shadowed by a stale build; ``MACROTRACE_DEBUG=1`` says on
stderr why the pure path was taken, ``MACROTRACE_PURE_PYTHON=1`` forces it, and
``macrotrace cache --info`` prints ``status()``.

Hashing every ``.py`` and reading every build whole (3.3 MB) cost each start ~5 ms, so
the decision is remembered under the files' stat (stamps.py), as CPython remembers a
``.pyc``: a start whose ``.py`` files and builds all have the size and modification
time they had when it was made takes it as made; an edit, a rebuild or a ``touch``
makes the whole check run again.
"""

import importlib.machinery
import importlib.util
import os
import sys

PACKAGE = "macrotrace.engine"
MODULES = ("tokens", "macros", "expander", "printer", "lexer", "depcheck", "defcode",
           "reader",     # compiled together (setup.py)
           # plain Python compiled as it is (no .pxd): the directives, files, #if
           # expressions and include search around the hot loop
           "source", "condscan", "expression", "includes", "preprocessor",
           "state",     # (typed: the loop storing a unit's macro table, state.pxd)
           "reuse", "segments", "counters")    # recording and replaying header segments
MARKER = b"macrotrace-source-sha256:"
_HERE = os.path.dirname(os.path.abspath(__file__))
MEMO = "compiled-modules"     # (its name in stamps.py; setup.py loads this file alone)

_decision = None        # (compiled: bool, why: str), made on the first import


def source_hash(path):
    """The hash a build records for the source file ``path`` (hex)."""
    import hashlib              # (here: a command that runs no engine need not import it)
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def marker_source(digest):
    """C source of the constant a compiled module carries (setup.py links it in)."""
    return ('#if defined(__GNUC__)\n__attribute__((used))\n#endif\n'
            'static const char macrotrace_source_hash[] = "%s%s";\n' % (MARKER.decode(), digest))


def built_from(binary):
    """The source hash recorded in a compiled module, or None."""
    try:
        with open(binary, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    at = data.find(MARKER)
    if at < 0:
        return None
    digest = data[at + len(MARKER):at + len(MARKER) + 64]
    return digest.decode("ascii", "replace")


def _binary(name):
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(_HERE, name + suffix)
        if os.path.exists(path):
            return path
    return None


def _decide():
    """(compiled?, why, whether a developer should hear of it)."""
    if os.environ.get("MACROTRACE_PURE_PYTHON", "") not in ("", "0"):
        return False, "pure Python (MACROTRACE_PURE_PYTHON is set)", False
    built = {name: _binary(name) for name in MODULES}
    if not any(built.values()):
        return False, "pure Python (the compiled modules are not built)", False
    for name in MODULES:
        if built[name] is None:
            return False, "pure Python (compiled %s is missing)" % name, True
    from . import stamps
    paths = [path for name in MODULES for path in (os.path.join(_HERE, name + ".py"), built[name])]
    return stamps.remembered(MEMO, paths, lambda: _check(built))


def _check(built):
    """The whole check: each build's recorded hash against its ``.py``'s."""
    for name in MODULES:
        if built_from(built[name]) != source_hash(os.path.join(_HERE, name + ".py")):
            return False, "pure Python (compiled %s is stale: %s.py changed since the build)" % (name, name), True
    return True, "compiled (Cython: %s)" % ", ".join(MODULES), False


def status():
    """One line: which path the engine runs on, and why."""
    return decision()[1]


def decision():
    """(compiled?, why): made once, before the first of ``MODULES`` is imported."""
    global _decision
    if _decision is None:
        compiled, why, notice = _decide()
        if notice and os.environ.get("MACROTRACE_DEBUG"):
            print("macrotrace: engine runs %s" % why, file=sys.stderr)
        _decision = compiled, why
    return _decision


class _Finder:
    """A ``sys.meta_path`` finder for ``MODULES`` only: the build or the source,
    as ``decision`` says."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package != PACKAGE or name not in MODULES:
            return None
        if decision()[0]:
            return importlib.util.spec_from_file_location(fullname, _binary(name))
        return importlib.util.spec_from_file_location(fullname, os.path.join(_HERE, name + ".py"))

    @staticmethod
    def invalidate_caches():
        pass


def install():
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
