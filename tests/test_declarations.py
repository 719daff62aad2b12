"""What the expansion becomes: the declarations table, checked against a real object file."""

import itertools
import os
import shutil

import pytest

from difftest import run_macrotrace

from macrotrace.config import RunConfig
from macrotrace.tracing import run_trace
from macrotrace.verify import verify

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
COMBOS = list(itertools.product((False, True), repeat=3))
IDS = ["%s%s%s" % ("lto" if a else "-", "+prel32" if b else "", "+module" if c else "") for a, b, c in COMBOS]


@pytest.mark.parametrize("combo", COMBOS, ids=IDS)
def test_declarations_table(combo):
    lto, prel32, module = combo
    trace, _ = run_trace(RunConfig(source=HELLO, macro="module_init", lto=lto, prel32=prel32, module=module))
    decls = trace.invocations[0].declarations
    kinds = {d.kind for d in decls}
    assert "unparsed" not in kinds
    if module:
        alias = [d for d in decls if d.kind == "alias"][0]
        assert alias.name == "init_module" and alias.alias_of == "hello_init" and alias.copy_of == "hello_init"
        anchor = [d for d in decls if d.section == ".init.data"][0]
        assert anchor.initializer == "(void *) (&init_module)" and anchor.used
        return
    section = ".initcall6.init..kmod_hello__4_20_hello_init" if lto else ".initcall6.init"
    if prel32:
        entry = [d for d in decls if d.kind == "asm entry"][0]
        assert entry.name == "__initcall__kmod_hello__4_20_hello_init6" and entry.section == section
        stub = "__initstub__kmod_hello__4_20_hello_init6" if lto else "hello_init"
        assert entry.relocation == "R_X86_64_PC32 against %s" % stub
        assert "static_assert" in kinds
    else:
        var = [d for d in decls if d.kind == "variable"][0]
        assert (var.name, var.type, var.storage, var.section, var.initializer, var.used) == \
            ("__initcall__kmod_hello__4_20_hello_init6", "initcall_t", ["static"], section, "hello_init", True)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
@pytest.mark.parametrize("combo", COMBOS, ids=IDS)
@pytest.mark.parametrize("macro", ["module_init", "module_exit", "MODULE_LICENSE", "MODULE_AUTHOR"])
def test_declarations_match_the_object_file(combo, macro):
    lto, prel32, module = combo
    config = RunConfig(source=HELLO, macro=macro, lto=lto, prel32=prel32, module=module)
    trace, _ = run_trace(config)
    rows, obj = verify(config, trace)
    for checks in rows:
        assert checks, "no declarations"
        for d, status, detail in checks:
            assert status in ("ok", "expected absent"), "%s %s: %s" % (d.kind, d.name, detail)
    if not module and macro == "module_init":
        assert any(s.startswith(".initcall6.init") for s in obj["sections"])
    if macro == "MODULE_LICENSE":
        assert ("license=GPL" if module else "hello.license=GPL") in obj["modinfo"]


def test_verify_option_reports_no_mismatch():
    status, out, err = run_macrotrace(["module_init", HELLO, "--prel32", "--lto", "--verify", "--color", "never"])
    assert status == 0, err
    assert "declares:" in out and "verified against the object file" in out
    assert out.rstrip().endswith("0 mismatches")
