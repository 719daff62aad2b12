"""What a new user sees when something is wrong: one shape for every message
(``macrotrace: error: ...`` without a position, ``FILE:LINE: error: ...`` with one),
exit status 2, the option named, and suggestions that help."""

import os
import re
import subprocess
import sys

import pytest

from difftest import run_macrotrace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
SHAPE = re.compile(r"(macrotrace: error: |[^\s:]+:\d+(:\d+)?: error: )\S")


def error_of(argv, cwd=None):
    status, out, err = run_macrotrace(argv, cwd=cwd)
    lines = err.strip().splitlines()
    assert status == 2, (status, err)
    assert len(lines) == 1, err
    line = lines[0]
    assert SHAPE.match(line), line
    assert "Errno" not in line and "Traceback" not in line, line
    return line


def test_binary_file_is_named_once(tmp_path):
    src = tmp_path / "bin.c"
    src.write_bytes(b"int a;\0\1\2")
    for argv in (["module_init", str(src)], ["expand", str(src)]):
        line = error_of(argv)
        assert line == "macrotrace: error: %s: binary file (contains NUL bytes), not C source" % src
        assert line.count("bin.c") == 1


def test_output_into_a_missing_directory_names_the_option(tmp_path):
    missing = tmp_path / "nowhere" / "out.txt"
    for argv in (["module_init", HELLO, "-o", str(missing)], ["expand", HELLO, "-o", str(missing)]):
        line = error_of(argv)
        assert line == ("macrotrace: error: -o %s: cannot write there: the directory %s does not exist"
                        % (missing, missing.parent))
    assert error_of(["expand", HELLO, "-o", str(tmp_path)]) == \
        "macrotrace: error: -o %s: is a directory; give a file name" % tmp_path


def test_junit_into_a_missing_directory_names_the_option(tmp_path):
    (tmp_path / "snaps").mkdir()
    status, _, err = run_macrotrace(["module_init", HELLO, "--format", "json", "-o",
                                     str(tmp_path / "snaps" / "a.json")])
    assert status == 0, err
    line = error_of(["check", str(tmp_path / "snaps"), "--junit", str(tmp_path / "no" / "j.xml")])
    assert line.startswith("macrotrace: error: --junit %s: cannot write there" % (tmp_path / "no" / "j.xml"))


def test_missing_compilers_are_named():
    assert error_of(["module_init", HELLO, "--cc", "nosuchcc"]) == \
        "macrotrace: error: --cc nosuchcc: no such compiler (not found on PATH)"
    assert error_of(["expand", HELLO, "--", "nosuchcc", "-c", HELLO]) == \
        "macrotrace: error: the compiler command after --: nosuchcc: not found on PATH"


def test_missing_inputs_name_the_option(tmp_path):
    assert error_of(["module_init", str(tmp_path / "x.c")]) == \
        "macrotrace: error: %s: No such file or directory" % (tmp_path / "x.c")
    assert error_of(["module_init", HELLO, "-include", str(tmp_path / "x.h")]) == \
        "macrotrace: error: -include %s: No such file or directory" % (tmp_path / "x.h")
    assert error_of(["module_init", HELLO, "--cmd-file", str(tmp_path / ".x.o.cmd")]) == \
        "macrotrace: error: --cmd-file %s: No such file" % (tmp_path / ".x.o.cmd")


def test_an_error_with_a_position_leads_with_it(tmp_path):
    src = tmp_path / "bad.c"
    src.write_text("#include <nosuch.h>\n")
    assert error_of(["expand", "bad.c"], cwd=str(tmp_path)) == \
        "bad.c:1: error: nosuch.h: No such file or directory"


@pytest.mark.parametrize("argv", [["diff"], ["diff", "a.json"], ["diff", "--a=--lto", "--b=--prel32"]])
def test_diff_says_what_it_wants(argv):
    line = error_of(argv)
    assert "macrotrace diff A.json B.json" in line and "macrotrace diff MACRO FILE --a=FLAGS --b=FLAGS" in line
    assert "a, b" not in line


def test_the_installed_command_prints_the_same_line(tmp_path):
    """Through the real entry point (a process of its own): one line, status 2."""
    proc = subprocess.run([sys.executable, "-m", "macrotrace", "expand", HELLO, "-o",
                           str(tmp_path / "no" / "x")], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("macrotrace: error: -o ") and proc.stderr.count("\n") == 1


# Suggestions

def test_defined_but_not_invoked_says_where_and_through_what():
    """A plain trace follows the macro inside module_init (run_trace_reached); --matrix
    needs invocations written in FILE and says which one reaches it."""
    status, out, err = run_macrotrace(["__define_initcall", HELLO, "--color", "never"])
    assert status == 0 and "module_init(hello_init)" in out, err
    line = error_of(["__define_initcall", HELLO, "--matrix"])
    assert line.startswith("macrotrace: error: ")
    assert "__define_initcall is defined at headers/linux/init.h:" in line
    assert "never invoked in this file" in line
    assert "reached through module_init (line 20)" in line
    assert "did you mean" not in line


def test_defined_and_unreached(tmp_path):
    src = tmp_path / "u.c"
    src.write_text("#define UNUSED 2\n#define B UNUSED\nint x;\n")
    line = error_of(["UNUSED", "u.c"], cwd=str(tmp_path))
    assert line == "macrotrace: error: u.c: UNUSED is defined at u.c:1 but never invoked in this file"


def test_a_typo_still_gets_close_names_but_never_itself():
    line = error_of(["module_initt", HELLO])
    assert "did you mean module_init" in line and "module_initt," not in line


def test_version_says_the_headers_model_and_json_carries_it():
    from macrotrace import HEADERS_MODEL, __version__
    proc = subprocess.run([sys.executable, "-m", "macrotrace", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.startswith("macrotrace %s (bundled headers: a model of Linux 6.1, in " % __version__)
    with open(os.path.join(ROOT, "headers", "README.md")) as fh:
        assert "as %s defines it" % HEADERS_MODEL in fh.read()
    status, out, err = run_macrotrace(["module_init", HELLO, "--format", "json"])
    import json
    data = json.loads(out)
    assert (data["tool"], data["version"]) == ("macrotrace", __version__)


def test_a_closed_pipe_is_not_an_error_message(tmp_path):
    """macrotrace ... | head: the reader stopped reading; nothing to say (the output is
    megabytes, far more than a pipe holds, so the write does meet the closed pipe)."""
    src = tmp_path / "many.c"
    src.write_text("#include <linux/init.h>\n#include <linux/module.h>\n" + "".join(
        "static int __init f%d(void) { return 0; }\nmodule_init(f%d);\n" % (i, i) for i in range(100)))
    proc = subprocess.run('%s -m macrotrace module_init %s --format json | head -1; echo "status ${PIPESTATUS[0]}"'
                          % (sys.executable, src), shell=True, capture_output=True, text=True,
                          executable="/bin/bash")
    assert proc.stdout == "{\nstatus 0\n" and proc.stderr == ""
