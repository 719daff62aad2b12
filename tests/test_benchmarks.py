"""benchmarks/run.py --smoke: the harness runs and prints one row per goal of issue 18,
each with a measured figure, and leaves nothing in the user's cache (no timing checked)."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GOALS = ("cold start", "shared headers", "warm: the same unit again", "first trace after a warm expand",
         "first expand after a trace", "peak RSS, worst unit", "big unit: cold expand",
         "big unit: peak RSS", "200-invocation trace → JSON file: peak RSS",
         "200-invocation trace → HTML file: time", "progress line on a terminal", "cache size after the set")


def test_smoke_prints_every_goal_and_keeps_the_users_cache(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), PYTHONPATH=ROOT)
    env.pop("XDG_CACHE_HOME", None)
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "run.py"), "--smoke"],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for goal in GOALS:
        row = [ln for ln in lines if ln.startswith(goal)]
        assert len(row) == 1, (goal, proc.stdout)
    # measured figures where the bundled headers can give them, a dash where they cannot
    # (the big unit is a Kbuild unit)
    cold = [ln for ln in lines if ln.startswith("cold start")][0]
    assert "×" in cold and ("ok" in cold or "MISS" in cold)
    rss = [ln for ln in lines if ln.startswith("peak RSS, worst unit")][0]
    assert " MB " in rss
    assert [ln for ln in lines if ln.startswith("big unit: cold expand")][0].rstrip().endswith("—")
    assert "Linux 6.1 Kbuild units: not measured (--smoke)" in proc.stdout
    # every run had a temporary cache: nothing in the user's
    assert not (home / ".cache" / "macrotrace").exists()
