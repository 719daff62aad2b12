"""engine/stamps.py: a value computed from the package's files is taken from its memo
only while every file keeps its size and modification time; the hash of the engine's
code the caches key on (statecache._engine_fingerprint) is always the files' sha1."""

import glob
import hashlib
import os
import subprocess
import sys

from macrotrace.engine import stamps

_FINGERPRINT = """
import sys
from macrotrace.engine import statecache
if len(sys.argv) > 1:           # the memo must answer: hashing fails
    class NoHash:
        def sha1(self, *a):
            raise AssertionError("hashed")
    statecache.hashlib = NoHash()
print(statecache._engine_fingerprint())
"""


def _sha1_of_engine(root):
    h = hashlib.sha1()
    for path in sorted(glob.glob(os.path.join(root, "macrotrace", "engine", "*.py"))):
        with open(path, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def _fingerprint(root, *memo_only):
    env = dict(os.environ, PYTHONPATH=str(root), MACROTRACE_PURE_PYTHON="1")
    proc = subprocess.run([sys.executable, "-c", _FINGERPRINT] + list(memo_only), capture_output=True,
                          text=True, env=env, cwd=str(root))
    return proc.stdout.strip() if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]


def test_the_engine_fingerprint_follows_every_change_of_its_files(tmp_path):
    import shutil
    root = tmp_path / "copy"
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shutil.copytree(os.path.join(here, "macrotrace"), root / "macrotrace",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    engine = root / "macrotrace" / "engine"
    assert _fingerprint(root) == _sha1_of_engine(root)
    assert _fingerprint(root, "memo") == _sha1_of_engine(root)         # (not hashed again)
    # an edit, an edit of the same size, a new file, a removed file, a touch
    text = (engine / "events.py").read_text()
    (engine / "events.py").write_text(text + "\n# edited\n")
    assert _fingerprint(root, "memo") == "AssertionError: hashed"
    assert _fingerprint(root) == _sha1_of_engine(root)
    (engine / "events.py").write_text(text + "\n# EDITED\n")
    assert _fingerprint(root) == _sha1_of_engine(root)
    (engine / "zz_new.py").write_text("X = 1\n")
    assert _fingerprint(root) == _sha1_of_engine(root)
    (engine / "zz_new.py").unlink()
    assert _fingerprint(root) == _sha1_of_engine(root)
    st = (engine / "lexer.py").stat()
    os.utime(engine / "lexer.py", ns=(st.st_atime_ns, st.st_mtime_ns + 10 ** 9))
    assert _fingerprint(root, "memo") == "AssertionError: hashed"
    assert _fingerprint(root) == _sha1_of_engine(root)
    assert _fingerprint(root, "memo") == _sha1_of_engine(root)


def test_remembered(tmp_path, monkeypatch):
    monkeypatch.setattr(stamps, "_DIR", str(tmp_path / "memo"))
    files = [tmp_path / "a", tmp_path / "b"]
    for f in files:
        f.write_text("one")
    calls = []

    def compute():
        calls.append(1)
        return [f.read_text() for f in files]
    paths = [str(f) for f in files]
    assert stamps.remembered("v", paths, compute) == ["one", "one"] and len(calls) == 1
    assert stamps.remembered("v", paths, compute) == ["one", "one"] and len(calls) == 1
    files[1].write_text("two!")
    assert stamps.remembered("v", paths, compute) == ["one", "two!"] and len(calls) == 2
    assert stamps.remembered("v", paths[:1], compute) and len(calls) == 3     # (another set)
    files[0].unlink()                      # a file missing: computed, nothing remembered
    assert stamps.remembered("v", paths, lambda: "gone") == "gone"
    (tmp_path / "memo" / os.path.basename(stamps.memo_path("v"))).write_bytes(b"\x00garbage")
    files[0].write_text("one")
    assert stamps.remembered("v", paths, compute) == ["one", "two!"]
