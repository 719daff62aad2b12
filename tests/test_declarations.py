"""What the expansion becomes: the declarations table, checked against a real object file."""

import itertools
import json
import os
import shutil

import pytest

from difftest import run_macrotrace
from test_kernel import TREE as KERNEL_TREE

from macrotrace.config import RunConfig
from macrotrace.declarations import declarations
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


# What the declarations reader makes of GNU C the kernel's macros produce.

@pytest.mark.parametrize("text, expected", [
    # typeof in the specifiers, the alias attribute after the declarator (MODULE_DEVICE_TABLE)
    ('extern typeof(ids) __mod_spi__ids_device_table __attribute__ ((unused, alias("ids")));',
     [("alias", "__mod_spi__ids_device_table", "typeof(ids)", None, None)]),
    # an attribute before everything (DEFINE_PER_CPU)
    ('__attribute__((section(".data..percpu" ""))) __typeof__(struct llist_head) raised_list;',
     [("variable", "raised_list", "__typeof__(struct llist_head)", ".data..percpu", None)]),
    # a compound literal of a type pycparser has never heard of (DEFINE_SPINLOCK)
    ("spinlock_t lock = (spinlock_t) { { .rlock = { .raw_lock = { { .val = { (0) } } }, } } };",
     [("variable", "lock", "spinlock_t", None, "(spinlock_t){{.rlock = {.raw_lock = {{.val = {0}}}}}}")]),
    # casts to types pycparser has never heard of, written with a space (DEFINE_IDA)
    ("struct ida i = { .xa_flags = ((( gfp_t)4U) | (( gfp_t)((1U << 27) << ( unsigned)((( xa_mark_t)0U))))) };",
     [("variable", "i", "struct ida", None,
       ".xa_flags = ((gfp_t) 4U) | ((gfp_t) ((1U << 27) << ((unsigned) ((xa_mark_t) 0U))))")]),
    # a statement expression and a range designator in initializers
    ("int x = ({ int a = 1; a; }), y[] = { [0 ... 3] = 1 };",
     [("variable", "x", "int", None, "({ int a = 1; a; })"), ("variable", "y", "int []", None, "[0 ... 3] = 1")]),
    # GNU keywords, an attribute between the declarator and the body, asm in the body
    ("static __inline__ __attribute__((cold)) int f(void) __attribute__((x)) "
     "{ asm volatile(\"nop\"); return ({ 1; }); }",
     [("function definition", "f", "int f(void)", None, None)]),
    ("static __thread int __seg_gs counter __asm__(\"c\");",
     [("variable", "counter", "int", None, None)]),
    ("_Static_assert(sizeof(int) == 4, \"int\");", [("static_assert", "", "", None, "sizeof(int) == 4, \"int\"")]),
    ("typedef struct { int a; } __attribute__((packed)) box_t;", [("typedef", "box_t", "struct { int a; }", None, None)]),
])
def test_gnu_c_reads_as_declarations(text, expected):
    got = [(d.kind, d.name, d.type, d.section, d.initializer) for d in declarations(text)]
    assert got == expected


def test_export_table_asm_gives_each_label_its_section():
    """EXPORT_SYMBOL's assembler: the strings in __ksymtab_strings, the PREL32 entry in
    ___ksymtab+NAME with its relocation (sections switched with .section, .previous,
    .pushsection and .popsection)."""
    text = ('asm("\\t.section \\"__ksymtab_strings\\",\\"aMS\\",%progbits,1\\n" "__kstrtab_f:\\n" '
            '"\\t.asciz \\"f\\"\\n" "__kstrtabns_f:\\n" "\\t.asciz \\"\\"\\n" "\\t.previous\\n");'
            'asm("\\t.pushsection \\"___ksymtab+f\\", \\"a\\"\\n\\t.balign 4\\n__ksymtab_f:\\n'
            '\\t.long\\tf - .\\n\\t.long\\t__kstrtab_f - .\\n\\t.popsection\\n");')
    got = [(d.kind, d.name, d.section, d.type, d.relocation) for d in declarations(text)]
    assert got == [("asm entry", "__kstrtab_f", "__ksymtab_strings", "string", None),
                   ("asm entry", "__kstrtabns_f", "__ksymtab_strings", "string", None),
                   ("asm entry", "__ksymtab_f", "___ksymtab+f", "int (32-bit place-relative offset)",
                    "R_X86_64_PC32 against f")]


@pytest.mark.parametrize("text, note", [
    ("A", "an expression, not a declaration"),
    ('printk("\\001" "6" "hi")', "an expression, not a declaration"),
    ("(void)x", "an expression, not a declaration"),
    ("({ int a = 1; a; })", "an expression, not a declaration"),
    ("do { x(); } while (0)", "a statement, not a declaration"),
    ("{ x(); }", "a statement, not a declaration"),
    ("{ .start = 1, .end = 2, }", "an initializer, not a declaration"),
])
def test_what_is_not_a_declaration_says_so(text, note):
    assert [(d.kind, d.note) for d in declarations(text)] == [("not a declaration", note)]


def test_unreadable_text_says_so_without_a_parser_message():
    rows = declarations("int int int = ;")
    assert [d.kind for d in rows] == ["unparsed"]
    assert rows[0].note == "macrotrace could not read `int int int =` as C declarations"


def test_a_macro_cycle_at_file_scope_is_an_expression(tmp_path):
    """#define A B / #define B A: the result `A` is named for what it is."""
    src = tmp_path / "cycle.c"
    src.write_text("#define A B\n#define B A\nA\n")
    status, out, err = run_macrotrace(["A", str(src), "--color", "never"])
    assert status == 0, err
    assert "declares:\n     nothing: an expression, not a declaration" in out
    assert "pycparser" not in out


# A corpus of real kernel units (tests/decl_corpus.py): every file-scope result of the
# MODULE_*, module_*, *_initcall, EXPORT_SYMBOL*, DEFINE_* families reads as
# declarations, and --verify finds each where the table says in Kbuild's object.

def _source_tarball():
    import glob
    found = sorted(glob.glob("/usr/src/linux-source-*.tar.xz"))
    return found[-1] if found else None


@pytest.fixture(scope="module")
def kernel_corpus(tmp_path_factory):
    import decl_corpus
    tree, tarball = KERNEL_TREE, _source_tarball()
    if tree is None or shutil.which("make") is None:
        pytest.skip("no kernel headers: apt-get install linux-headers-amd64 make")
    if tarball is None:
        pytest.skip("no kernel source: apt-get install linux-source-6.1")
    d = str(tmp_path_factory.mktemp("corpus"))
    built = decl_corpus.build_corpus(tarball, decl_corpus.KERNEL_FILES, d, tree)
    assert len(built) >= len(decl_corpus.KERNEL_FILES) - 2, "most units build: %s" % os.listdir(d)
    return d


@pytest.mark.kernel
def test_kernel_corpus_reads_and_matches_the_objects(kernel_corpus):
    import io
    import decl_corpus
    report = io.StringIO()
    counts = decl_corpus.survey([kernel_corpus], out=report, verify=True)
    print(report.getvalue())
    assert counts["file_scope"] > 300 and counts["file_scope_read"] == counts["file_scope"], report.getvalue()
    assert counts["inner"] > 0 and counts["inner_said"] == counts["inner"], report.getvalue()
    families = {"EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "MODULE_LICENSE", "MODULE_DEVICE_TABLE",
                "MODULE_ALIAS_CRYPTO", "module_init", "module_exit", "module_param", "module_platform_driver",
                "subsys_initcall", "late_initcall", "DEFINE_MUTEX", "DEFINE_SPINLOCK", "DEFINE_PER_CPU",
                "DEFINE_STATIC_KEY_FALSE", "DEFINE_WAIT"}
    assert families <= set(counts["macros"]), families - set(counts["macros"])
    assert counts["mismatches"] == 0, report.getvalue()
    assert "pycparser" not in report.getvalue()
