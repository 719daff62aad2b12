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
the decision is remembered as CPython remembers a ``.pyc``'s source: once the hashes
matched, a manifest in ``__pycache__`` records each ``.py``'s and each build's size and
modification time (ns), and a start whose files all still have them trusts it; one
that differs (an edit, a rebuild, a ``touch``) makes the whole check run again (and
rewrite the manifest if the builds are fresh).  Where the package directory cannot be
written the check runs at every start, as it did.
"""

import importlib.machinery
import importlib.util
import marshal
import os
import sys

PACKAGE = "macrotrace.engine"
MODULES = ("tokens", "macros", "expander", "printer", "lexer", "depcheck", "defcode",
           "reader",     # compiled together (setup.py)
           # plain Python compiled as it is (no .pxd): the directives, files, #if
           # expressions and include search around the hot loop
           "source", "condscan", "expression", "includes", "preprocessor")
MARKER = b"macrotrace-source-sha256:"
_HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(_HERE, "__pycache__", "compiled-modules.%s" % sys.implementation.cache_tag)

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
    compiled = True, "compiled (Cython: %s)" % ", ".join(MODULES), False
    # (the files' stat before their contents: an edit while they are hashed is seen next time)
    files = _file_stats(built)
    if files is not None and files == _read_manifest():
        return compiled
    for name in MODULES:
        if built_from(built[name]) != source_hash(os.path.join(_HERE, name + ".py")):
            return False, "pure Python (compiled %s is stale: %s.py changed since the build)" % (name, name), True
    if files is not None:
        _write_manifest(files)
    return compiled


def _file_stats(built):
    """What the manifest records: the modules, each one's build (its name: the first
    suffix found) and the size and modification time of its ``.py`` and its build."""
    out = [MODULES]
    try:
        for name in MODULES:
            py, so = os.stat(os.path.join(_HERE, name + ".py")), os.stat(built[name])
            out.append((os.path.basename(built[name]), py.st_size, py.st_mtime_ns, so.st_size, so.st_mtime_ns))
    except OSError:
        return None
    return out


def _read_manifest():
    try:
        with open(MANIFEST, "rb") as fh:
            return marshal.loads(fh.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write_manifest(files):
    """(atomically; a package directory that cannot be written is no error)"""
    tmp = "%s.%d" % (MANIFEST, os.getpid())
    try:
        os.makedirs(os.path.dirname(MANIFEST), exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump(files, fh)
        os.replace(tmp, MANIFEST)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


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
