"""CI workflow: snapshots, macrotrace diff, macrotrace check."""

import json
import os
import xml.etree.ElementTree as ET

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
    """A sound snapshot written by an older macrotrace (schema 2) is not
    compared with today's layout: check says so and --update rewrites it from its command."""
    import hashlib
    from macrotrace.snapshots.layout import _text
    from macrotrace.trace.model import SCHEMA
    root = project(str(tmp_path / "p"))
    path = snapshot(root)
    with open(path) as fh:
        data = json.load(fh)
    del data["digest"]
    data["schema"] = SCHEMA - 1
    text = _text(data)
    with open(path, "w") as fh:
        fh.write(text[:-2] + ',\n  "digest": "%s"\n}\n' % hashlib.sha256(text.encode()).hexdigest())
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 2 and "schema %d" % (SCHEMA - 1) in err and "--update" in err
    status, out, err = run_macrotrace(["check", "expansions", "--update"], cwd=root)
    assert status == 0 and "updated" in out, err
    with open(path) as fh:
        assert json.load(fh)["schema"] == SCHEMA
    status, out, err = run_macrotrace(["check", "expansions"], cwd=root)
    assert status == 0 and out.startswith("ok"), out + err
