"""The compiler's answers to ``__has_attribute``/``__has_builtin`` (engine/compiler.py):
asked of the real compiler in as few runs as it takes, each answer still gcc's own.

A cold kernel unit asks ~140 such questions; asked a run at a time (or spoiled by one
name the compiler rejects) they cost a cold unit more CPU than gcc -E of the whole unit.
"""

import os
import subprocess
import sys

import pytest

from difftest import GCC, assert_same_tokens, ours_expand

from macrotrace.engine.compiler import COMMON_ATTRIBUTES, COMMON_BUILTINS, Compiler

pytestmark = pytest.mark.skipif(GCC is None, reason="needs gcc")


def logging_compiler(tmp_path):
    """A compiler command that is gcc, writing a line to a log at each run."""
    log = tmp_path / "runs.log"
    script = tmp_path / "cc-logged"
    script.write_text("#!/bin/sh\necho \"$*\" >> %s\nexec %s \"$@\"\n" % (log, GCC))
    script.chmod(0o755)
    return str(script), log


def runs(log):
    return log.read_text().splitlines() if log.exists() else []


def gcc_answer(kind, name):
    """gcc's own answer, asked alone (None: gcc rejects the question)."""
    p = subprocess.run([GCC, "-E", "-P", "-x", "c", "-"], input="@@ %s(%s)\n" % (kind, name),
                       capture_output=True, text=True)
    return int(p.stdout.split("@@", 1)[1]) if p.returncode == 0 else None


def test_a_unit_asking_many_questions_costs_few_compiler_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cc, log = logging_compiler(tmp_path)
    asked = ["__has_attribute(mt_not_an_attribute)"]      # first: asked with the lists
    asked += ["__has_attribute(%s)" % a for a in COMMON_ATTRIBUTES]
    asked += ["__has_builtin(%s)" % b for b in COMMON_BUILTINS]
    asked += ["__has_builtin(__builtin_mt_later)", "__has_attribute(__mt_later__)"]
    src = tmp_path / "probes.c"
    src.write_text("".join("#if %s\nint yes_%d;\n#else\nint no_%d;\n#endif\n" % (q, i, i)
                           for i, q in enumerate(asked)))
    status, out, err = ours_expand(str(src), ["--cc", cc])
    assert status == 0, err
    proc = subprocess.run([GCC, "-E", "-P", "-nostdinc", str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert_same_tokens(out, proc.stdout, "the answers")
    # the predefined macros, the first question with every common name, and one run for
    # each of the two names asked later
    probes = [r for r in runs(log) if "-dM" not in r and " -v " not in r]
    assert len(probes) == 3, runs(log)
    # a second run of the unit asks the compiler nothing
    before = len(runs(log))
    assert ours_expand(str(src), ["--cc", cc, "--no-cache"])[0] == 0
    assert len(runs(log)) == before


def test_a_question_the_compiler_rejects_spoils_no_other_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cc, log = logging_compiler(tmp_path)
    comp = Compiler((cc,))
    # gcc stops answering a batch at the rejected one; the rest are asked again
    wanted = [("__has_builtin", "__builtin_expect"), ("__has_builtin", "__has_builtin"),
              ("__has_attribute", "packed"), ("__has_attribute", "mt_unknown"),
              ("__has_builtin", "1bad"), ("__has_builtin", "__builtin_memcpy")]
    comp._load()
    comp._probe(wanted)
    for kind, name in wanted:
        want = gcc_answer(kind, name)
        assert comp._answers["%s(%s)" % (kind, name)] == (0 if want is None else want), (kind, name)
    assert len(runs(log)) == 3          # one batch, and one more after each rejected name


def test_a_compiler_that_answers_nothing_is_not_asked_again_and_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    broken = tmp_path / "cc-broken"
    log = tmp_path / "runs.log"
    broken.write_text("#!/bin/sh\necho run >> %s\necho 'cc-broken: internal error' >&2\nexit 4\n" % log)
    broken.chmod(0o755)
    comp = Compiler((str(broken),))
    assert comp.has_feature("__has_attribute", "packed") == 0
    assert len(runs(log)) == 1
    assert comp.has_feature("__has_builtin", "__builtin_expect") == 0
    assert len(runs(log)) == 1
