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


# -- a cold unit's questions in one compiler run (Compiler.prepare) ------------------------

KERNEL_FLAGS = ["-fno-strict-aliasing", "-fno-common", "-fshort-wchar", "-fno-PIE", "-std=gnu11",
                "-mno-sse", "-mno-mmx", "-mno-sse2", "-mno-3dnow", "-mno-avx", "-m64",
                "-mcmodel=kernel", "-mno-red-zone", "-O2", "-fno-delete-null-pointer-checks"]


def plain_gcc(flags):
    """gcc asked the old way, a run for each: the -dM lines in gcc's order, the -v
    directories, each common question's answer."""
    base = [GCC] + flags
    dm = subprocess.run(base + ["-dM", "-E", "-x", "c", "-"], input="", capture_output=True, text=True)
    assert dm.returncode == 0, dm.stderr
    v = subprocess.run(base + ["-E", "-v", "-x", "c", "-"], input="", capture_output=True, text=True)
    questions = [("__has_attribute", a) for a in COMMON_ATTRIBUTES] + [("__has_builtin", b) for b in COMMON_BUILTINS]
    src = "".join("@@ %d %s(%s)\n" % (k, kind, name) for k, (kind, name) in enumerate(questions))
    probe = subprocess.run(base + ["-E", "-P", "-x", "c", "-"], input=src, capture_output=True, text=True)
    values = dict(line.split()[1:3] for line in probe.stdout.splitlines() if line.startswith("@@"))
    answers = {"%s(%s)" % q: int(values[str(k)]) for k, q in enumerate(questions)}
    defines = [line[len("#define "):] for line in dm.stdout.splitlines() if line.startswith("#define ")]
    lines = v.stderr.splitlines()
    dirs = [d.strip() for d in lines[lines.index("#include <...> search starts here:") + 1:
                                     lines.index("End of search list.")]]
    return defines, dirs, answers


@pytest.mark.parametrize("flags", [[], KERNEL_FLAGS, ["-std=c89", "-D", "X=1"], ["-std=gnu2x", "-m32"]],
                         ids=["default", "kernel", "c89", "gnu2x-m32"])
def test_one_run_answers_what_three_runs_answer_in_the_same_order(tmp_path, monkeypatch, flags):
    """The predefined macros (in -dM's own order: a definition's place decides the macro
    table's), the system directories and every answer, as gcc gives them asked apart."""
    if "-m32" in flags and subprocess.run([GCC, "-m32", "-E", "-x", "c", "-"], input="",
                                          capture_output=True).returncode != 0:
        pytest.skip("this gcc has no -m32")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cc, log = logging_compiler(tmp_path)
    comp = Compiler((cc,), flags)
    comp.prepare(system_dirs=True, predefined=True)
    assert len(runs(log)) == 1, runs(log)
    defines, dirs, answers = plain_gcc(flags)
    assert comp.predefined_macros() == defines and len(defines) > 200
    assert comp.system_include_dirs() == dirs and dirs
    assert {k: v for k, v in comp._answers.items() if k.startswith("__has")} == answers
    assert comp.has_feature("__has_attribute", "deprecated") > 1       # (a date, not 1)
    assert len(runs(log)) == 1          # everything came from that run
    # the macros alone, or the directories alone, with the questions: one run each
    for what in ({"predefined": True}, {"system_dirs": True}):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / str(sorted(what))))
        comp = Compiler((cc,), flags)
        comp.prepare(**what)
        assert comp.predefined_macros() == defines and comp.system_include_dirs() == dirs
        assert {k: v for k, v in comp._answers.items() if k.startswith("__has")} == answers
    assert len(runs(log)) == 1 + 2 + 2


@pytest.mark.parametrize("flags", [["-Wfatal-errors"], ["-fdiagnostics-format=json"], ["-fmax-errors=1"]])
def test_a_run_whose_answers_are_not_all_there_is_not_used(tmp_path, monkeypatch, flags):
    """Flags that change how gcc reports the #error lines: the run is thrown away and
    each answer asked on its own, still gcc's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cc, log = logging_compiler(tmp_path)
    comp = Compiler((cc,), flags)
    comp.prepare(system_dirs=True, predefined=True)
    assert len(runs(log)) == 1 and comp._answers == {}
    defines, dirs, answers = plain_gcc(flags)
    assert comp.predefined_macros() == defines and comp.system_include_dirs() == dirs
    assert comp.has_feature("__has_attribute", "packed") == 1
    assert {k: v for k, v in comp._answers.items() if k.startswith("__has")} == answers


def test_a_kernel_like_unit_cold_asks_the_compiler_once(tmp_path, monkeypatch):
    """A unit given its compiler command line (after --) with -nostdinc: the macros and every
    common answer in one run; the output still gcc's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cc, log = logging_compiler(tmp_path)
    src = tmp_path / "k.c"
    src.write_text("#if __has_attribute(__fallthrough__) > 1 && __has_builtin(__builtin_expect)\n"
                   "int f = __has_attribute(__deprecated__), g = __GNUC__;\n#endif\n"
                   "#ifdef __x86_64__\nlong x = __SIZEOF_LONG__ * __has_attribute(packed);\n#endif\n")
    status, out, err = ours_expand(str(src), ["--", cc, "-O2", "-std=gnu11", "-nostdinc", "-c", str(src)])
    assert status == 0, err
    assert len(runs(log)) == 1 and "-dM" in runs(log)[0], runs(log)
    proc = subprocess.run([GCC, "-E", "-P", "-nostdinc", "-O2", "-std=gnu11", str(src)],
                          capture_output=True, text=True)
    assert_same_tokens(out, proc.stdout, "the answers")
    assert "int f = 201904" in out and "long x = 8 * 1" in out
