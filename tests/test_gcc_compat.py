"""Inputs gcc accepts that macrotrace once refused or crashed on (issue 15): each one is
run through ``gcc -E -P`` and ``macrotrace expand`` with the same flags, and the outputs
must be the same tokens, spaced the same way."""

import os

import pytest

from difftest import (GCC, assert_same_tokens, first_spacing_difference, gcc_expand, ours_expand,
                      run_macrotrace)

pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")


def same_as_gcc(tmp_path, source, flags=(), name="t.c", ours_flags=None, encoding="utf-8"):
    """Write ``source`` (str or bytes) to tmp_path/name, preprocess it with both, compare;
    returns (gcc's output, gcc's stderr, our stderr)."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(source if isinstance(source, bytes) else source.encode(encoding))
    rc, expected, err = gcc_expand(name, list(flags), cwd=str(tmp_path))
    assert rc == 0, "gcc must accept the input: %s" % err
    status, ours, our_err = ours_expand(name, list(flags if ours_flags is None else ours_flags),
                                        cwd=str(tmp_path))
    assert status == 0, our_err
    assert_same_tokens(ours, expected, name)
    diff = first_spacing_difference(ours, expected)
    assert diff is None, diff
    return expected, err, our_err


# -- the crash ------------------------------------------------------------------

def test_pragma_operator_as_a_macro_argument(tmp_path):
    """``ID(_Pragma) ("foo")`` once ended in exit 3 (IndexError): gcc prints #pragma foo."""
    out, _, _ = same_as_gcc(tmp_path, '#define ID(x) x\nID(_Pragma) ("foo")\nafter\n')
    assert "#pragma foo" in out


def test_pragma_operator_as_a_macro_argument_traced(tmp_path):
    (tmp_path / "t.c").write_text('#define ID(x) x\nID(_Pragma) ("foo")\n')
    status, out, err = run_macrotrace(["ID", "t.c", "--no-bundled-headers", "--format", "json"],
                                      cwd=str(tmp_path))
    assert status == 0, err
    import json
    inv = json.loads(out)["invocations"][0]
    # ID gives _Pragma, whose rescan takes ("foo") from the rest of the line
    assert [s["text"] for s in inv["steps"]] == ['ID(_Pragma) ("foo")', '_Pragma ("foo")', "#pragma foo"]
