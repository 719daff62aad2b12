"""What a run pays before the engine's work (issue 18): each command imports only what it
uses.  These tests check *which* modules a real ``python -m macrotrace`` process imports
(``-X importtime``), never how long it takes (timings live in benchmarks/)."""

import os
import re
import subprocess
import sys

import pytest

from macrotrace.engine import lexer
from macrotrace.engine.lang import lang_options

# never needed to preprocess a file: the trace model and its views, the renderers, the
# declarations' C parser, pcpp (only the Python API is pcpp's), --verify, --kernel-tree,
# the pager's subprocess, the did-you-mean hint, json (the compiler's answers are a marshal
# file; a compilation database is read only when there is one)
NOT_FOR_EXPAND = ("macrotrace.trace", "macrotrace.render.text", "macrotrace.render.json",
                  "macrotrace.render.html", "macrotrace.render.journey_html",
                  "macrotrace.render.journey_text", "macrotrace.tracing", "macrotrace.streaming",
                  "macrotrace.declarations", "macrotrace.verify", "macrotrace.kernel_tree",
                  "macrotrace.snapshots", "macrotrace.journey", "macrotrace.lsp",
                  "macrotrace.engine.pcpp_api", "macrotrace.engine.recorder",
                  "pcpp", "ply", "jinja2", "pycparser", "difflib", "subprocess", "pkgutil",
                  "pickle", "zipfile", "dataclasses", "inspect", "typing", "json")
# a trace written as JSON: its model, its declarations (pycparser, which imports
# subprocess) and the JSON writer, but no text or HTML renderer
NOT_FOR_JSON_TRACE = ("macrotrace.render.text", "macrotrace.render.html", "jinja2",
                      "macrotrace.verify", "macrotrace.kernel_tree", "macrotrace.snapshots",
                      "macrotrace.engine.pcpp_api", "pcpp", "difflib")

_IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|( *)(\S+)\s*$")


def imported(argv, cwd):
    """The modules a ``python -X importtime`` process of ``argv`` imports (those the
    interpreter imports by itself left out: site's .pth files differ between machines).
    Run once before: the first run of a cache asks gcc (subprocess) for its answers."""
    subprocess.run([sys.executable, "-m", "macrotrace"] + argv, capture_output=True, cwd=cwd)

    def modules(args):
        proc = subprocess.run([sys.executable, "-X", "importtime"] + args, capture_output=True,
                              text=True, cwd=cwd)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return {m.group(2) for m in map(_IMPORT_LINE.match, proc.stderr.splitlines()) if m}
    return modules(["-m", "macrotrace"] + argv) - modules(["-c", "pass"])


def heavy(modules, forbidden):
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden))


@pytest.fixture
def tiny(tmp_path):
    (tmp_path / "t.c").write_text("#define TWICE(x) ((x) * 2)\nint a = TWICE(3);\n")
    return tmp_path


def test_expand_imports_only_the_engine(tiny):
    modules = imported(["expand", "t.c", "-o", "out.i"], tiny)
    assert (tiny / "out.i").read_text().strip() == "int a = ((3) * 2);"
    assert "macrotrace.engine.preprocessor" in modules      # (the check sees the run's imports)
    assert heavy(modules, NOT_FOR_EXPAND) == []


def test_a_cold_expand_runs_the_compiler_without_subprocess(tiny):
    """The first run of a cache asks gcc (engine/spawn.py): subprocess, with locale,
    signal and selectors, is not imported for it."""
    env = dict(os.environ, XDG_CACHE_HOME=str(tiny / "fresh-cache"))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "macrotrace", "expand", "t.c",
                           "-o", "out.i"], capture_output=True, text=True, cwd=tiny, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    python = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], capture_output=True, text=True)
    modules = {m.group(2) for m in map(_IMPORT_LINE.match, proc.stderr.splitlines()) if m} - \
        {m.group(2) for m in map(_IMPORT_LINE.match, python.stderr.splitlines()) if m}
    assert (tiny / "out.i").read_text().strip() == "int a = ((3) * 2);"
    assert "macrotrace.engine.spawn" in modules and "subprocess" not in modules
    assert os.listdir(tiny / "fresh-cache" / "macrotrace")       # (it was cold: gcc answered)


def test_json_trace_imports_no_text_or_html_renderer(tiny):
    modules = imported(["trace", "TWICE", "t.c", "--format", "json", "-o", "t.json"], tiny)
    assert '"TWICE"' in (tiny / "t.json").read_text()
    assert "macrotrace.render.json" in modules
    assert heavy(modules, NOT_FOR_JSON_TRACE) == []


def test_version_loads_no_command(tiny):
    modules = imported(["--version"], tiny)
    assert [m for m in modules if m.startswith("macrotrace.cli.commands.")] == []
    assert heavy(modules, ("macrotrace.engine.session", "macrotrace.engine.preprocessor")) == []


def test_api_preprocessor_is_still_pcpps(tiny):
    """The command line runs the engine without pcpp; the Python API is still a
    pcpp.Preprocessor (made on first use)."""
    import pcpp

    import macrotrace
    from macrotrace.engine.preprocessor import Engine, Preprocessor
    assert Preprocessor is macrotrace.Preprocessor
    assert issubclass(Preprocessor, pcpp.Preprocessor) and issubclass(Preprocessor, Engine)
    assert not issubclass(Engine, pcpp.Preprocessor)


@pytest.mark.parametrize("std", ["gnu11", "c89"])
@pytest.mark.parametrize("dollars", [True, False])
def test_letter_classes_written_as_complements_are_the_same_sets(std, dollars):
    """The token regex spells its letter classes as complements (re compiles the range
    up to U+10FFFF slowly, at every start): the same characters, every plane."""
    lang = lang_options(std, "c", None, dollars, False)
    ascii_letters = lexer._LETTERS + ("$" if dollars else "")
    code_points = list(range(0x3000)) + [0xd7ff, 0xd800, 0xdbff, 0xdc80, 0xdfff, 0xe000, 0xfeff,
                                          0xffff, 0x10000, 0x1f600, 0xe0001, 0x10ffff]
    for extra in ("", "0123456789", "0123456789."):
        allowed = ascii_letters + extra
        rx = re.compile(lexer._char_class(allowed, lang.xid))
        for c in code_points:
            ch = chr(c)
            want = ch in allowed or (lang.xid and c >= 0x80 and not 0xd800 <= c <= 0xdfff)
            assert bool(rx.fullmatch(ch)) == want, (std, dollars, extra, hex(c))


def test_utf8_identifiers_and_stray_bytes_lex_as_gcc(tmp_path):
    """Through the whole run: a UTF-8 identifier is one token (a macro name), a byte that
    is not UTF-8 is a stray character, as gcc -E has them."""
    src = tmp_path / "u.c"
    src.write_bytes("#define é_$x 1\nint a = é_$x; \xff b\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    gcc = subprocess.run(["gcc", "-E", "-P", str(src)], capture_output=True)
    if gcc.returncode != 0:
        pytest.skip("gcc -E failed: %s" % gcc.stderr[-200:])
    ours = subprocess.run([sys.executable, "-m", "macrotrace", "expand", str(src),
                           "--no-bundled-headers"], capture_output=True, env=dict(os.environ))
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.split() == gcc.stdout.split()


def test_records_are_values():
    """record.py, the dataclasses the start-up uses without importing dataclasses:
    defaults, equality on the compared fields, frozen, replace."""
    from macrotrace.config import RunConfig
    from macrotrace.engine.result import RunResult
    from macrotrace.record import FrozenInstanceError, replace

    a = RunConfig("x.c", lto=True, unsaved=(("/x.c", "int x;"),))
    assert a == RunConfig("x.c", lto=True) and hash(a) == hash(RunConfig("x.c", lto=True))
    assert a != RunConfig("x.c") and a.lto and a.std == "gnu11"
    b = replace(a, macro="M")
    assert (b.macro, b.lto, b.unsaved, a.macro) == ("M", True, (("/x.c", "int x;"),), None)
    with pytest.raises(FrozenInstanceError):
        a.macro = "N"
    with pytest.raises(TypeError):
        RunConfig("x.c", no_such_field=1)
    with pytest.raises(TypeError):
        RunConfig()
    r, s = RunResult(), RunResult()
    r.warnings.append("w")
    assert s.warnings == [] and r != s            # (a fresh list each: default_factory)
