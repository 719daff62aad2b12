"""What the expansion becomes: the declarations table, checked against a real object file."""

import itertools
import json
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


def test_verify_keeps_json_and_html_whole(tmp_path):
    """--verify with a machine format: stdout stays one JSON document (the check goes to
    stderr); the HTML report shows the check inside the page."""
    status, out, err = run_macrotrace(["module_init", HELLO, "--verify", "--format", "json"])
    assert status == 0, err
    assert json.loads(out)["invocations"][0]["result"]
    assert "0 mismatches" in err
    page = tmp_path / "r.html"
    status, out, err = run_macrotrace(["module_init", HELLO, "--verify", "--format", "html", "-o", str(page)])
    assert status == 0, err
    html = page.read_text()
    assert html.rstrip().endswith("</html>")
    assert ".initcall6.init" in html


def test_initcall_order_across_files(tmp_path):
    (tmp_path / "drv1.c").write_text(
        "#include <linux/init.h>\n#include <linux/module.h>\n"
        "static int __init a_late(void) { return 0; }\nstatic int __init a_core(void) { return 0; }\n"
        "late_initcall(a_late);\ncore_initcall(a_core);\nstatic int __init a_dev(void) { return 0; }\n"
        "module_init(a_dev);\n")
    (tmp_path / "drv2.c").write_text(
        "#include <linux/init.h>\nstatic int __init b_sync(void) { return 0; }\n"
        "static int __init b_pure(void) { return 0; }\nstatic int __init b_early(void) { return 0; }\n"
        "core_initcall_sync(b_sync);\npure_initcall(b_pure);\nearly_initcall(b_early);\n"
        "static int __init b_core(void) { return 0; }\ncore_initcall(b_core);\nrootfs_initcall(b_pure);\n")
    for flags in ([], ["--lto", "--prel32"]):
        status, out, err = run_macrotrace(["initcalls", "drv1.c", "drv2.c", "--format", "json"] + flags,
                                          cwd=str(tmp_path))
        assert status == 0, err
        import json
        calls = json.loads(out)
        assert [c["function"] for c in calls] == ["b_early", "b_pure", "a_core", "b_core", "b_sync",
                                                  "b_pure", "a_dev", "a_late"]
        assert [c["level"] for c in calls] == ["early", "0", "1", "1", "1s", "rootfs", "6", "7"]
    status, out, _ = run_macrotrace(["initcalls", "drv1.c", "--module", "--format", "json"], cwd=str(tmp_path))
    calls = json.loads(out)
    assert all(c["level"] is None for c in calls) and "do_init_module" in calls[0]["note"]


def test_expressions_say_they_declare_nothing():
    trace, _ = run_trace(RunConfig(source=HELLO, macro="pr_info"))
    assert trace.invocations
    for inv in trace.invocations:
        assert [(d.kind, d.note) for d in inv.declarations] == [("not a declaration", "an expression, not a declaration")]
