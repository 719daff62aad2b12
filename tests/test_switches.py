"""The switch table (config.SWITCHES), what a trace depends on, and --matrix's axes."""

import json
import os

from difftest import gcc_expand, run_macrotrace, tokens
from macrotrace.config import SWITCHES, RunConfig, Switch

SRC = """\
#ifndef T_H
#define T_H
#endif
#define IS_ON(x) 0
#ifdef CONFIG_FAST
#define step(x) fast_##x
#elif defined(CONFIG_SMALL) && __has_attribute(__cold__)
#define step(x) small_##x
#else
#define step(x) slow_##x
#endif
#if IS_ON(CONFIG_TRACE) || CONFIG_LEVEL > 0x1F || __GNUC__ > 99
#define wrap(x) [step(x)]
#else
#define wrap(x) step(x)
#endif
#define unrelated 1
wrap(a);
"""


SMALL = "#ifdef CONFIG_FAST\n#define step(x) fast_##x\n#else\n#define step(x) slow_##x\n#endif\nstep(a);\n"


def write(tmp_path, text=SRC, name="t.c"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_a_trace_reports_what_it_depends_on(tmp_path):
    """The symbols of the #if/#elif/#else conditions around the definitions used, the
    earlier branches' included; not the include guard, not a helper called like a
    function, not what __has_attribute asks, not a name reserved to the implementation."""
    path = write(tmp_path)
    status, out, err = run_macrotrace(["wrap", path, "--no-bundled-headers", "--format", "json"])
    assert status == 0, err
    data = json.loads(out)
    expected = ["CONFIG_TRACE", "CONFIG_LEVEL", "CONFIG_FAST", "CONFIG_SMALL"]
    assert data["depends_on"] == expected
    assert data["invocations"][0]["depends_on"] == expected
    wrap = [d for d in data["definitions"].values() if d["name"] == "wrap"][0]
    assert wrap["conditions"][-1]["symbols"] == ["CONFIG_TRACE", "CONFIG_LEVEL", "__GNUC__"]
    status, out, err = run_macrotrace(["wrap", path, "--no-bundled-headers", "--color", "never"])
    assert "depends on: " + ", ".join(expected) in out
    page = tmp_path / "r.html"
    status, _, err = run_macrotrace(["wrap", path, "--no-bundled-headers", "--format", "html", "-o", str(page)])
    assert status == 0, err
    html = page.read_text()
    assert "depends on" in html and all('<code class="chip">%s</code>' % s in html for s in expected)
    # a macro whose definition is under no condition depends on nothing
    status, out, err = run_macrotrace(["unrelated", write(tmp_path, SRC + "int u = unrelated;\n"),
                                       "--no-bundled-headers", "--format", "json"])
    assert json.loads(out)["depends_on"] == []


def test_matrix_takes_any_axes_and_each_run_is_gccs(tmp_path):
    """--matrix=A,B varies exactly A and B (any macro names), every combination, and the
    result of each run is gcc -E's under the same -D flags."""
    path = write(tmp_path)
    status, out, err = run_macrotrace(["wrap", path, "--no-bundled-headers", "--format", "json",
                                       "--matrix=CONFIG_FAST,CONFIG_TRACE"])
    assert status == 0, err
    data = json.loads(out)
    assert [r["label"] for r in data["runs"]] == [
        "CONFIG_FAST=n CONFIG_TRACE=n", "CONFIG_FAST=n CONFIG_TRACE=y",
        "CONFIG_FAST=y CONFIG_TRACE=n", "CONFIG_FAST=y CONFIG_TRACE=y"]
    for run in data["runs"]:
        flags = ["-D" + name for name, on in run["switches"].items() if on]
        _, expected, _ = gcc_expand(path, flags)
        result = run["trace"]["invocations"][0]["result"]
        assert " ".join(tokens(result)) in " ".join(tokens(expected)), (run["label"], result)
    assert data["also_depends_on"] == ["CONFIG_LEVEL", "CONFIG_SMALL"]
    # by default: the table's switches, then the other symbols the trace depends on
    small = write(tmp_path, SMALL, "small.c")
    status, out, err = run_macrotrace(["step", small, "--no-bundled-headers", "--format", "json", "--matrix"])
    assert status == 0, err
    runs = json.loads(out)["runs"]
    assert list(runs[0]["switches"]) == [s.macro for s in SWITCHES] + ["CONFIG_FAST"]
    assert len(runs) == 16 and runs[-1]["label"] == "LTO=y PREL32=y MODULE=y CONFIG_FAST=y"
    assert tokens(runs[-1]["trace"]["invocations"][0]["result"]) == ["fast_a"]
    # bounded: seven symbols would be 128 runs
    status, _, err = run_macrotrace(["wrap", path, "--no-bundled-headers", "--matrix"])
    assert status == 2 and "128 runs" in err and "CONFIG_SMALL" in err
    assert len(err.strip().splitlines()) == 1
    status, _, err = run_macrotrace(["wrap", path, "--no-bundled-headers", "--matrix=CONFIG_FAST,1x"])
    assert status == 2 and "--matrix takes macro names" in err


def test_adding_a_switch_is_one_row(tmp_path):
    """A row added to the table at run time gives a flag, a RunConfig keyword, a label
    and a default --matrix axis."""
    path = write(tmp_path)
    SWITCHES.append(Switch("fast", "--fast", "CONFIG_FAST", "FAST", "define CONFIG_FAST"))
    try:
        status, out, _ = run_macrotrace(["trace", "--help"])
        assert "--fast" in out and "define CONFIG_FAST" in out
        config = RunConfig(source=path, fast=True)
        assert config.fast and not config.lto and "-DCONFIG_FAST" in config.describe()["defines"]
        status, out, err = run_macrotrace(["wrap", path, "--no-bundled-headers", "--fast", "--format", "json"])
        assert status == 0, err
        data = json.loads(out)
        assert data["config"]["switches"]["CONFIG_FAST"] is True
        assert tokens(data["invocations"][0]["result"]) == ["fast_a"]
        small = write(tmp_path, SMALL, "small.c")
        status, out, err = run_macrotrace(["step", small, "--no-bundled-headers", "--matrix", "--color", "never"])
        assert status == 0, err
        assert "16 configurations, 2 distinct results" in out
        assert "LTO=n PREL32=n MODULE=n FAST=y" in out and "CONFIG_FAST=" not in out
    finally:
        SWITCHES.pop()
    status, _, err = run_macrotrace(["wrap", path, "--fast"])
    assert status == 2 and "unrecognized arguments: --fast" in err
