"""The compiled engine (engine/compiled.py, setup.py): Cython builds of the hot modules
give the pure-Python engine's results exactly, a build older than its ``.py`` is never
used, and ``MACROTRACE_PURE_PYTHON=1`` forces the pure path.

Each side runs in its own process (a process loads one path or the other).  The
compiled side is skipped, with the reason, only when the build could not happen
(``pip install -e .`` builds it in place when Cython, a C compiler and Python's headers
are there; ``python setup.py build_ext --inplace`` rebuilds it after an edit).
"""

import glob
import itertools
import os
import pickle
import shutil
import subprocess
import sys
from macrotrace.record import replace

import pytest

import test_kernel
from test_kernel import built  # noqa: F401  (the fixture: Kbuild builds the test modules)
from test_segments import kbuild_config

from macrotrace.config import RunConfig
from macrotrace.engine import compiled, stamps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
ENGINE = os.path.join(ROOT, "macrotrace", "engine")

# run in a child: each pickled RunConfig from stdin expanded and traced, no cache
_RUN = """
import pickle, sys
from macrotrace import tracing
from macrotrace.engine import compiled, session
from macrotrace.record import replace
from macrotrace.render.json import dumps
out = {"path": compiled.status(), "results": []}
for cfg in pickle.load(sys.stdin.buffer):
    cfg = replace(cfg, cache=False)
    text = session.expand(replace(cfg, macro=None)).text
    trace = dumps(tracing.run_trace(cfg)[0]) if cfg.macro else None
    out["results"].append((text, trace))
sys.stdout.buffer.write(pickle.dumps(out))
"""


def _env(tmp_path, pure, root=ROOT, **extra):
    env = dict(os.environ, PYTHONPATH=root, XDG_CACHE_HOME=str(tmp_path / "cache"), **extra)
    env.pop("MACROTRACE_PURE_PYTHON", None)
    env.pop("MACROTRACE_DEBUG", None)
    if pure:
        env["MACROTRACE_PURE_PYTHON"] = "1"
    return env


def _python(code, env, stdin=None):
    # (run from the test's directory: the package comes from PYTHONPATH, not the cwd)
    proc = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, env=env,
                          cwd=os.path.dirname(env["XDG_CACHE_HOME"]))
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    return proc


def _status(tmp_path, pure=False, root=ROOT, **extra):
    code = "from macrotrace.engine import compiled; print(compiled.status())"
    return _python(code, _env(tmp_path, pure, root, **extra)).stdout.decode().strip()


@pytest.fixture(scope="module")
def compiled_built(tmp_path_factory):
    status = _status(tmp_path_factory.mktemp("status"))
    if not status.startswith("compiled"):
        pytest.skip("the compiled engine is not in use here: %s" % status)
    return status


def _both(tmp_path, configs):
    """{path: results} for the pure and the compiled engine on the same configs."""
    runs = {}
    for pure in (True, False):
        out = pickle.loads(_python(_RUN, _env(tmp_path, pure), pickle.dumps(configs)).stdout)
        assert out["path"].startswith("pure" if pure else "compiled"), out["path"]
        runs[pure] = out["results"]
    return runs[True], runs[False]


def test_bundled_headers_in_every_configuration_give_the_pure_results(compiled_built, tmp_path):
    configs = [RunConfig(source=HELLO, macro="module_init", lto=lto, prel32=prel32, module=module)
               for lto, prel32, module in itertools.product((False, True), repeat=3)]
    pure, fast = _both(tmp_path, configs)
    assert len(pure) == 8
    for cfg, p, c in zip(configs, pure, fast):
        what = "lto=%s prel32=%s module=%s" % (cfg.lto, cfg.prel32, cfg.module)
        assert "hello_init" in p[0] and '"steps"' in p[1], what
        assert c[0] == p[0], "expand differs: " + what
        assert c[1] == p[1], "trace JSON differs: " + what


@pytest.mark.kernel
@pytest.mark.skipif(test_kernel.TREE is None or shutil.which("make") is None,
                    reason="no kernel headers (apt-get install linux-headers-amd64) or no make")
def test_a_real_kbuild_unit_gives_the_pure_results_and_gccs_text(compiled_built, built, tmp_path):
    argv, cwd = test_kernel.kbuild_command(built, "hello")
    cfg = replace(kbuild_config(built, "hello"), macro="module_init")
    (pure,), (fast,) = _both(tmp_path, [cfg])
    assert fast == pure and '"module_init"' in fast[1]
    assert test_kernel.first_difference(fast[0], test_kernel.gcc_preprocess(argv, cwd)) is None


# run in a child: each config expanded with the cache twice, the unit's own state deleted
# in between, so the second run replays the header segments the first one recorded
_REPLAY = """
import glob, os, pickle, sys
from macrotrace.engine import compiled, diskcache, session
from macrotrace.record import replace
out = {"path": compiled.status(), "results": []}
for cfg in pickle.load(sys.stdin.buffer):
    diskcache.clear()
    first = session.expand(cfg)
    for name in glob.glob(os.path.join(diskcache.cache_dir(), "state-*")):
        os.unlink(name)
    second = session.expand(cfg)
    out["results"].append((first.text, second.text, second.cache_hit, second.segments,
                           session.expand(replace(cfg, cache=False)).text))
sys.stdout.buffer.write(pickle.dumps(out))
"""


def test_replayed_header_segments_give_the_same_text_compiled_and_pure(compiled_built, tmp_path):
    """The segments' dependency check (depcheck, compiled) lets the same segments be
    replayed, with the same text as a run without the cache."""
    configs = [RunConfig(source=HELLO, lto=lto, prel32=prel32, module=module)
               for lto, prel32, module in itertools.product((False, True), repeat=3)]
    runs = {}
    for pure in (True, False):
        out = pickle.loads(_python(_REPLAY, _env(tmp_path, pure), pickle.dumps(configs)).stdout)
        assert out["path"].startswith("pure" if pure else "compiled"), out["path"]
        runs[pure] = out["results"]
    assert runs[True] == runs[False]
    for first, second, hit, (replayed, recorded), uncached in runs[False]:
        assert first == second == uncached and "hello_init" in first
        assert not hit and replayed >= 10 and recorded == 0      # (every header replayed)


# run in a child: each pickled (source, site) defined, and encoded as a segment stores it
# (compact), as a unit's state stores it, and fingerprinted
_ENCODE = """
import marshal, pickle, sys
from macrotrace.engine import compiled, defcode, state
from macrotrace.engine.lexer import lex
from macrotrace.engine.macros import parse_define
out = {"path": compiled.status(), "results": []}
for src, site, other in pickle.load(sys.stdin.buffer):
    m = parse_define(lex(src, site[0])[0], site)
    if other and len(m.body) > 1:
        m.body[1].file = other
    # (a marshal blob is compared as its value: marshal's bytes depend on reference counts)
    blob = defcode.encode(m, (1, 2), b"rows")
    out["results"].append((blob if blob[:1] == b"\\0" else marshal.loads(blob),
                           defcode.blob_fingerprint(blob),
                           marshal.loads(defcode.encode(m, (1, 2))),
                           defcode.fingerprint(m), defcode.decode(defcode.encode(m, (), b"\\x29\\0"))[0].name))
# (a unit's state: its blobs' lengths and outer chains' numbers, as array's bytes)
blobs = [r[0] for r in out["results"] if type(r[0]) is bytes]
out["arrays"] = (state._lengths(blobs + [b"", memoryview(b"xyz")]),
                 state._int32s([-1, 0, 7, 2 ** 31 - 1, -2 ** 31]))
sys.stdout.buffer.write(pickle.dumps(out))
"""


def test_definitions_are_encoded_to_the_pure_bytes(compiled_built, tmp_path):
    """defcode's compiled encoder (texts and numbers written in C into one buffer) makes
    the pure-Python encoder's bytes: every ``#define`` of the bundled headers, and
    definitions with non-ASCII text, a lone surrogate, a UCN, a number past a varint, a
    token from another file, a body or a text longer than the buffer; a blob's
    fingerprint, and a state's arrays of numbers (written in C)."""
    defines = []
    kernel = glob.glob("/usr/src/linux-headers-*-common/include/linux")     # (when installed)
    for folder, _, files in [*os.walk(os.path.join(ROOT, "headers")), *(os.walk(kernel[0]) if kernel else ())]:
        for name in sorted(files):
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as fh:
                for k, line in enumerate(fh):
                    if line.startswith("#define ") and not line.rstrip().endswith("\\"):
                        defines.append((line[8:], (path, k + 1), None))
    assert len(defines) > 50
    odd = ["F(a, ...) #a + __VA_ARGS__ x", "G() \"\u00e9\" L'\u00fc' 0x1p-3 y", "H \"\U0001f600\" z",
           "S \"\udc80\" s", "\\u00c5ngstr\\u00f6m + 1", "P(%s) 0" % ", ".join("p%d" % i for i in range(40)),
           "LONG " + " + ".join(["x"] * 3000), "TEXT \"%s\"" % ("\u00e9" * 20000), "E"]
    for k, src in enumerate(odd):
        defines.append((src, ("d/\u00e4.h", 3 + (k << 30)), None))
        defines.append((src, ("d/\u00e4.h", 1 << 35), None))
        defines.append((src, ("d/a.h", 7), "d/other.h"))
    runs = {}
    for pure in (True, False):
        out = pickle.loads(_python(_ENCODE, _env(tmp_path, pure), pickle.dumps(defines)).stdout)
        assert out["path"].startswith("pure" if pure else "compiled"), out["path"]
        runs[pure] = out["results"], out["arrays"]
    assert runs[True] == runs[False]
    runs = {pure: results for pure, (results, _) in runs.items()}
    assert sum(type(r[0]) is bytes for r in runs[False]) > 50       # (compact blobs)


def _copy_package(tmp_path):
    """The package with its builds, in a directory of its own."""
    root = tmp_path / "copy"
    shutil.copytree(os.path.join(ROOT, "macrotrace"), root / "macrotrace",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("headers", "templates"):
        src = os.path.join(ROOT, name)
        if os.path.isdir(src):
            shutil.copytree(src, root / name)
    return root


_WHERE = ("import macrotrace.engine.expander as e, macrotrace.engine.tokens as t\n"
          "from macrotrace.engine import compiled\n"
          "print(e.__file__); print(t.__file__); print(getattr(e, 'EDITED', None)); print(compiled.status())\n")


def test_a_stale_build_is_not_used(compiled_built, tmp_path):
    root = _copy_package(tmp_path)
    env = _env(tmp_path, False, str(root))
    lines = _python(_WHERE, env).stdout.decode().split("\n")
    assert not lines[0].endswith(".py") and lines[3].startswith("compiled")     # the copy's builds
    assert _manifest(root) is not None          # (a start that trusts it follows the edit too)
    # a developer edits expander.py and does not rebuild
    with open(root / "macrotrace" / "engine" / "expander.py", "a") as fh:
        fh.write("\nEDITED = 'yes'\n")
    proc = _python(_WHERE, dict(env, MACROTRACE_DEBUG="1"))
    expander, tokens, edited, status = proc.stdout.decode().split("\n")[:4]
    assert expander == str(root / "macrotrace" / "engine" / "expander.py") and edited == "yes"
    assert tokens.endswith("tokens.py")             # all four pure: they share extension types
    assert status == "pure Python (compiled expander is stale: expander.py changed since the build)"
    assert proc.stderr.decode() == "macrotrace: engine runs %s\n" % status
    assert _python(_WHERE, env).stderr == b""       # the notice only under MACROTRACE_DEBUG
    # and the CLI runs on it, with the compiled engine's result
    cli = [sys.executable, "-m", "macrotrace", "expand", HELLO, "--lto", "--no-cache"]
    stale = subprocess.run(cli, capture_output=True, text=True, env=env, cwd=str(tmp_path))
    fresh = subprocess.run(cli, capture_output=True, text=True, env=_env(tmp_path, False), cwd=str(tmp_path))
    assert stale.returncode == 0 and stale.stdout == fresh.stdout and "__initcall" in stale.stdout


def _manifest(root):
    path = root / "macrotrace" / "engine" / "__pycache__" / os.path.basename(stamps.memo_path(compiled.MEMO))
    return path.read_bytes() if path.exists() else None


def test_the_manifest_spares_the_hashes_until_a_file_changes(compiled_built, tmp_path):
    """A start trusts the builds without hashing while every .py and build has the size
    and modification time the manifest recorded when the hashes last matched; any
    change (a touch, an edit of the same size, a rebuilt binary) makes the full check
    decide again."""
    root = _copy_package(tmp_path)
    engine = root / "macrotrace" / "engine"
    env = _env(tmp_path, False, str(root))
    assert _manifest(root) is None
    assert _status(tmp_path, root=str(root)).startswith("compiled")
    first = _manifest(root)
    assert first is not None                                    # written by the full check
    # the full check is not run while the manifest holds: a build that no longer matches
    # its .py, with the stat the manifest recorded, is believed (as a .pyc would be)
    code = ("from macrotrace.engine import compiled\n"
            "compiled.source_hash = lambda path: 1 / 0\n"
            "print(compiled.status())\n")
    assert _python(code, env).stdout.decode().startswith("compiled")
    # touched, contents the same: checked again, still compiled, the manifest renewed
    py = engine / "macros.py"
    st = py.stat()
    os.utime(py, ns=(st.st_atime_ns, st.st_mtime_ns + 10 ** 9))
    assert _status(tmp_path, root=str(root)).startswith("compiled")
    assert _manifest(root) not in (None, first)
    # an edit that keeps the size: stale, pure Python
    text = py.read_bytes()
    k = text.index(b"MacroDef")
    py.write_bytes(text[:k] + b"macroDef" + text[k + len(b"MacroDef"):])
    assert _status(tmp_path, root=str(root)) == \
        "pure Python (compiled macros is stale: macros.py changed since the build)"
    py.write_bytes(text)
    assert _status(tmp_path, root=str(root)).startswith("compiled")
    # a build replaced by one made from another .py: stale
    suffix = os.path.basename(compiled._binary("tokens"))[len("tokens"):]
    so = engine / ("printer" + suffix)
    saved = so.read_bytes()
    shutil.copyfile(engine / ("tokens" + suffix), so)
    assert _status(tmp_path, root=str(root)) == \
        "pure Python (compiled printer is stale: printer.py changed since the build)"
    so.write_bytes(saved)           # (rebuilt as it was: a new modification time)
    assert _status(tmp_path, root=str(root)).startswith("compiled")
    # a missing or unreadable manifest: the full check, and a new manifest
    for damage in (b"", b"not marshal"):
        path = engine / "__pycache__" / os.path.basename(stamps.memo_path(compiled.MEMO))
        path.write_bytes(damage)
        assert _status(tmp_path, root=str(root)).startswith("compiled")
        assert _manifest(root) not in (None, damage)
    (engine / "__pycache__" / os.path.basename(stamps.memo_path(compiled.MEMO))).unlink()
    assert _status(tmp_path, root=str(root)).startswith("compiled") and _manifest(root)


def test_a_package_directory_that_cannot_be_written_checks_at_every_start(compiled_built, tmp_path):
    if os.geteuid() == 0:
        # (root writes anywhere: the write fails instead where the manifest's directory is a file)
        root = _copy_package(tmp_path)
        cache = root / "macrotrace" / "engine" / "__pycache__"
        shutil.rmtree(cache, ignore_errors=True)
        cache.write_text("not a directory")
    else:
        root = _copy_package(tmp_path)
        os.chmod(root / "macrotrace" / "engine", 0o555)
    assert _status(tmp_path, root=str(root)).startswith("compiled")
    assert _status(tmp_path, root=str(root)).startswith("compiled")


def test_pure_python_is_forced_by_the_switch_and_cache_info_says_which(compiled_built, tmp_path):
    forced = _python(_WHERE, _env(tmp_path, True)).stdout.decode().split("\n")
    assert forced[0] == os.path.join(ENGINE, "expander.py") and forced[1] == os.path.join(ENGINE, "tokens.py")
    assert forced[3] == "pure Python (MACROTRACE_PURE_PYTHON is set)"
    info = [sys.executable, "-m", "macrotrace", "cache", "--info"]
    for pure, expected in ((True, forced[3]), (False, compiled_built)):
        proc = subprocess.run(info, capture_output=True, text=True, env=_env(tmp_path, pure))
        assert proc.returncode == 0 and proc.stdout.splitlines()[-1] == "engine: " + expected


def test_without_builds_the_package_is_pure_python(tmp_path):
    """What a machine without a C compiler gets: no build, the .py files, no notice."""
    root = _copy_package(tmp_path)
    for name in os.listdir(root / "macrotrace" / "engine"):
        if not name.endswith((".py", ".pxd")):
            os.remove(root / "macrotrace" / "engine" / name)
    proc = _python(_WHERE, _env(tmp_path, False, str(root), MACROTRACE_DEBUG="1"))
    lines = proc.stdout.decode().split("\n")
    assert lines[0].endswith("expander.py") and lines[3] == "pure Python (the compiled modules are not built)"
    assert proc.stderr == b""


# -- the .pxd files follow the .py files ------------------------------------------------

_ATTRIBUTES = """
import json
from macrotrace.engine import compiled, expander, macros, printer, reader, tokens
assert compiled.status().startswith("pure"), compiled.status()
def names(obj):
    slots = getattr(type(obj), "__slots__", None)
    return sorted(slots) if slots is not None else sorted(vars(obj))
objs = {"Token": tokens.Token("ident", "x"), "MacroDef": macros.MacroDef("M"),
        "Context": expander.Context([], None, 0), "MacroArg": expander.MacroArg([], []),
        "Expander": expander.Expander(None), "Printer": printer.Printer(),
        "FileState": reader.FileState("x.h", None)}
print(json.dumps({k: names(v) for k, v in objs.items()}))
"""


def _declared(pxd):
    """{class: [attributes]} declared ``cdef public`` in a .pxd."""
    import re
    out, cls = {}, None
    with open(os.path.join(ENGINE, pxd)) as fh:
        for line in fh:
            m = re.match(r"cdef class (\w+)", line)
            if m:
                cls = out.setdefault(m.group(1), [])
            m = re.match(r"    cdef public \w+ (\w+)", line)
            if m:
                cls.append(m.group(1))
    return out


def test_every_attribute_of_a_compiled_class_is_declared_in_its_pxd(tmp_path):
    """A new attribute set in the .py but not declared in the .pxd would be an
    AttributeError on the compiled path only: this says where to declare it."""
    import json
    pure = json.loads(_python(_ATTRIBUTES, _env(tmp_path, True)).stdout)
    declared = {}
    for pxd in ("tokens.pxd", "macros.pxd", "expander.pxd", "printer.pxd", "reader.pxd"):
        declared.update(_declared(pxd))
    for cls, names in pure.items():
        assert sorted(declared[cls]) == names, "%s: declare its attributes in the .pxd as the .py sets them" % cls


def test_the_pxd_files_compile_with_their_py_files(tmp_path):
    """Cython accepts each .py with its .pxd (a changed signature fails here, where a
    build would only warn and fall back to pure Python)."""
    pytest.importorskip("Cython.Build.Cythonize", reason="Cython is not installed (pip install cython)")
    package = tmp_path / "macrotrace" / "engine"
    package.mkdir(parents=True)
    (tmp_path / "macrotrace" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    for name in os.listdir(ENGINE):
        if name.endswith((".py", ".pxd")) and name != "__init__.py":
            shutil.copy(os.path.join(ENGINE, name), package / name)
    sources = [str(package / (m + ".py")) for m in compiled.MODULES]
    proc = subprocess.run([sys.executable, "-c", "import sys; from Cython.Build.Cythonize import main; "
                           "main(['-3', '-q'] + sys.argv[1:])"] + sources,
                          capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert all(os.path.exists(s[:-3] + ".c") for s in sources)
