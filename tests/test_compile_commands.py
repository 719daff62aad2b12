"""compile_commands.json: the compiler command of FILE taken from a compilation
database, as clangd and clang-tidy take it; the result is what gcc preprocesses with
that command, run in the entry's directory."""

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from difftest import GCC, first_difference, first_spacing_difference, run_macrotrace

from macrotrace.compile_command import without_output

HEADER = """#ifdef FAST
#define GO(x) go_fast(x, LEVEL)
#else
#define GO(x) go_slow(x, LEVEL)
#endif
"""
SOURCE = '#include "m.h"\nint f(void) { return GO(1); }\n'


@pytest.fixture
def project(tmp_path):
    """proj/src/a.c, proj/include/m.h, and a database in proj/build whose command uses
    paths relative to its directory."""
    root = tmp_path / "proj"
    for d in ("src", "include", "build"):
        (root / d).mkdir(parents=True)
    (root / "include" / "m.h").write_text(HEADER)
    (root / "src" / "a.c").write_text(SOURCE)
    return root


def write_db(directory, entries):
    path = directory / "compile_commands.json"
    path.write_text(json.dumps(entries))
    return path


def gcc_E(argv, cwd):
    proc = subprocess.run(without_output(argv) + ["-E", "-P"], capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


ARGS = [GCC, "-I../include", "-DFAST", "-DLEVEL=3", "-c", "../src/a.c", "-o", "a.o"]


@pytest.mark.parametrize("form", ["arguments", "command"])
def test_database_gives_gccs_unit(project, form):
    build = project / "build"
    entry = {"directory": str(build), "file": "../src/a.c"}
    entry[form] = ARGS if form == "arguments" else " ".join(shlex.quote(a) for a in ARGS)
    write_db(build, [{"directory": str(build), "file": "other.c", "command": "cc -c other.c"}, entry])
    expected = gcc_E(ARGS, str(build))
    status, ours, err = run_macrotrace(["expand", str(project / "src" / "a.c"), "-p", str(build)])
    assert status == 0, err
    assert first_difference(ours, expected) is None
    assert first_spacing_difference(ours, expected) is None
    assert "go_fast(1, 3)" in ours


def test_trace_with_compile_commands_file_and_relative_directory(project, tmp_path):
    """--compile-commands FILE; a relative "directory" is relative to the database."""
    db = write_db(project, [{"directory": "build", "file": "../src/../src/a.c", "arguments": ARGS}])
    status, out, err = run_macrotrace(["GO", str(project / "src" / "a.c"), "--compile-commands", str(db),
                                       "--format", "json"])
    assert status == 0, err
    data = json.loads(out)
    inv = data["invocations"][0]
    assert inv["result"] == "go_fast(1, 3)"
    assert data["config"]["origin"] == "compile-commands"
    key = inv["steps"][1]["definition"]
    assert data["definitions"][key]["conditions"][0]["description"] == "FAST is defined"


def test_matched_by_real_path(project, tmp_path):
    """The file named through a symbolic link is the same entry."""
    build = project / "build"
    write_db(build, [{"directory": str(build), "file": str(project / "src" / "a.c"), "arguments": ARGS}])
    link = tmp_path / "link"
    link.symlink_to(project / "src")
    status, out, err = run_macrotrace(["GO", str(link / "a.c"), "-p", str(build)])
    assert status == 0, err
    assert "go_fast(1, 3)" in out


def test_found_in_a_parent_and_said_so(project):
    write_db(project, [{"directory": str(project / "build"), "file": "../src/a.c", "arguments": ARGS}])
    src = str(project / "src" / "a.c")
    status, out, err = run_macrotrace(["GO", src])
    assert status == 0, err
    assert "go_fast(1, 3)" in out
    assert "using %s" % (project / "compile_commands.json") in err
    # --no-compile-commands: the flags given, and nothing from the database
    status, out, err = run_macrotrace(["GO", src, "--no-compile-commands", "-I", str(project / "include")])
    assert status == 0, err
    assert "go_slow(1, LEVEL)" in out and "using" not in err


def test_explicit_database_wins_over_a_cmd_file_beside(project):
    build = project / "build"
    write_db(build, [{"directory": str(build), "file": "../src/a.c", "arguments": ARGS}])
    (project / "src" / ".a.o.cmd").write_text("cmd_a.o := gcc -I../include -DLEVEL=9 -c -o a.o a.c\n")
    status, out, err = run_macrotrace(["GO", str(project / "src" / "a.c"), "-p", str(build)])
    assert status == 0, err
    assert "go_fast(1, 3)" in out


def _cli(args, cwd):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return subprocess.run([sys.executable, "-m", "macrotrace"] + args, capture_output=True, text=True,
                          cwd=cwd, env=env)


def test_file_absent_from_database_is_one_line_exit_2(project):
    build = project / "build"
    db = write_db(build, [{"directory": str(build), "file": "other.c", "arguments": ["cc", "-c", "other.c"]}])
    proc = _cli(["GO", str(project / "src" / "a.c"), "-p", str(build)], str(project))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert str(db) in lines[0] and "no entry for" in lines[0] and "a.c" in lines[0]


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a valid compilation database"),
    ('{"file": "a.c"}', "expected a JSON list"),
    ('[{"directory": "/", "file": "a.c"}]', 'neither "arguments" nor "command"'),
    ('[{"directory": "/", "command": "cc a.c"}]', 'has no "file"'),
])
def test_broken_database_is_one_line_exit_2(project, content, message):
    (project / "build" / "compile_commands.json").write_text(content)
    proc = _cli(["GO", str(project / "src" / "a.c"), "-p", str(project / "build")], str(project))
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
    assert "compile_commands.json" in proc.stderr


def test_missing_database_is_one_line_exit_2(project):
    proc = _cli(["GO", str(project / "src" / "a.c"), "-p", str(project / "nowhere")], str(project))
    assert proc.returncode == 2
    assert re.fullmatch(r"macrotrace: error: -p \S+nowhere: no such compilation database\n", proc.stderr)


# ---------------------------------------------------------------- a real Kbuild unit

def kbuild_database(module_dir, tree):
    """compile_commands.json for the objects Kbuild built in ``module_dir``, made as the
    kernel's scripts/clang-tools/gen_compile_commands.py makes it: the cmd_ line of
    each .o.cmd, its last .c argument as the file, and the directory make ran in."""
    pattern = re.compile(r"^(?:saved)?cmd_[^ ]*\.o := (.* )(\S+\.c) *(;|$)")
    entries = []
    for name in sorted(os.listdir(module_dir)):
        if not (name.startswith(".") and name.endswith(".o.cmd")):
            continue
        with open(os.path.join(module_dir, name)) as fh:
            for line in fh:
                m = pattern.match(line.rstrip("\n"))
                if m:
                    prefix, file = m.group(1), m.group(2)
                    path = file if os.path.isabs(file) else os.path.join(tree, file)
                    entries.append({"command": prefix + file, "directory": tree,
                                    "file": os.path.abspath(path)})
    db = os.path.join(module_dir, "compile_commands.json")
    with open(db, "w") as fh:
        json.dump(entries, fh, indent=2)
    return db


@pytest.fixture(scope="module")
def kbuild_module(tmp_path_factory):
    from test_kernel import HELLO, TREE
    import shutil
    if TREE is None or shutil.which("make") is None:
        pytest.skip("no kernel headers or make: apt-get install linux-headers-amd64 make")
    d = tmp_path_factory.mktemp("ccmod")
    (d / "hello.c").write_text(HELLO)
    (d / "Makefile").write_text("obj-m := hello.o\n")
    proc = subprocess.run(["make", "-C", TREE, "M=%s" % d, "modules"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    db = kbuild_database(str(d), TREE)
    os.remove(os.path.join(str(d), ".hello.o.cmd"))       # the database alone supplies the flags
    return str(d), db, TREE


@pytest.mark.kernel
def test_kbuild_database_gives_gccs_unit(kbuild_module):
    d, db, tree = kbuild_module
    with open(db) as fh:
        entries = json.load(fh)
    entry, = [e for e in entries if e["file"] == os.path.join(d, "hello.c")]
    assert len(entries) == 2            # hello.c and Kbuild's hello.mod.c
    expected = gcc_E(shlex.split(entry["command"]), entry["directory"])
    status, ours, err = run_macrotrace(["expand", os.path.join(d, "hello.c")])
    assert status == 0, err
    assert "using %s" % db in err
    assert first_difference(ours, expected) is None
    assert first_spacing_difference(ours, expected) is None
    status, out, err = run_macrotrace(["module_init", os.path.join(d, "hello.c"), "--format", "json"])
    assert status == 0, err
    data = json.loads(out)
    assert data["config"]["switches"]["MODULE"] is True
    assert "init_module" in data["invocations"][0]["result"]
