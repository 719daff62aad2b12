"""The command line: the JSON contract, and one-line errors with exit status 2."""

import json
import os
import subprocess
import sys

import pytest

from difftest import gcc_expand, run_macrotrace, tokens

CASES = os.path.join(os.path.dirname(__file__), "cases")


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


# ---------------------------------------------------------------- the JSON contract

def test_json_contract_on_nested_invocations(tmp_path):
    path = write(tmp_path, "t.c",
                 "#define ID(x) x\n#define TWICE(x) ID(x) ID(x)\n"
                 "TWICE(1);\nID(TWICE(2));\nTWICE(\n  3\n);\n")
    status, out, err = run_macrotrace(["TWICE", path, "--format", "json", "--no-bundled-headers"])
    assert status == 0, err
    data = json.loads(out)
    assert data["macro"] == "TWICE"
    assert data["tool"] == "macrotrace" and data["schema"] == 3
    invs = data["invocations"]
    assert [(i["line"], i["column"]) for i in invs] == [(3, 1), (4, 4), (5, 1)]
    for inv in invs:
        steps = inv["steps"]
        assert steps[0]["text"] == inv["source"]
        assert steps[-1]["text"] == inv["result"]
        for prev, step in zip(steps, steps[1:]):
            a, b = step["after_span"]
            assert step["text"][a:b].replace(" ", "") == step["inserted"].replace(" ", "")
            a, b = step["before_span"]
            assert prev["text"][a:b].replace(" ", "") == step["replaced"].replace(" ", "")
        assert inv["tree"]["macro"] == "TWICE"
        # a node that a step replaced points at it instead of repeating it
        todo = [inv["tree"]]
        while todo:
            node = todo.pop()
            todo.extend(node["children"])
            assert steps[node["step"]]["macro"] == node["macro"]
            assert "arguments" not in node
    assert invs[0]["source"] == "TWICE(1)"
    assert tokens(invs[0]["result"]) == ["1", "1"]
    assert tokens(invs[2]["source"]) == ["TWICE", "(", "3", ")"]


def test_json_round_trips_through_the_model(tmp_path):
    from macrotrace.render.json import dumps as render
    from macrotrace.snapshots import loads
    path = write(tmp_path, "t.c", "#define S(x) #x\n#define C(a,b) a##b\n#define T(x) S(x) C(x,1) __COUNTER__\nT(y)\n")
    status, out, err = run_macrotrace(["T", path, "--format", "json", "--no-bundled-headers"])
    assert status == 0, err
    trace = loads(out, "<stdout>")
    assert render(trace) == out
    step = [s for s in trace.invocations[0].steps if s.macro == "C"][0]
    assert step.pastes[0].lhs == "y" and step.pastes[0].result == "y1"
    assert [s.value for s in trace.invocations[0].steps if s.kind == "builtin"] == ["0"]


def test_results_match_gcc_for_every_invocation(tmp_path):
    src = ("#define CAT(a,b) a##b\n#define XCAT(a,b) CAT(a,b)\n#define U(p) XCAT(p, __COUNTER__)\n"
           "int U(a) = __LINE__;\nint U(b), U(c);\n")
    path = write(tmp_path, "t.c", src)
    status, out, err = run_macrotrace(["U", path, "--format", "json", "--no-bundled-headers"])
    assert status == 0, err
    results = " ".join(i["result"] for i in json.loads(out)["invocations"])
    rc, expected, _ = gcc_expand(path)
    wanted = [t for t in tokens(expected) if t.startswith("a") or t.startswith("b") or t.startswith("c")]
    assert tokens(results) == wanted == ["a0", "b1", "c2"]


def test_line_filter(tmp_path):
    path = write(tmp_path, "t.c", "#define M(x) x\nM(1)\nM(2) M(3)\n")
    status, out, _ = run_macrotrace(["M", path, "--line", "3", "--format", "json", "--no-bundled-headers"])
    assert status == 0
    assert [i["result"] for i in json.loads(out)["invocations"]] == ["2", "3"]


def test_text_output_shows_steps_and_result(tmp_path):
    path = write(tmp_path, "t.c", "#define A B\n#define B(x) [x]\nA(1)\n")
    status, out, err = run_macrotrace(["A", path, "--no-bundled-headers", "--color", "never"])
    assert status == 0, err
    assert "A(1)" in out and "[1]" in out and "result" in out
    assert "\x1b[" not in out
    status, out, err = run_macrotrace(["A", path, "--no-bundled-headers", "--color", "always"])
    assert "\x1b[" in out


def test_expand_writes_file(tmp_path):
    path = write(tmp_path, "t.c", "#define A 1\nA\n")
    out_path = str(tmp_path / "out.i")
    status, out, err = run_macrotrace(["expand", path, "-o", out_path, "--no-bundled-headers"])
    assert status == 0, err
    assert open(out_path).read().strip() == "1"


# ---------------------------------------------------------------- errors

def run_cli_process(args, cwd=None):
    """The real process, so a traceback would show on stderr."""
    return subprocess.run([sys.executable, "-m", "macrotrace"] + args, capture_output=True,
                          text=True, cwd=cwd)


@pytest.mark.parametrize("source,args,expect", [
    (None, ["M", "missing.c"], "missing.c: No such file or directory"),
    ("#define M(x) x\nM(1\n", ["M"], 'unterminated argument list invoking macro "M"'),
    ("#error stop here\n", ["M"], "#error stop here"),
    ("#define modul_init(x) x\nmodul_init(1)\n", ["module_init"], "did you mean modul_init"),
    ("#define M(x,y) x\nM(1)\n", ["M"], 'macro "M" requires 2 arguments, but only 1 given'),
    ("#define M(x) x\n#if 1 +\n#endif\n", ["M"], "t.c:2:"),
    ("#if 1\nM\n", ["M"], "unterminated #if"),
    ('#include "nope.h"\n', ["M"], "nope.h: No such file or directory"),
    ("#define C(a,b) a##b\nC(+,/)\n", ["C"], "does not give a valid preprocessing token"),
    ("#define M(x) x\nM(1)\n", ["M", "--bogus-flag"], "unrecognized arguments: --bogus-flag"),
    ("#define M(x) x\nM(1)\n", ["M", "--line", "x"], "invalid int value"),
    ("int a; /* never closed\n", ["M"], "unterminated comment"),
])
def test_errors_are_one_line_exit_2(tmp_path, source, args, expect):
    if source is not None:
        path = write(tmp_path, "t.c", source)
        args = [args[0], path] + args[1:]
    proc = run_cli_process(args + ["--no-bundled-headers"], cwd=str(tmp_path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert expect in lines[0]


def test_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "t.c", "\n\n#define M(x) x\nint a = M(1;\n")
    proc = run_cli_process(["M", path, "--no-bundled-headers"])
    assert proc.returncode == 2
    assert proc.stderr.startswith(path + ":4:")


def test_directory_as_file(tmp_path):
    proc = run_cli_process(["M", str(tmp_path)])
    assert proc.returncode == 2 and "is a directory" in proc.stderr


def test_macro_used_but_never_expanded(tmp_path):
    path = write(tmp_path, "t.c", "#define F(x) x\nint F;\n")
    proc = run_cli_process(["F", path, "--no-bundled-headers"])
    assert proc.returncode == 2
    assert "never expanded" in proc.stderr and ":2:" in proc.stderr


# ---------------------------------------------------------------- commands and formats

def test_help_lists_every_command():
    from macrotrace.cli.registry import COMMANDS
    proc = run_cli_process(["--help"])
    assert proc.returncode == 0, proc.stderr
    listed = [line.split()[0] for line in proc.stdout.split("commands:")[1].splitlines()[2:]
              if line.startswith("    ") and line[4:5].strip()]
    assert set(COMMANDS) <= set(listed), listed
    assert {"trace", "expand", "diff", "check", "initcalls"} <= set(listed)
    assert "macrotrace trace check" in proc.stdout      # how to trace a macro named like a command
    for name in listed:
        status, out, err = run_macrotrace([name, "--help"])
        assert status == 0 and out.startswith("usage: macrotrace " + name), (name, err)


def test_macro_named_like_a_command(tmp_path):
    """`macrotrace check c.c` is the check command (and says how to trace a macro named
    check); the explicit form and a leading -- trace the macro, as gcc expands it."""
    path = write(tmp_path, "c.c", "#define check(x) (x + 1)\n#define diff 7\nint a = check(2) * diff;\n")
    proc = run_cli_process(["check", path])
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "not a snapshot" in proc.stderr and "macrotrace trace check" in proc.stderr
    proc = run_cli_process(["check", path, "--no-bundled-headers"])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "unrecognized arguments" in proc.stderr and "macrotrace trace check FILE" in proc.stderr
    rc, expected, _ = gcc_expand(path)
    flags = ["--no-bundled-headers", "--format", "json"]
    for argv in (["trace", "check", path] + flags, ["--", "check", path] + flags,
                 ["--", "check", path] + flags + ["--", "gcc", "-c", path]):
        status, out, err = run_macrotrace(argv)
        assert status == 0, (argv, err)
        data = json.loads(out)
        assert data["macro"] == "check"
        assert tokens(data["invocations"][0]["result"]) == ["(", "2", "+", "1", ")"]
        assert " ".join(tokens(data["invocations"][0]["result"])) in " ".join(tokens(expected))
    # a command's usage error names the explicit form too
    status, _, err = run_macrotrace(["diff", path])
    assert status == 2 and "macrotrace trace diff FILE" in err
    status, out, err = run_macrotrace(["trace", "diff", path, "--no-bundled-headers", "--format", "json"])
    assert status == 0 and json.loads(out)["invocations"][0]["result"] == "7", err


def test_snapshot_of_an_explicit_trace_rechecks(tmp_path):
    """The command a snapshot records re-runs the same trace, whatever the macro's name."""
    write(tmp_path, "c.c", "#define check(x) x\ncheck(1)\n")
    snap = str(tmp_path / "s.json")
    status, _, err = run_macrotrace(["trace", "check", "c.c", "--no-bundled-headers", "--format", "json",
                                     "-o", snap], cwd=str(tmp_path))
    assert status == 0, err
    assert json.load(open(snap))["command"][:2] == ["check", "c.c"]
    status, out, err = run_macrotrace(["check", "s.json"], cwd=str(tmp_path))
    assert status == 0 and out.startswith("ok"), out + err


def test_a_registered_command_and_format_are_offered(tmp_path):
    """One registration adds a subcommand (with the shared flags) or an output format."""
    from macrotrace.cli.registry import COMMANDS, command
    from macrotrace.render import registry
    path = write(tmp_path, "t.c", "#define M(x) x\nM(1)\n")

    def arguments(p):
        p.add_argument("file")

    @command("count-lines", "count FILE's lines", arguments=arguments, flags=("config", "output"))
    def count(ns, compiler_command):
        print("%d lines, -D %s" % (len(open(ns.file).read().splitlines()), ns.macro_options))
        return 0

    registry.register("trace", "results", lambda trace, options: "".join(
        i.result + "\n" for i in trace.invocations))
    try:
        status, out, _ = run_macrotrace(["--help"])
        assert status == 0 and "count-lines" in out and "count FILE's lines" in out
        status, out, err = run_macrotrace(["count-lines", path, "-D", "X=1"])
        assert (status, out) == (0, "2 lines, -D [('D', 'X=1')]\n"), err
        status, out, err = run_macrotrace(["M", path, "--no-bundled-headers", "--format", "results"])
        assert (status, out) == (0, "1\n"), err
    finally:
        del COMMANDS["count-lines"]
        del registry._FORMATS["trace"]["results"]
    status, _, err = run_macrotrace(["M", path, "--format", "results"])
    assert status == 2 and "invalid choice" in err


def test_each_command_module_is_named_as_its_command():
    """The command line imports only the module of the command it runs, found by name."""
    from macrotrace.cli import commands
    from macrotrace.cli.registry import COMMANDS
    commands.load_all()
    for name in commands.module_names():
        registered = [c.name for c in COMMANDS.values()
                      if c.run.__module__ == "%s.%s" % (commands.__name__, name)]
        assert registered == [name.replace("_", "-")], (name, registered)
