"""The main job: macrotrace module_init examples/hello.c under all 8 configurations,
on the bundled headers, equals gcc -E -undef -std=gnu11 -I headers with the same defines."""

import itertools
import json
import os

import pytest

from difftest import GCC, first_difference, gcc_expand, run_macrotrace, tokens

from macrotrace.resources import headers_dir

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
COMBOS = list(itertools.product((False, True), repeat=3))
IDS = ["%s%s%s" % ("lto" if a else "-", "+prel32" if b else "", "+module" if c else "") for a, b, c in COMBOS]

pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")


def flags(lto, prel32, module):
    ours = [f for f, on in (("--lto", lto), ("--prel32", prel32), ("--module", module)) if on]
    gcc = ["-D" + m for m, on in (("CONFIG_LTO_CLANG", lto), ("CONFIG_HAVE_ARCH_PREL32_RELOCATIONS", prel32),
                                 ("MODULE", module)) if on]
    gcc += ['-DKBUILD_MODNAME="hello"', "-D__KBUILD_MODNAME=kmod_hello", '-DKBUILD_MODFILE="hello"',
            "-I", headers_dir()]
    return ours, gcc


@pytest.mark.parametrize("combo", COMBOS, ids=IDS)
def test_module_init_matches_gcc(combo):
    ours, gcc = flags(*combo)
    rc, expected, err = gcc_expand(HELLO, gcc)
    assert rc == 0 and not err, err
    status, out, err = run_macrotrace(["module_init", HELLO, "--format", "json"] + ours)
    assert status == 0, err
    data = json.loads(out)
    assert data["config"]["switches"] == {"CONFIG_LTO_CLANG": combo[0],
                                          "CONFIG_HAVE_ARCH_PREL32_RELOCATIONS": combo[1],
                                          "MODULE": combo[2]}
    (inv,) = data["invocations"]
    assert inv["source"] == "module_init(hello_init)" and inv["line"] == 20
    assert inv["steps"][0]["text"] == inv["source"] and inv["steps"][-1]["text"] == inv["result"]
    want = tokens(expected)
    got = tokens(inv["result"])
    # the invocation's expansion is exactly what gcc printed for line 20
    start = next(i for i in range(len(want)) if want[i:i + len(got)] == got)
    assert start >= 0
    status, whole, err = run_macrotrace(["expand", HELLO] + ours)
    assert first_difference(whole, expected) is None


@pytest.mark.parametrize("combo", COMBOS, ids=IDS)
def test_every_macro_of_the_story_traces(combo):
    ours, _ = flags(*combo)
    lto, prel32, module = combo
    status, out, err = run_macrotrace(["module_init", HELLO, "--format", "json"] + ours)
    inv = json.loads(out)["invocations"][0]
    macros = [s["macro"] for s in inv["steps"][1:]]
    if module:
        assert macros[0] == "module_init" and "___ADDRESSABLE" in macros and "__copy" in macros
        assert "init_module" in inv["result"]
        return
    for m in ("module_init", "__initcall", "device_initcall", "__define_initcall", "___define_initcall",
              "__unique_initcall", "__initcall_id", "__PASTE", "___PASTE", "__COUNTER__", "__LINE__",
              "__KBUILD_MODNAME", "__initcall_name", "__initcall_section", "____define_initcall"):
        assert m in macros, m
    # without PREL32, ____define_initcall's stub parameter is unused: gcc never
    # pre-expands that argument, so __initcall_stub is never replaced
    assert ("__initcall_stub" in macros) == prel32
    result = inv["result"]
    section = '".initcall6" ".init.." "kmod_hello__' if lto else '".initcall6" ".init"'
    assert section in result
    if prel32:
        assert "asm(" in result and ".long" in result and "__stringify" not in result
        assert "__define_initcall_stub" in macros and "__ADDRESSABLE" in macros
    else:
        assert "static initcall_t __initcall__kmod_hello__" in result
    if lto:
        assert "__initstub__kmod_hello__" in result or not prel32


def test_text_output_for_a_terminal():
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--color", "never"])
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("module_init in examples/hello.c") or "hello.c" in lines[0]
    assert max(len(l) for l in lines) <= 100
    flat = " ".join(out.split())
    assert "#ifdef CONFIG_LTO_CLANG: CONFIG_LTO_CLANG is defined" in flat
    assert "__COUNTER__ → " in flat and "__LINE__ → 20" in flat


def test_matrix_names_the_deciding_definitions():
    from macrotrace.config import RunConfig
    from macrotrace.tracing import run_matrix
    m = run_matrix(RunConfig(source=HELLO, macro="module_init"))
    assert len(m.runs) == 8 and len(m.groups) == 5      # the 4 module builds agree
    label = {tuple(sorted(g.labels)): i for i, g in enumerate(m.groups)}
    plain = label[("LTO=n PREL32=n MODULE=n",)]
    prel32 = label[("LTO=n PREL32=y MODULE=n",)]
    lto = label[("LTO=y PREL32=n MODULE=n",)]
    causes = {tuple(d.groups): d for d in m.divergences}
    d = causes[tuple(sorted((plain, prel32)))]
    assert d.cause_macros == ["____define_initcall", "____define_initcall"]
    assert d.cause_definitions[0] != d.cause_definitions[1]
    d = causes[tuple(sorted((plain, lto)))]
    assert d.cause_macros == ["__initcall_section", "__initcall_section"]
    status, out, _ = run_macrotrace(["module_init", HELLO, "--matrix", "--color", "never"])
    assert status == 0 and max(len(l) for l in out.splitlines()) <= 100
