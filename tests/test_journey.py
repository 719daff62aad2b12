"""The whole journey (issue 16): from module_init to the call at boot or at insmod, and
the fixes it needed on the way (--verify on a file that does not compile, initcalls with
--kernel-tree, --kernel-tree defining MODULE)."""

import json
import os
import re
import shutil
import subprocess

import pytest

from difftest import first_difference, run_macrotrace
from test_kernel import HELLO as KERNEL_HELLO, TREE

from macrotrace.compile_command import without_output
from macrotrace.journey.lds import PROBE_LDS_S
from macrotrace.journey.model import Journey

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HELLO = os.path.join(ROOT, "examples", "hello.c")
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")

BROKEN = """#include <linux/init.h>
#include <linux/module.h>

static int __init broken_init(void)
{
\treturn no_such_variable;
}
module_init(broken_init);
"""


@needs_gcc
def test_verify_fails_when_the_file_does_not_compile(tmp_path):
    """The trace succeeds (the preprocessor has nothing against the file) but the compile
    fails: --verify says so with gcc's first error line and exits non-zero."""
    src = tmp_path / "broken.c"
    src.write_text(BROKEN)
    status, out, err = run_macrotrace(["module_init", str(src), "--verify", "--color", "never"])
    assert status != 0
    assert "broken.c:6:" in err and "error:" in err and "no_such_variable" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1




def needs_tree(test):
    """A test on Debian's linux-headers (Kbuild is run): skipped, with the reason, without."""
    for mark in (pytest.mark.kernel,
                 pytest.mark.skipif(TREE is None, reason="no kernel headers: apt-get install linux-headers-amd64"),
                 pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")):
        test = mark(test)
    return test

DRIVER = """#include <linux/init.h>
#include <linux/module.h>
static int __init {n}_init(void) {{ return 0; }}
late_initcall({n}_init);
static int __init {n}_early(void) {{ return 0; }}
core_initcall({n}_early);
"""


@pytest.mark.parametrize("builtin", [True, False])
@needs_tree
def test_initcalls_relative_paths_on_a_kernel_tree(tmp_path, builtin):
    """initcalls FILE... --kernel-tree with paths relative to the working directory:
    every file is compiled as Kbuild compiles it, with its own KBUILD_MODNAME; as Kbuild
    builds an out-of-tree module, MODULE is defined unless --builtin."""
    for n in ("drv_a", "drv_b"):
        (tmp_path / (n + ".c")).write_text(DRIVER.format(n=n))
    args = ["initcalls", "drv_a.c", "drv_b.c", "--kernel-tree", TREE, "--format", "json"]
    status, out, err = run_macrotrace(args + (["--builtin"] if builtin else []), cwd=str(tmp_path))
    assert status == 0, err
    calls = json.loads(out)
    assert [c["function"] for c in calls] == (
        ["drv_a_early", "drv_b_early", "drv_a_init", "drv_b_init"] if builtin else
        ["drv_a_init", "drv_a_early", "drv_b_init", "drv_b_early"])
    for c in calls:
        stem = c["file"].split(".")[0]
        assert c["file"] in ("drv_a.c", "drv_b.c")
        if builtin:
            # each file's own module name is in its entry's name: kmod_drv_a, kmod_drv_b
            assert c["entry"].startswith("__initcall__kmod_%s__" % stem), c
            assert c["level"] in ("1", "7")
        else:
            assert c["level"] is None and "init_module" in c["note"]


# -- the journey on the bundled headers --------------------------------------------

def journey(args, cwd=None):
    status, out, err = run_macrotrace(["journey"] + args + ["--format", "json"], cwd=cwd)
    assert status == 0, err
    data = json.loads(out)
    assert Journey.from_dict(data).to_dict() == data        # JSON both ways
    return data


def stations(chain):
    return {st["key"]: st for st in chain["stations"]}


def facts(station):
    return {f["label"]: f["value"] for f in station["facts"]}


@needs_gcc
@pytest.mark.parametrize("flags", [[], ["--lto"], ["--lto", "--prel32"]], ids=["plain", "lto", "lto-prel32"])
def test_builtin_journey_on_the_bundled_headers(flags):
    data = journey([HELLO] + flags)
    [chain] = data["chains"]
    assert (chain["function"], chain["macro"], chain["side"]) == ("hello_init", "module_init", "built-in")
    st = stations(chain)
    assert [s["key"] for s in chain["stations"]] == ["expansion", "declaration", "object", "linker-script", "boot"]
    assert facts(st["expansion"])["spine"].startswith("module_init \u2192 __initcall \u2192 device_initcall")
    section = facts(st["declaration"])["section"]
    if "--lto" in flags:
        assert re.fullmatch(r"\.initcall6\.init\.\.kmod_hello__\d+_20_hello_init", section), section
    else:
        assert section == ".initcall6.init"
    # the object file really has the entry in that section, with its relocation
    obj = facts(st["object"])
    assert st["object"]["status"] == "ok"
    if "--prel32" in flags:
        # the asm entry: a 32-bit offset to the LTO stub that calls hello_init
        stub = re.search(r"__initstub__kmod_hello__\d+_20_hello_init6", facts(st["declaration"])["stub"]).group()
        target = "R_X86_64_PC32 against .init.text + 0x[0-9a-f]+ \\(= %s\\)|R_X86_64_PC32 against %s" % (stub, stub)
    else:
        target = "R_X86_64_64 against .init.text \\(= hello_init\\)"
    assert re.match(r"__initcall__kmod_hello__\d+_20_hello_init6 in %s at 0x0, (%s)$"
                    % (re.escape(section), target), obj["entry"]), obj["entry"]
    assert section in obj["sections"].split()
    lds = facts(st["linker-script"])
    assert lds["level"] == "6 \u2014 device"
    assert lds["start symbol"] == "__initcall6_start"
    assert lds["initcall_level_names[6]"].startswith('"device"')
    assert lds["rule"] == "KEEP(*(.initcall6.init))"
    assert ("tmp_initcalls.lds" in lds["CONFIG_LTO_CLANG"])
    # the rule, traced from the bundled model of asm-generic/vmlinux.lds.h as a linker script
    assert lds["traced rule"] == ("INIT_CALLS_LEVEL(6) \u2192 __initcall6_start = .; KEEP(*(.initcall6.init)) "
                                  "KEEP(*(.initcall6s.init))")
    assert lds["defined at"].startswith("headers/asm-generic/vmlinux.lds.h:")
    boot = facts(st["boot"])
    assert boot["kernel"] == "Linux 6.1"
    assert boot["chain"].startswith("start_kernel") and boot["chain"].endswith("do_one_initcall \u2192 hello_init")


@needs_gcc
def test_module_journey_on_the_bundled_headers():
    data = journey([HELLO, "--module"])
    [chain] = data["chains"]
    assert chain["side"] == "module"
    st = stations(chain)
    assert [s["key"] for s in chain["stations"]] == ["expansion", "declaration", "object", "mod.c", "ko", "insmod"]
    decl = facts(st["declaration"])
    assert decl["alias"] == "int init_module(void) is an alias of hello_init"
    assert "in .init.data" in decl["anchor"] and "init_module" in decl["anchor"]
    obj = facts(st["object"])
    assert obj["init_module"].endswith("the address of hello_init: an alias")
    assert re.match(r"__UNIQUE_ID___addressable_init_module\d+ in \.init\.data, R_X86_64_64 against init_module$",
                    obj["anchor"]), obj["anchor"]
    modc = facts(st["mod.c"])
    assert modc[".init"] == "init_module" and modc[".name"] == '"hello"'
    assert modc["section"] == ".gnu.linkonce.this_module"
    assert "model" in modc["file"]
    films = [e for e in st["mod.c"]["evidence"] if e["kind"] == "film"]
    assert any(e["steps"][-1]["text"] == '"hello"' for e in films)         # KBUILD_MODNAME, traced
    # no .ko without Kbuild: said, with how to get one, and the journey goes on
    assert st["ko"]["status"] == "missing" and "make -C KDIR M=$PWD modules" in st["ko"]["missing"]
    insmod = facts(st["insmod"])
    assert "load_module \u2192 do_init_module \u2192 do_one_initcall \u2192 hello_init" in insmod["chain"]


@needs_gcc
def test_journey_text_and_matrix():
    status, out, err = run_macrotrace(["journey", HELLO, "--matrix", "--color", "never"])
    assert status == 0, err
    assert "hello_init \u2014 module_init at examples/hello.c:20, built-in" in out
    assert "hello_init \u2014 module_init at examples/hello.c:20, module" in out
    assert "do_initcall_level(6) runs hello_init's entry" in out
    assert ".init: init_module" in out
    assert "missing: a .ko is linked by Kbuild" in out


def test_journey_of_a_file_without_initcalls(tmp_path):
    src = tmp_path / "plain.c"
    src.write_text("int x;\n")
    status, out, err = run_macrotrace(["journey", str(src)])
    assert status == 2 and "no initcall" in err and "Traceback" not in err


@needs_gcc
def test_journey_says_when_the_file_does_not_compile(tmp_path):
    src = tmp_path / "broken.c"
    src.write_text(BROKEN)
    data = journey([str(src)])
    st = stations(data["chains"][0])
    assert st["object"]["status"] == "missing"
    assert "broken.c:6:" in st["object"]["missing"] and "no_such_variable" in st["object"]["missing"]
    assert st["boot"]["status"] == "ok"                     # the rest is still shown


# -- the journey of a module Kbuild built (Debian's linux-headers-amd64) -----------

def _kbuild(directory, strip=False):
    (directory / "hello.c").write_text(KERNEL_HELLO)
    (directory / "Makefile").write_text("obj-m := hello.o\n")
    proc = subprocess.run(["make", "-C", TREE, "M=%s" % directory, "modules"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    if strip:
        subprocess.run(["objcopy", "--strip-debug", str(directory / "hello.ko")], check=True)
    return directory


@pytest.fixture(scope="module")
def kbuilt(tmp_path_factory):
    return _kbuild(tmp_path_factory.mktemp("journey"))


def readelf(*args):
    return subprocess.run(["readelf"] + list(args), capture_output=True, text=True, check=True).stdout


def dwarf_member_offset(ko, struct, member):
    """The member's offset in the .ko's DWARF, read from readelf's dump (not pyelftools)."""
    dump = readelf("--debug-dump=info", "-W", str(ko))
    entries = re.split(r"\n(?= <\d+><[0-9a-f]+>:)", dump)
    for k, e in enumerate(entries):
        if "DW_TAG_structure_type" in e and re.search(r"DW_AT_name\s*:.*\b%s\b\s*$" % struct, e, re.M) and \
                "DW_AT_declaration" not in e:
            for m in entries[k + 1:]:
                if "DW_TAG_member" not in m:
                    if re.match(r" <1>", m):
                        break
                    continue
                if re.search(r"DW_AT_name\s*:.*\b%s\s*$" % member, m, re.M):
                    value = re.search(r"DW_AT_data_member_location\s*:\s*(?:\(\w+\)\s*)?(\S+)", m).group(1)
                    return int(value, 0)
    return None


@needs_tree
def test_module_journey_reads_the_real_artifacts(kbuilt):
    data = journey(["hello.c", "--kernel-tree", TREE], cwd=str(kbuilt))
    [chain] = data["chains"]
    assert chain["side"] == "module" and chain["switches"]["MODULE"]    # --kernel-tree: a module
    st = stations(chain)
    assert all(s["status"] == "ok" for s in chain["stations"]), [(s["key"], s["missing"]) for s in chain["stations"]]
    # the object file: init_module at hello_init's address, as readelf -s says
    syms = {}
    for line in readelf("-sW", str(kbuilt / "hello.o")).splitlines():
        parts = line.split()
        if len(parts) >= 8:
            syms[parts[7]] = (parts[1], parts[6])
    assert syms["init_module"] == syms["hello_init"]
    assert facts(st["object"])["init_module"].endswith("the address of hello_init: an alias")
    # the real hello.mod.c, preprocessed with Kbuild's command for it
    modc = facts(st["mod.c"])
    assert modc["file"] == "hello.mod.c" and modc[".init"] == "init_module" and modc[".exit"] == "cleanup_module"
    # the .ko: the relocation readelf -r shows, and the field the debug information names
    block = readelf("-rW", str(kbuilt / "hello.ko")).split(
        "Relocation section '.rela.gnu.linkonce.this_module'")[1].split("Relocation section")[0]
    rel = re.search(r"^([0-9a-f]+)\s+\S+\s+R_X86_64_64\s+\S+\s+init_module \+ 0$", block, re.M)
    offset = int(rel.group(1), 16)
    ko = facts(st["ko"])
    assert "offset 0x%x R_X86_64_64 against init_module" % offset in [f["value"] for f in st["ko"]["facts"]]
    assert offset == dwarf_member_offset(kbuilt / "hello.ko", "module", "init")
    assert ko["field"].startswith("0x%x = struct module.init (int (*)(void)" % offset), ko["field"]


@needs_tree
def test_module_journey_without_debug_info(tmp_path):
    d = _kbuild(tmp_path, strip=True)
    data = journey(["hello.c", "--kernel-tree", TREE], cwd=str(d))
    st = stations(data["chains"][0])
    assert st["ko"]["status"] == "missing"
    assert "no debug information" in st["ko"]["missing"] and "CONFIG_DEBUG_INFO" in st["ko"]["missing"]
    assert "relocation" in facts(st["ko"])                       # what there is, still shown
    assert st["insmod"]["status"] == "ok"


@needs_tree
def test_module_journey_before_the_module_is_built(tmp_path):
    (tmp_path / "hello.c").write_text(KERNEL_HELLO)
    data = journey(["hello.c", "--kernel-tree", TREE], cwd=str(tmp_path))
    st = stations(data["chains"][0])
    assert st["object"]["status"] == "ok"                        # compiled with Kbuild's command
    for key in ("mod.c", "ko"):
        assert st[key]["status"] == "missing" and "make -C KDIR M=$PWD modules" in st[key]["missing"]


def linker_script_film(station):
    [film] = [e for e in station["evidence"] if e["kind"] == "film"]
    return film["steps"]


@needs_gcc
def test_linker_script_film_equals_gcc_on_the_bundled_model(tmp_path):
    """The traced INIT_CALLS is what gcc -E -P -x assembler-with-cpp makes of the model."""
    data = journey([HELLO])
    steps = linker_script_film(stations(data["chains"][0])["linker-script"])
    probe = tmp_path / "probe.lds.S"
    probe.write_text(PROBE_LDS_S)
    gcc = subprocess.run(["gcc", "-E", "-P", "-x", "assembler-with-cpp", "-undef", "-nostdinc",
                          "-I", os.path.join(ROOT, "headers"), "-Ux86", "-D__ASSEMBLY__", "-DLINKER_SCRIPT",
                          str(probe)], capture_output=True, text=True, check=True).stdout
    assert first_difference(steps[-1]["text"], gcc) is None
    assert "INIT_CALLS_LEVEL" in [s["macro"] for s in steps]


@needs_tree
def test_builtin_journey_on_a_kernel_tree(kbuilt):
    """--builtin: the tree's own vmlinux.lds.h, preprocessed with Kbuild's command for linker
    scripts; the film's result is what Kbuild's gcc makes of it."""
    from macrotrace.kernel_tree import probe_command
    data = journey(["hello.c", "--kernel-tree", TREE, "--builtin"], cwd=str(kbuilt))
    [chain] = data["chains"]
    assert chain["side"] == "built-in" and not chain["switches"]["MODULE"]
    st = stations(chain)
    assert all(s["status"] == "ok" for s in chain["stations"]), [(s["key"], s["missing"]) for s in chain["stations"]]
    assert facts(st["declaration"])["section"] == ".initcall6.init"
    assert "R_X86_64_PC32" in facts(st["object"])["entry"]       # Debian's 6.1 has PREL32 relocations
    lds = facts(st["linker-script"])
    assert lds["defined at"].startswith("include/asm-generic/vmlinux.lds.h:")
    assert lds["traced rule"].startswith("INIT_CALLS_LEVEL(6) \u2192 __initcall6_start = .;")
    argv, build_dir = probe_command(TREE, "lds")
    probe = kbuilt / "macrotrace_probe.lds.S"
    probe.write_text(PROBE_LDS_S)
    argv = [a.replace("@DIR@/", str(kbuilt) + "/") for a in argv]
    gcc = subprocess.run(without_output(argv), capture_output=True, text=True, cwd=build_dir, check=True).stdout
    steps = linker_script_film(st["linker-script"])
    assert first_difference(steps[-1]["text"], gcc) is None
    assert "__initcall6_start = .;" in gcc


@needs_tree
def test_journey_matrix_on_a_kernel_tree(kbuilt):
    data = journey(["hello.c", "--kernel-tree", TREE, "--matrix"], cwd=str(kbuilt))
    assert [c["side"] for c in data["chains"]] == ["built-in", "module"]
    assert stations(data["chains"][0])["boot"]["status"] == "ok"
    assert facts(stations(data["chains"][1])["ko"])["field"].startswith("0x138 = struct module.init")


# -- the HTML page, in a real browser (Debian's Chromium, headless) ----------------

@needs_gcc
def test_journey_page_in_chromium(tmp_path):
    from test_browser import CHROMIUM, DRIVER, FLAGS, webdriver
    if webdriver is None or not CHROMIUM or not DRIVER:
        pytest.skip("chromium, chromedriver and selenium are needed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    page = tmp_path / "journey.html"
    status, _, err = run_macrotrace(["journey", HELLO, "--matrix", "--format", "html", "-o", str(page)])
    assert status == 0, err
    text = page.read_text()
    assert "http://" not in text and "https://" not in text          # nothing fetched
    data = journey([HELLO, "--matrix"])
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + ("--user-data-dir=" + str(tmp_path / "profile"),):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.get(page.as_uri())
        sides = driver.find_elements(By.CSS_SELECTOR, ".sides.n2 > .side")
        assert [s.find_element(By.TAG_NAME, "h3").text.split()[0] for s in sides] == ["built-in", "module"]
        # side by side: the two paths start at the same height, the module one to the right
        assert sides[0].rect["y"] == sides[1].rect["y"] and sides[1].rect["x"] > sides[0].rect["x"]
        for side, chain in zip(sides, data["chains"]):
            shown = side.find_elements(By.CSS_SELECTOR, "ol.path > li.station")
            assert [li.get_attribute("class").split()[1] for li in shown] == [s["status"] for s in chain["stations"]]
            titles = [li.find_element(By.CSS_SELECTOR, "summary .title").text for li in shown]
            assert titles == [s["title"] for s in chain["stations"]]
        # closed stations hide their evidence; "open every station" shows it
        film = driver.find_element(By.CSS_SELECTOR, ".side.built-in details.evidence.film")
        assert not film.is_displayed()
        driver.find_element(By.ID, "open-all").click()
        assert film.is_displayed()
        lds = driver.find_element(By.ID, "s1-built-in-linker-script")
        assert "INIT_CALLS_LEVEL(6)" in lds.text and "__initcall6_start" in lds.text and '"device"' in lds.text
        modc = driver.find_element(By.ID, "s1-module-mod.c")
        assert "init_module" in modc.text
        # a missing artifact is open from the start and says how to get it
        driver.find_element(By.ID, "close-all").click()
        driver.get(page.as_uri())
        ko = driver.find_element(By.ID, "s1-module-ko")
        assert "make -C KDIR M=$PWD modules" in ko.find_element(By.CLASS_NAME, "missing-note").text
    finally:
        driver.quit()


# -- the 6.1 call chains, against the kernel's own source ----------------------------

SOURCE_TARBALL = "/usr/src/linux-source-6.1.tar.xz"


@pytest.fixture(scope="module")
def linux_source(tmp_path_factory):
    if not os.path.exists(SOURCE_TARBALL):
        pytest.skip("no %s (apt-get install linux-source-6.1)" % SOURCE_TARBALL)
    d = tmp_path_factory.mktemp("linux-source")
    # --occurrence: tar stops reading the archive once it has the three files
    subprocess.run(["tar", "-xJf", SOURCE_TARBALL, "-C", str(d), "--occurrence=1"] +
                   ["linux-source-6.1/" + f for f in ("init/main.c", "kernel/module/main.c",
                                                      "include/asm-generic/vmlinux.lds.h")], check=True)
    return d / "linux-source-6.1"


def source_line(root, where):
    path, line = where.rsplit(":", 1)
    return (root / path).read_text().splitlines()[int(line) - 1]


@pytest.mark.kernel
def test_call_chains_are_those_of_linux_6_1(linux_source):
    from macrotrace.journey import chains
    for call in chains.BOOT + chains.BOOT_EARLY + chains.INSMOD:
        if call.defined.startswith("kmod:"):
            continue                                    # user space: not in the kernel's source
        name = call.function
        defined = source_line(linux_source, call.defined)
        if name.startswith("SYSCALL_DEFINE"):
            assert defined.startswith(name.replace(")", ",")), (call, defined)
        else:
            # the definition: "void start_kernel(void)", "static int __ref kernel_init(void *unused)"...
            assert re.search(r"\b%s\(" % name, defined) and not defined.rstrip().endswith(";"), (call, defined)
        called = re.match(r"(?:ret = )?(\w+)\(", call.call).group(1)
        assert re.search(r"\b%s\(" % called, source_line(linux_source, call.at)), call
    text = (linux_source / "init/main.c").read_text().splitlines()
    k = int(chains.INITCALL_LEVELS_AT.split(":")[1]) - 1
    assert "initcall_levels[]" in text[k]
    assert [l.strip().rstrip(",") for l in text[k + 1:k + 10]] == [
        "__initcall%d_start" % n for n in range(8)] + ["__initcall_end"]
    k = int(chains.INITCALL_LEVEL_NAMES_AT.split(":")[1]) - 1
    assert "initcall_level_names[]" in text[k]
    assert [l.strip().rstrip(",").strip('"') for l in text[k + 1:k + 9]] == list(chains.LEVEL_NAMES)


@pytest.mark.kernel
def test_bundled_vmlinux_lds_model_is_faithful(linux_source):
    """INIT_CALLS_LEVEL, INIT_CALLS and CON_INITCALL are 6.1's, token for token."""
    from difftest import tokens

    def definitions(text):
        text = text.replace("\\\n", " ")
        return {m.group(1): tokens(m.group(2)) for m in
                re.finditer(r"^#define\s+(INIT_CALLS_LEVEL|INIT_CALLS|CON_INITCALL)\b(.*)$", text, re.M)}
    model = definitions(open(os.path.join(ROOT, "headers", "asm-generic", "vmlinux.lds.h")).read())
    real = definitions((linux_source / "include/asm-generic/vmlinux.lds.h").read_text())
    assert set(model) == {"INIT_CALLS_LEVEL", "INIT_CALLS", "CON_INITCALL"}
    for name, toks in model.items():
        assert toks == real[name], name


LEVELS = """#include <linux/init.h>
#include <linux/module.h>
static int __init a_early(void) { return 0; }
early_initcall(a_early);
static int __init b_root(void) { return 0; }
rootfs_initcall(b_root);
static int __init c_sync(void) { return 0; }
device_initcall_sync(c_sync);
static int __init d_dev(void) { return 0; }
device_initcall(d_dev);
static int __init e_dev(void) { return 0; }
module_init(e_dev);
"""


@needs_gcc
def test_journey_levels_early_rootfs_sync_and_position(tmp_path):
    src = tmp_path / "levels.c"
    src.write_text(LEVELS)
    data = journey([str(src)])
    by = {c["function"]: stations(c) for c in data["chains"]}
    assert list(by) == ["a_early", "b_root", "c_sync", "d_dev", "e_dev"]
    early = facts(by["a_early"]["linker-script"])
    assert early["start symbol"] == "__initcall_start"
    assert early["traced rule"] == ("INIT_CALLS \u2192 __initcall_start = .; KEEP(*(.initcallearly.init)) "
                                    "(before INIT_CALLS_LEVEL(0))")
    assert "do_pre_smp_initcalls" in facts(by["a_early"]["boot"])["chain"]
    root = facts(by["b_root"]["linker-script"])
    assert "initcall_levels[5]" in root and "end of level 5" in root["note"]
    assert by["b_root"]["boot"]["summary"] == "do_initcall_level(5) runs b_root's entry"
    sync = facts(by["c_sync"]["linker-script"])
    assert sync["rule"] == "KEEP(*(.initcall6s.init))" and sync["traced rule"].endswith("KEEP(*(.initcall6s.init))")
    assert sync["level"] == "6s \u2014 device_sync"
    assert facts(by["d_dev"]["linker-script"])["position"].startswith("1 of 2 initcalls of this file at level 6 ")
    assert facts(by["e_dev"]["linker-script"])["position"].startswith("2 of 2 initcalls of this file at level 6 ")
    for st in by.values():
        assert all(s["status"] == "ok" for s in st.values())
