"""CI workflow: snapshots, macrotrace diff, macrotrace check."""

import json
import os
import xml.etree.ElementTree as ET

import pytest

from difftest import run_macrotrace

HEADER = """#ifndef SEC_H
#define SEC_H
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define ___PASTE(a,b) a##b
#define __PASTE(a,b) ___PASTE(a,b)
#ifdef CONFIG_LTO_CLANG
#define SECTION(sec, id) #sec ".init.." __stringify(id)
#else
#define SECTION(sec, id) #sec ".init"
#endif
#define REGISTER(fn, lvl) static int (*__PASTE(__call_, fn))(void) \\
    __attribute__((section(SECTION(.initcall##lvl, fn)))) = fn;
#endif
"""
SOURCE = '#include "sec.h"\nint a(void);\nREGISTER(a, 6)\nREGISTER(a2, 7)\n'


def project(root):
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "sec.h"), "w") as fh:
        fh.write(HEADER)
    with open(os.path.join(root, "drv.c"), "w") as fh:
        fh.write(SOURCE)
    return root


def snapshot(root, extra=(), name="drv.REGISTER.json"):
    os.makedirs(os.path.join(root, "expansions"), exist_ok=True)
    out = os.path.join("expansions", name)
    status, _, err = run_macrotrace(["REGISTER", "drv.c", "--no-bundled-headers", "--format", "json",
                                     "-o", out] + list(extra), cwd=root)
    assert status == 0, err
    return os.path.join(root, out)


def test_identical_snapshots_compare_equal(tmp_path):
    root = project(str(tmp_path / "p"))
    a = snapshot(root, name="a.json")
    b = snapshot(root, name="b.json")
    status, out, err = run_macrotrace(["diff", a, b])
    assert status == 0 and out == "", out + err


def test_snapshots_made_in_two_directories_are_identical(tmp_path):
    a = snapshot(project(str(tmp_path / "one")))
    b = snapshot(project(str(tmp_path / "elsewhere" / "two")))
    assert open(a).read() == open(b).read()
    text = open(a).read()
    assert str(tmp_path) not in text
    status, _, _ = run_macrotrace(["diff", a, b])
    assert status == 0


def test_header_edit_shows_as_one_changed_step(tmp_path):
    root = project(str(tmp_path / "p"))
    before = snapshot(root, name="before.json")
    with open(os.path.join(root, "sec.h")) as fh:
        header = fh.read()
    with open(os.path.join(root, "sec.h"), "w") as fh:
        fh.write(header.replace('#sec ".init"\n', '#sec ".init.late"\n'))
    after = snapshot(root, name="after.json")
    status, out, _ = run_macrotrace(["diff", before, after])
    assert status == 1
    removed = [l for l in out.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l for l in out.splitlines() if l.startswith("+") and not l.startswith("+++")]
    # per invocation: the result line and the one SECTION step
    assert len(removed) == len(added) == 4
    assert all("SECTION" in l or "result" in l for l in removed + added)
    assert any('".init.late"' in l for l in added)


def test_diff_of_two_flag_sets(tmp_path):
    root = project(str(tmp_path / "p"))
    status, out, err = run_macrotrace(["diff", "REGISTER", "drv.c", "--no-bundled-headers",
                                       "--a=", "--b=--lto"], cwd=root)
    assert status == 1, err
    assert '".initcall6" ".init.." "a"' in out


def test_check_passes_then_fails_then_updates(tmp_path):
    root = project(str(tmp_path / "p"))
    snapshot(root)
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 0, out + err
    assert out.startswith("ok")
    with open(os.path.join(root, "sec.h"), "a") as fh:
        fh.write("#undef SECTION\n#define SECTION(sec, id) \"moved\"\n")
    junit = os.path.join(root, "junit.xml")
    status, out, err = run_macrotrace(["check", "expansions", "--junit", junit], cwd=root)
    assert status == 1
    assert "CHANGED" in out and '"moved"' in out
    suite = ET.parse(junit).getroot()
    assert suite.get("failures") == "1" and suite.find("testcase/failure") is not None
    status, out, _ = run_macrotrace(["check", "expansions", "--format", "github"], cwd=root)
    assert status == 1
    lines = out.strip().splitlines()
    assert lines and all(l.startswith("::error file=drv.c,line=") for l in lines)
    status, out, _ = run_macrotrace(["check", "expansions", "--update"], cwd=root)
    assert status == 0 and "updated" in out
    status, _, _ = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 0


def test_matrix_snapshot_checks(tmp_path):
    root = project(str(tmp_path / "p"))
    snapshot(root, ["--matrix"], name="m.json")
    data = json.load(open(os.path.join(root, "expansions", "m.json")))
    assert data["kind"] == "matrix" and len(data["runs"]) == 8
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 0, out + err


def test_corrupt_and_hand_edited_snapshots_are_errors(tmp_path):
    root = project(str(tmp_path / "p"))
    path = snapshot(root)
    text = open(path).read()
    with open(path, "w") as fh:
        fh.write(text.replace('"a2"', '"a3"', 1))
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 2 and "edited by hand" in err
    with open(path, "w") as fh:
        fh.write(text[: len(text) // 2])
    status, _, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 2 and "not valid JSON" in err
    status, _, err = run_macrotrace(["diff", path, path])
    assert status == 2 and "not valid JSON" in err and len(err.strip().splitlines()) == 1
    with open(path, "w") as fh:
        json.dump({"tool": "something else"}, fh)
    status, _, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 2 and "not a macrotrace snapshot" in err


def test_snapshot_of_an_older_schema_is_named_and_updated(tmp_path):
    """A sound snapshot written by an older macrotrace (schema 1: full tree nodes) is not
    compared with today's layout: check says so and --update rewrites it from its command."""
    import hashlib
    from macrotrace.render.json import layout_text
    root = project(str(tmp_path / "p"))
    path = snapshot(root)
    with open(path) as fh:
        data = json.load(fh)
    del data["digest"]
    data["schema"] = 1
    text = layout_text(data)
    with open(path, "w") as fh:
        fh.write(text[:-2] + ',\n  "digest": "%s"\n}\n' % hashlib.sha256(text.encode()).hexdigest())
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 2 and "schema 1" in err and "--update" in err
    status, out, err = run_macrotrace(["check", "expansions", "--update"], cwd=root)
    assert status == 0 and "updated" in out, err
    with open(path) as fh:
        assert json.load(fh)["schema"] == 3
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 0 and out.startswith("ok"), out + err


# -- CI gates: renumbering is not a change, annotations where the code is now ----------

HELLO = os.path.join(os.path.dirname(__file__), "..", "examples", "hello.c")


def repository(root, files):
    """A directory with a .git (the repository root snapshots are relative to)."""
    os.makedirs(os.path.join(root, ".git"), exist_ok=True)
    for name, text in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
    return root


def edit(path, old, new):
    with open(path) as fh:
        text = fh.read()
    assert old in text, old
    with open(path, "w") as fh:
        fh.write(text.replace(old, new, 1))


def test_matrix_snapshot_is_small_and_loses_nothing(tmp_path):
    """The 8 configurations of hello.c's module_init have 5 distinct films: stored once
    each, the snapshot is under 100 KB (the plain JSON is over 400 KB) and reads back
    to the same matrix, step for step."""
    from macrotrace.snapshots import codec, layout
    root = repository(str(tmp_path / "r"), {"hello.c": open(HELLO).read()})
    status, out, err = run_macrotrace(["snapshot", "module_init", "hello.c", "-o", "exp", "--matrix"], cwd=root)
    assert status == 0, err
    path = os.path.join(root, "exp", "hello.c.module_init.json")
    assert os.path.getsize(path) <= 100_000, os.path.getsize(path)
    status, out, err = run_macrotrace(["module_init", "hello.c", "--matrix", "--format", "json"], cwd=root)
    assert status == 0, err
    plain = layout.loads(out, "<stdout>")
    assert len(out) > 400_000
    stored = codec.load(path).obj
    assert json.dumps(stored.to_dict(), sort_keys=True) == json.dumps(plain.to_dict(), sort_keys=True)
    data = json.load(open(path))
    assert len(data["content"]["runs"]) == 8
    assert len(data["tables"]["invocations"]) == 5      # the films


def test_inserted_lines_are_renumbering_not_a_change(tmp_path):
    root = repository(str(tmp_path / "r"), {"drivers/hello.c": open(HELLO).read()})
    status, out, err = run_macrotrace(["snapshot", "module_init", "drivers", "-o", "expansions", "--matrix"],
                                      cwd=root)
    assert status == 0 and "wrote expansions/drivers/hello.c.module_init.json" in out, out + err
    edit(os.path.join(root, "drivers/hello.c"), "#include <linux/init.h>",
         "// one more comment\n#include <linux/init.h>")
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 0, out + err
    lines = out.splitlines()
    assert lines[0] == "ok      expansions/drivers/hello.c.module_init.json"
    # one line for the invocation, over the 4 configurations whose symbol has __LINE__ in it
    assert len(lines) == 2, out
    assert lines[1].split() [:2] == ["renumbered", "drivers/hello.c:21"]
    assert "(moved from line 20)" in lines[1] and "__LINE__ 20 -> 21" in lines[1]
    assert "[4 configurations]" in lines[1]
    status, out, _ = run_macrotrace(["check", "expansions", "--strict"], cwd=root)
    assert status == 1 and "RENUMBERED" in out
    status, out, _ = run_macrotrace(["check", "expansions", "--format", "github"], cwd=root)
    assert status == 0
    assert out.startswith("::notice file=drivers/hello.c,line=21,title=renumbered::")
    status, out, _ = run_macrotrace(["check", "expansions", "--strict", "--format", "github"], cwd=root)
    assert status == 1 and out.startswith("::error file=drivers/hello.c,line=21,")


REGISTER_H = """#define ___PASTE(a,b) a##b
#define __PASTE(a,b) ___PASTE(a,b)
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define __id(fn) __PASTE(__x_, __PASTE(__COUNTER__, __PASTE(_, __PASTE(__LINE__, __PASTE(_, fn)))))
#define SECTION(id) ".init.." __stringify(id)
#define REGISTER(fn) static int (*__id(fn))(void) __attribute__((section(SECTION(__id(fn))))) = fn;
"""
REGISTER_C = '#include "reg.h"\n#include "other.h"\nint a(void);\nREGISTER(a)\nREGISTER(b)\n'


def register_project(root):
    repository(root, {"reg.h": REGISTER_H, "other.h": "#define OTHER 1\n", "drv.c": REGISTER_C})
    status, out, err = run_macrotrace(["snapshot", "REGISTER", "drv.c", "-o", "exp", "--no-bundled-headers"],
                                      cwd=root)
    assert status == 0, err
    return root


def test_counter_and_line_renumbering_through_pastes_and_strings(tmp_path):
    """An include that uses __COUNTER__ and lines inserted above: the values change, and
    so do the symbols they are pasted into and the strings those are stringified
    into; that is renumbering, decided on the steps."""
    root = register_project(str(tmp_path / "r"))
    with open(os.path.join(root, "other.h"), "w") as fh:
        fh.write("#define OTHER 1\nint counted = __COUNTER__;\n")
    edit(os.path.join(root, "drv.c"), "int a(void);", "\n/* a comment */\nint a(void);")
    status, out, err = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 0, out + err
    lines = out.splitlines()[1:]
    assert lines == [
        "  renumbered  drv.c:6 REGISTER(a) (moved from line 4): __COUNTER__ 0 -> 1, __LINE__ 4 -> 6, "
        "__COUNTER__ 1 -> 2 [LTO=n PREL32=n MODULE=n]",
        "  renumbered  drv.c:7 REGISTER(b) (moved from line 5): __COUNTER__ 2 -> 3, __LINE__ 5 -> 7, "
        "__COUNTER__ 3 -> 4 [LTO=n PREL32=n MODULE=n]"], out


def test_a_renumbered_value_used_otherwise_is_a_change(tmp_path):
    """__COUNTER__ gives another value and that value is used in arithmetic the same way:
    renumbering.  The same value pasted where the old one was not: a change."""
    root = register_project(str(tmp_path / "r"))
    edit(os.path.join(root, "reg.h"), "__PASTE(__x_, __PASTE(__COUNTER__,", "__PASTE(__y_, __PASTE(__COUNTER__,")
    status, out, _ = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 1 and "another definition of __id" in out


def test_header_change_is_reported_at_the_current_line(tmp_path):
    root = register_project(str(tmp_path / "r"))
    edit(os.path.join(root, "drv.c"), "int a(void);", "\n\nint a(void);")
    edit(os.path.join(root, "reg.h"), '".init.." __stringify(id)', '".init.late." __stringify(id)')
    status, out, err = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 1, out + err
    assert "CHANGED     drv.c:6 REGISTER(a) (moved from line 4): step 28 (SECTION): another definition " \
           "of SECTION" in out
    # the diff shows the change, not the renumbering
    changed = [l.strip() for l in out.splitlines() if l.strip().startswith(("-", "+"))
               and not l.strip().startswith(("---", "+++"))]
    assert len(changed) == 8 and all("SECTION" in l or "result" in l for l in changed), out
    status, out, _ = run_macrotrace(["check", "exp", "--format", "github"], cwd=root)
    assert status == 1
    assert out.splitlines() == [
        "::error file=drv.c,line=6,title=step 28 (SECTION)%3A another definition of SECTION::"
        "REGISTER(a) expansion changed (was at line 4) [LTO=n PREL32=n MODULE=n]",
        "::error file=drv.c,line=7,title=step 28 (SECTION)%3A another definition of SECTION::"
        "REGISTER(b) expansion changed (was at line 5) [LTO=n PREL32=n MODULE=n]"]
    # accepted from another directory: rewritten in place, then the same again
    status, out, _ = run_macrotrace(["check", os.path.join(root, "exp"), "--update"], cwd=str(tmp_path))
    assert status == 0 and out.startswith("updated ")
    assert json.load(open(os.path.join(root, "exp", "drv.c.REGISTER.json")))["kind"] == "snapshot"
    status, out, _ = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 0 and out == "ok      exp/drv.c.REGISTER.json\n", out


def test_invocations_are_matched_by_context_not_order(tmp_path):
    """Two invocations with the same text: deleting the first one leaves the second
    matched to its own snapshot (by its neighbouring lines), reported as gone once."""
    src = ('#include "reg.h"\n#include "other.h"\nint first_block;\nREGISTER(a)\n'
           'int second_block;\nREGISTER(a)\n')
    root = repository(str(tmp_path / "r"), {"reg.h": REGISTER_H.replace("__COUNTER__", "0"),
                                           "other.h": "", "drv.c": src})
    status, _, err = run_macrotrace(["snapshot", "REGISTER", "drv.c", "-o", "exp", "--no-bundled-headers"],
                                    cwd=root)
    assert status == 0, err
    edit(os.path.join(root, "drv.c"), "int first_block;\nREGISTER(a)\n", "")
    status, out, _ = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 1
    findings = [l.split()[:3] for l in out.splitlines() if l.startswith("  ") and not l.startswith("    ")]
    assert findings == [["GONE", "drv.c:4", "REGISTER(a):"], ["renumbered", "drv.c:4", "REGISTER(a)"]], out


def test_check_from_another_directory_gives_the_same_answer(tmp_path):
    root = register_project(str(tmp_path / "r"))
    edit(os.path.join(root, "reg.h"), '".init.." __stringify(id)', '".init.late." __stringify(id)')
    here = run_macrotrace(["check", "exp", "--format", "github"], cwd=root)
    elsewhere = run_macrotrace(["check", os.path.join(root, "exp"), "--format", "github"], cwd=str(tmp_path))
    assert here[0] == elsewhere[0] == 1
    assert here[1] == elsewhere[1]
    inside = run_macrotrace(["check", ".", "--format", "text"], cwd=os.path.join(root, "exp"))
    assert inside[0] == 1 and "CHANGED     ../drv.c:4 REGISTER(a)" in inside[1]


def test_an_empty_directory_is_not_a_pass(tmp_path):
    os.makedirs(str(tmp_path / "none"))
    status, out, err = run_macrotrace(["check", str(tmp_path / "none")])
    assert status == 2 and "no snapshots in" in err and len(err.strip().splitlines()) == 1


def test_parallel_and_sharded_checks_report_as_serial(tmp_path):
    files = {"reg.h": REGISTER_H, "other.h": ""}
    for k in range(22):
        files["src/m%02d.c" % k] = '#include "../reg.h"\nint f%d(void);\nREGISTER(f%d)\n' % (k, k)
    root = repository(str(tmp_path / "r"), files)
    status, out, err = run_macrotrace(["snapshot", "REGISTER", "src", "-o", "exp", "--no-bundled-headers",
                                       "-j", "2"], cwd=root)
    assert status == 0 and out.count("wrote ") == 22, out + err
    for k in (3, 7, 15):           # moved: renumbered
        edit(os.path.join(root, "src/m%02d.c" % k), "int f", "\nint f")
    for k in (5, 18):              # changed
        edit(os.path.join(root, "src/m%02d.c" % k), "REGISTER(f%d)" % k, "#define SECTION(id) \"x\"\nREGISTER(f%d)" % k)
    serial = run_macrotrace(["check", "exp", "-j", "1"], cwd=root)
    parallel = run_macrotrace(["check", "exp", "-j", "2"], cwd=root)
    assert serial[0] == parallel[0] == 1
    assert serial[1] == parallel[1]
    heads = lambda text: [l for l in text.splitlines() if not l.startswith(" ")]
    assert len(heads(serial[1])) == 22
    assert serial[1].count("  renumbered  ") == 3
    assert [l.split()[1] for l in heads(serial[1]) if l.startswith("CHANGED")] == [
        "exp/src/m05.c.REGISTER.json", "exp/src/m18.c.REGISTER.json"]
    shards = [run_macrotrace(["check", "exp", "--shard", "%d/2" % k, "-j", "1"], cwd=root) for k in (1, 2)]
    assert sorted(heads(shards[0][1]) + heads(shards[1][1])) == sorted(heads(serial[1]))
    assert not set(heads(shards[0][1])) & set(heads(shards[1][1]))
    assert max(shards[0][0], shards[1][0]) == serial[0]
    assert len(serial[1].splitlines()) == len(shards[0][1].splitlines()) + len(shards[1][1].splitlines())
    # more shards than snapshots: an empty shard passes, and says so
    status, out, err = run_macrotrace(["check", "exp", "--shard", "23/30"], cwd=root)
    assert status == 0 and out == "" and "shard 23/30 holds none of the snapshots" in err


def test_a_different_compiler_version_is_reported(tmp_path):
    from macrotrace.snapshots import codec
    root = repository(str(tmp_path / "r"), {"reg.h": REGISTER_H, "drv.c": '#include "reg.h"\nREGISTER(a)\n'})
    status, _, err = run_macrotrace(["snapshot", "REGISTER", "drv.c", "-o", "exp", "--no-bundled-headers",
                                     "--cc", "gcc"], cwd=root)
    assert status == 0, err
    path = os.path.join(root, "exp", "drv.c.REGISTER.json")
    snap = codec.load(path)
    assert snap.compiler["name"] == "gcc" and snap.compiler["version"][0].isdigit()
    snap.compiler = {"name": "gcc", "version": "9.9.9"}
    with open(path, "w") as fh:
        fh.write(codec.dumps(snap))
    status, out, err = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 0, out + err
    assert "the snapshot was made with gcc 9.9.9" in out
    # made with a gcc-9 this machine lacks: checked with its gcc, and said so
    snap.command = [a.replace("gcc", "gcc-9") for a in snap.command]
    assert "gcc-9" in snap.command
    with open(path, "w") as fh:
        fh.write(codec.dumps(snap))
    status, out, err = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 0, out + err
    assert "gcc-9 is not installed here; checked with gcc" in out
    assert "the snapshot was made with gcc 9.9.9" in out


def _copy_kernel_tree(tree, dest):
    """A copy of a configured tree (Debian's linux-headers-*-amd64) at another path; its
    relative symbolic links to the kbuild scripts made absolute so they still resolve."""
    import shutil
    shutil.copytree(tree, dest, symlinks=True)
    for name in os.listdir(dest):
        link = os.path.join(dest, name)
        if os.path.islink(link) and not os.path.isabs(os.readlink(link)):
            target = os.path.realpath(os.path.join(tree, name))
            os.remove(link)
            os.symlink(target, link)
    return dest


@pytest.mark.kernel
def test_kernel_tree_snapshot_checks_after_the_tree_moved(tmp_path, monkeypatch):
    import shutil
    from test_kernel import HELLO as KERNEL_HELLO, TREE
    if TREE is None or shutil.which("make") is None:
        pytest.skip("no kernel headers or no make: apt-get install linux-headers-amd64 make")
    tree = _copy_kernel_tree(TREE, str(tmp_path / "one" / "tree"))
    root = repository(str(tmp_path / "repo"), {"hello.c": KERNEL_HELLO})
    status, out, err = run_macrotrace(["snapshot", "module_init", "hello.c", "-o", "exp", "--kernel-tree", tree, "--builtin"],
                                      cwd=root)
    assert status == 0, out + err
    text = open(os.path.join(root, "exp", "hello.c.module_init.json")).read()
    assert str(tmp_path) not in text
    data = json.loads(text)
    assert data["kernel_tree"]["release"] and data["compiler"]["name"] == "gcc"
    moved = str(tmp_path / "two")
    os.rename(str(tmp_path / "one"), moved)
    monkeypatch.delenv("MACROTRACE_KERNEL_TREE", raising=False)
    status, out, err = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "made on a kernel tree, kernel %s" % data["kernel_tree"]["release"] in err and "--kernel-tree" in err
    status, out, err = run_macrotrace(["check", "exp", "--kernel-tree", os.path.join(moved, "tree")], cwd=root)
    assert status == 0 and out.startswith("ok"), out + err
    monkeypatch.setenv("MACROTRACE_KERNEL_TREE", os.path.join(moved, "tree"))
    edit(os.path.join(root, "hello.c"), "MODULE_LICENSE", "/* moved */\nMODULE_LICENSE")
    status, out, err = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 0 and "renumbered  hello.c:18 module_init(hello_init) (moved from line 17)" in out, out + err


def test_progress_line_only_on_a_terminal(monkeypatch):
    """The pool counts its items on the progress line (progress.py), in a pool too."""
    import io
    from macrotrace import progress
    from macrotrace.snapshots import pool

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.setenv("MACROTRACE_PROGRESS_DELAY", "600")
    for jobs in (1, 2):
        with progress.running(stream=Terminal()) as line:
            assert pool.run(abs, [-1, -2, -3], jobs, "checked") == [1, 2, 3]
            assert line.line().startswith("macrotrace: 3/3 checked · ")
    with progress.running(stream=io.StringIO()) as line:
        assert line is None and pool.run(abs, [-1, -2, -3], 2, "checked") == [1, 2, 3]


def test_snapshot_with_a_broken_reference_is_an_error(tmp_path):
    """A snapshot whose digest matches but whose tables do not hold what it refers to
    (written by something else): one line, exit 2, no traceback."""
    import hashlib
    root = register_project(str(tmp_path / "r"))
    path = os.path.join(root, "exp", "drv.c.REGISTER.json")
    data = json.load(open(path))
    del data["digest"]
    data["content"]["trace"] = 99
    canon = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data["digest"] = hashlib.sha256(canon.encode()).hexdigest()
    with open(path, "w") as fh:
        json.dump(data, fh)
    status, out, err = run_macrotrace(["check", "exp"], cwd=root)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "reference 99 out of the traces table" in err
    status, out, err = run_macrotrace(["check", "exp", "--format", "github"], cwd=root)
    assert status == 2
    assert out == ("::error file=exp/drv.c.REGISTER.json,title=cannot check this snapshot::"
                   "exp/drv.c.REGISTER.json: reference 99 out of the traces table\n"), out


def test_snapshot_paths_are_relative_to_the_repository_root(tmp_path):
    """Made from a subdirectory with -I relative to it: the snapshot names files from the
    repository root, and checks from anywhere."""
    root = repository(str(tmp_path / "r"), {"inc/reg.h": REGISTER_H, "src/drv.c": '#include "reg.h"\nREGISTER(a)\n'})
    status, out, err = run_macrotrace(["snapshot", "REGISTER", "drv.c", "-o", "../exp", "--no-bundled-headers",
                                       "-I", "../inc"], cwd=os.path.join(root, "src"))
    assert status == 0 and "wrote ../exp/src/drv.c.REGISTER.json" in out, out + err
    data = json.load(open(os.path.join(root, "exp", "src", "drv.c.REGISTER.json")))
    assert data["command"] == ["REGISTER", "src/drv.c", "--no-bundled-headers", "-I", "inc"]
    for cwd in (root, str(tmp_path), os.path.join(root, "inc")):
        status, out, err = run_macrotrace(["check", os.path.join(root, "exp")], cwd=cwd)
        assert status == 0, out + err


def test_outside_a_repository_the_snapshot_directory_is_the_root(tmp_path):
    """No .git above: paths are relative to the snapshot directory, so the whole tree
    can move and still check."""
    root = str(tmp_path / "one")
    os.makedirs(os.path.join(root, "src"))
    with open(os.path.join(root, "src", "reg.h"), "w") as fh:
        fh.write(REGISTER_H)
    with open(os.path.join(root, "src", "drv.c"), "w") as fh:
        fh.write('#include "reg.h"\nREGISTER(a)\n')
    status, out, err = run_macrotrace(["snapshot", "REGISTER", "src", "-o", "exp", "--no-bundled-headers"],
                                      cwd=root)
    assert status == 0, out + err
    assert json.load(open(os.path.join(root, "exp", "drv.c.REGISTER.json")))["command"][1] == "../src/drv.c"
    os.rename(root, str(tmp_path / "two"))
    status, out, err = run_macrotrace(["check", os.path.join("two", "exp")], cwd=str(tmp_path))
    assert status == 0 and out == "ok      two/exp/drv.c.REGISTER.json\n", out + err


def test_snapshot_skips_files_that_only_mention_the_macro(tmp_path):
    root = repository(str(tmp_path / "r"), {
        "reg.h": REGISTER_H,
        "a.c": '#include "reg.h"\nREGISTER(a)\n',
        "b.c": "/* REGISTER(b) is not used here */\nint b;\n",
        "c.txt": "REGISTER(c)\n"})
    status, out, err = run_macrotrace(["snapshot", "REGISTER", ".", "-o", "exp", "--no-bundled-headers"], cwd=root)
    assert status == 0, out + err
    assert out.splitlines() == ["wrote exp/a.c.REGISTER.json (1 invocation)",
                                "skipped b.c: b.c: REGISTER is never invoked in this file"], out
    # named explicitly, the same file is an error
    status, out, err = run_macrotrace(["snapshot", "REGISTER", "b.c", "-o", "exp", "--no-bundled-headers"],
                                      cwd=root)
    assert status == 2 and "never invoked" in err
