"""The output bound (RunConfig.max_output_tokens): a run whose output passes it stops
with an error at the token that passed it, the same whether the expander's own loop
prints (``expand``: Expander.pump) or the preprocessor's loop with a recorder (a trace),
and counting what replayed header segments printed."""

from macrotrace import tracing
from macrotrace.config import RunConfig
from macrotrace.engine import session
from macrotrace.engine.diagnostics import PreprocessError
from macrotrace.record import replace

import pytest


def _unit(tmp_path):
    inc = tmp_path / "inc"
    inc.mkdir()
    (inc / "h.h").write_text("#ifndef H\n#define H\nint h1;\nint h2;\n#endif\n")
    src = tmp_path / "u.c"
    # 6 header tokens, then 3 + 3 + 5 of the file's own
    src.write_text('#include "h.h"\n#define TWO(x) x x\nint a;\nint b;\nTWO(c) d e;\n')
    return RunConfig(source=str(src), include_dirs=(str(inc),), bundled_headers=False), src


def _cut(run):
    with pytest.raises(PreprocessError) as e:
        run()
    return str(e.value)


def _outcome(run):
    try:
        run()
    except PreprocessError as e:
        return str(e)
    return "ok"


def test_expand_and_trace_stop_at_the_same_token(tmp_path, monkeypatch):
    # every bound up to the whole output: the same error (or none) both ways
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config, src = _unit(tmp_path)
    config = replace(config, cache=False)
    outcomes = []
    for limit in range(1, 60):
        bounded = replace(config, max_output_tokens=limit)
        expanded = _outcome(lambda: session.expand(bounded))
        assert expanded == _outcome(lambda: tracing.run_trace(replace(bounded, macro="TWO")))
        outcomes.append(expanded)
        if expanded == "ok":
            break
    assert outcomes[-1] == "ok" and len(outcomes) > 10, outcomes
    for limit, message in enumerate(outcomes[:-1], 1):
        assert "output cut after %d tokens (a bigger output is refused)" % limit in message
    # the cut comes at a token of the header, then of the file, in the order they print
    files = [("h.h" if "h.h:" in m else "u.c" if "u.c:" in m else "-") for m in outcomes[:-1]]
    assert "h.h" in files and "u.c" in files
    assert files.index("u.c") > max(k for k, f in enumerate(files) if f == "h.h")


def test_a_replayed_header_counts(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config, src = _unit(tmp_path)
    whole = session.expand(config).text
    for runs in range(2):           # (the second replays the header's segment)
        assert session.expand(config).text == whole
        message = _outcome(lambda: session.expand(replace(config, max_output_tokens=3)))
        assert "output cut after 3 tokens" in message
