"""Streamed traces (issue 18): ``--format json`` and ``--format html`` finish each
invocation as it completes and write from a spool; the output must be the document the
whole trace gives, byte for byte, and the JSON must still load."""

import json
import os
import subprocess
import sys

import pytest

from macrotrace.cli.commands.trace import produce
from macrotrace.render import html as html_format
from macrotrace.render import json as json_format
from macrotrace.snapshots.layout import loads
from macrotrace.trace.model import Trace
from macrotrace.trace.spool import Spool

HERE = os.path.dirname(os.path.abspath(__file__))
HELLO = os.path.join(os.path.dirname(HERE), "examples", "hello.c")

# invocations in each other's arguments (the inner one finishes first), a redefinition,
# a macro used only past the films, a byte that is not UTF-8
SOURCE = b"""#define CAT(a, b) a ## b
#define XCAT(a, b) CAT(a, b)
#define F(x) XCAT(f_, x) + G(x)
#define G(x) #x
F(1);
F(F(2));
int v = F(3) * F(F(F(4)));
#undef G
#define G(x) H(x)
#define H(x) [x]
F(5); F(7 "\xff");
"""


def run_cli(args, cwd):
    return subprocess.run([sys.executable, "-m", "macrotrace"] + args, cwd=cwd, capture_output=True)


@pytest.fixture
def source(tmp_path):
    (tmp_path / "s.c").write_bytes(SOURCE)
    return tmp_path


def whole(args, cwd):
    """The trace the same arguments give without streaming (the library's produce)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        obj, cut = produce(args)
    finally:
        os.chdir(old)
    assert not isinstance(obj.invocations, Spool)
    return obj, cut


VIEWS = [[], ["--all-steps"], ["--hide", "XCAT", "--backtrace"], ["--focus", "CAT"], ["--depth", "2"]]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: " ".join(v) or "default")
def test_streamed_json_is_the_whole_trace_s_json(source, view):
    args = ["F", "s.c", "--no-cache"] + view
    proc = run_cli(args + ["--format", "json", "-o", "out.json"], source)
    assert proc.returncode == 0, proc.stderr
    streamed = (source / "out.json").read_bytes()
    obj, _ = whole(args, source)
    assert len(obj.invocations) == 9
    assert streamed == json_format.dumps(obj).encode("utf-8", "surrogateescape")
    # and it loads, with the digest checked, into the same model
    back = loads(streamed.decode("utf-8", "surrogateescape"), "out.json")
    assert isinstance(back, Trace) and back == obj


def test_streamed_json_to_standard_output(source):
    args = ["F", "s.c", "--no-cache"]
    proc = run_cli(args + ["--format", "json"], source)
    assert proc.returncode == 0, proc.stderr
    obj, _ = whole(args, source)
    assert proc.stdout == json_format.dumps(obj).encode("utf-8", "surrogateescape")


@pytest.mark.parametrize("films", [None, "2", "0"])
def test_streamed_html_is_the_whole_trace_s_page(source, films):
    args = ["F", "s.c", "--no-cache"]
    more = ["--films", films] if films is not None else []
    proc = run_cli(args + ["--format", "html", "-o", "out.html"] + more, source)
    assert proc.returncode == 0, proc.stderr
    obj, _ = whole(args, source)
    page = html_format.render(obj, films=html_format.FILMS if films is None else int(films))
    assert (source / "out.html").read_text(encoding="utf-8") == page
    if films == "2":
        assert "7 more invocations" in page


def test_more_invocations_than_a_batch(tmp_path):
    from macrotrace.streaming import BATCH
    (tmp_path / "s.c").write_bytes(SOURCE + b"F(F(6)); F(7);\n" * BATCH)
    args = ["F", "s.c", "--no-cache", "--hide", "CAT"]
    for fmt in ("json", "html"):
        proc = run_cli(args + ["--format", fmt, "-o", "out." + fmt], tmp_path)
        assert proc.returncode == 0, proc.stderr
    obj, _ = whole(args, tmp_path)
    assert len(obj.invocations) == 9 + 3 * BATCH
    assert (tmp_path / "out.json").read_bytes() == json_format.dumps(obj).encode("utf-8", "surrogateescape")
    assert (tmp_path / "out.html").read_text(encoding="utf-8") == html_format.render(obj)


def test_a_cut_trace_streams_the_invocations_so_far(source):
    args = ["F", "s.c", "--no-cache", "--max-steps", "5"]
    proc = run_cli(args + ["--format", "json", "-o", "out.json"], source)
    assert proc.returncode == 2 and b"--max-steps" in proc.stderr
    obj, cut = whole(args, source)
    assert cut is not None and [inv.line for inv in obj.invocations if inv.cut] == [6]
    assert (source / "out.json").read_bytes() == json_format.dumps(obj).encode("utf-8", "surrogateescape")


def test_focus_on_a_macro_never_expanded_is_the_same_error(source):
    for fmt in ("json", "text"):
        proc = run_cli(["F", "s.c", "--no-cache", "--focus", "NOPE", "--format", fmt], source)
        assert proc.returncode == 2
        assert proc.stderr.decode().strip() == ("s.c:5: error: --focus NOPE: never expanded by F here "
                                                "(nor in the 8 other invocations)")


def test_a_macro_reached_through_others_is_not_streamed_and_still_right(tmp_path):
    # __define_initcall is never written in hello.c: the whole trace is needed to know
    # which invocations reach it (streaming.py); the output is the same either way
    args = ["__define_initcall", HELLO, "--no-cache"]
    proc = run_cli(args + ["--format", "json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    obj, _ = whole(args, tmp_path)
    assert proc.stdout == json_format.dumps(obj).encode()


def test_spool_is_a_sequence_of_copies(source):
    obj, _ = whole(["F", "s.c", "--no-cache"], source)
    spool = Spool()
    for inv in obj.invocations:
        spool.append(inv)
    assert len(spool) == 9 and list(spool) == obj.invocations
    assert spool[-1] == obj.invocations[-1] and spool[2:4] == obj.invocations[2:4]
    with pytest.raises(IndexError):
        spool[9]
    spool[0].result = "changed"
    assert spool[0].result == obj.invocations[0].result
    laid_out = json_format.spool()
    for inv in obj.invocations:
        laid_out.append(inv)
    assert list(laid_out) == obj.invocations        # read back through the model's loader
    assert json.loads("[%s]" % b",".join(laid_out.stored()).decode("utf-8", "surrogateescape")) == \
        json.loads(json_format.dumps(obj))["invocations"]
