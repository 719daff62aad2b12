#!/usr/bin/env python3
"""Measure issue 18's goals in one run and print one table of ratios to gcc -E.

    python benchmarks/run.py [--quick | --smoke] [--per-dir N] [--markdown]

Every figure is a ratio to ``gcc -E`` of the same unit measured in the same run (CPU
time, user + system, as the headline; wall time beside), or a peak RSS.  Two sets:

* bundled headers: units generated over macrotrace's own model of the kernel headers;
* Linux 6.1 Kbuild units (when Debian's linux-headers-amd64 and linux-source-6.1 are
  installed): real source files of lib, crypto, fs, kernel, net, drivers... each built
  out of tree by Kbuild (benchmarks/tree.py), macrotrace given Kbuild's command.

For each set: cold (each unit from its own empty cache), the set one after another
from one empty cache (header segments shared: every unit after the first), the same unit
again (warm), the first trace after a warm ``expand`` and the first ``expand`` after a
trace, peak RSS, a 2,000-invocation trace written as JSON and as HTML, a progress line
on a terminal, and the cache's size at the end against its cap.  Every macrotrace run
gets a temporary ``XDG_CACHE_HOME``: the user's cache is never read nor written.
"""

import argparse
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import tree  # noqa: E402  (benchmarks/tree.py: the Kbuild units)

from macrotrace.engine.diskcache import max_bytes  # noqa: E402
from macrotrace.resources import headers_dir  # noqa: E402

DEFS = ['-DKBUILD_MODNAME="bench"', "-D__KBUILD_MODNAME=kmod_bench", '-DKBUILD_MODFILE="bench"']
MB = 1024 * 1024


class Failed(Exception):
    pass


class Run:
    """One measured run: wall and CPU seconds, peak RSS in MB, what it wrote on stderr."""

    def __init__(self, wall, cpu, rss, stderr=""):
        self.wall, self.cpu, self.rss, self.stderr = wall, cpu, rss, stderr


def measure(argv, cwd=None, env=None, tty=False):
    """Run argv once; its CPU time and peak RSS from the kernel's accounting of the
    process and the children it waited for (gcc's cc1), as /usr/bin/time.  ``tty``: its
    stderr is a terminal (a pty), whose output is kept, as a user would see it."""
    chunks = []
    with tempfile.TemporaryFile() as err:
        if tty:
            master, slave = pty.openpty()

            def drain():
                while True:
                    try:
                        data = os.read(master, 4096)
                    except OSError:
                        return
                    if not data:
                        return
                    chunks.append(data)
            reader = threading.Thread(target=drain)
            reader.start()
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=slave if tty else err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if tty:
            os.close(slave)
            reader.join()
            os.close(master)
        else:
            err.seek(0)
            chunks.append(err.read())
    stderr = b"".join(chunks).decode("utf-8", "replace")
    if proc.returncode != 0:
        last = [ln for ln in stderr.splitlines() if ln.strip()][-1:] or ["exit status %d" % proc.returncode]
        raise Failed("%s: %s" % (" ".join(os.path.basename(a) for a in argv[:4]), last[0].strip()))
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, stderr)


def macrotrace(*args):
    return [sys.executable, "-m", "macrotrace"] + list(args)


class Generated:
    """A generated unit over the bundled headers, with the gcc -E command to match."""

    def __init__(self, path, name, macro="module_init"):
        self.src, self.name, self.macro = path, name, macro

    def gcc_command(self):
        return (["gcc", "-E", "-P", "-undef", "-std=gnu11", "-nostdinc", "-I", headers_dir()] + DEFS +
                [self.src, "-o", os.devnull], None)

    def args(self):
        return [self.src, "--modname", "bench"]


def generated_text(count, headers=("linux/init.h", "linux/module.h"), macro="module_init"):
    """A unit of ``count`` functions each handed to ``macro`` (a module may hold only one
    module_init: a unit Kbuild builds exports them instead)."""
    lines = ["#include <%s>" % h for h in headers] + [""]
    for i in range(count):
        if macro == "module_init":
            lines.append("static int __init fn_%d(void) { return %d; }\nmodule_init(fn_%d);" % (i, i, i))
        else:
            lines.append("int fn_%d(void) { return %d; }\n%s(fn_%d);" % (i, i, macro, i))
    return "\n".join(lines) + "\n"


BUNDLED = ("linux/types.h", "linux/compiler.h", "linux/build_bug.h", "linux/printk.h", "linux/init.h",
           "linux/module.h")


def bundled_units(work, count, invocations):
    """``count`` units over the bundled headers, each including them in another order."""
    units = []
    for k in range(count):
        order = BUNDLED[k % len(BUNDLED):] + BUNDLED[:k % len(BUNDLED)]
        path = os.path.join(work, "bundled_%d.c" % k)
        with open(path, "w") as fh:
            fh.write(generated_text(invocations * (k + 1) // count + 1, order))
        units.append(Generated(path, "bundled_%d.c" % k))
    return units


class Bench:
    """The runs' environment: byte code cached (as installed), a fresh cache per use."""

    def __init__(self, work, log):
        self.work, self.log, self.n = work, log, 0
        env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
                   PYTHONPYCACHEPREFIX=os.path.join(work, "pycache"))
        # a checkout run with PYTHONDONTWRITEBYTECODE would compile every module each time
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # what a user runs: the cache on with its default cap, no test-only checks
        for name in ("MACROTRACE_CACHE", "MACROTRACE_CACHE_MAX", "MACROTRACE_CHECK_FILM",
                     "MACROTRACE_PROGRESS_DELAY"):
            env.pop(name, None)
        self.env = env
        # compile every module the runs import once, before any is measured
        tiny = os.path.join(work, "tiny.c")
        with open(tiny, "w") as fh:
            fh.write(generated_text(1))
        for fmt in ("json", "html"):
            subprocess.run(macrotrace("module_init", tiny, "--format", fmt, "-o", os.devnull),
                           env=self.cache_env(), capture_output=True)
        subprocess.run(macrotrace("expand", tiny, "-o", os.devnull), env=self.cache_env(), capture_output=True)

    def cache_env(self):
        """An environment whose cache directory is new and empty."""
        self.n += 1
        return dict(self.env, XDG_CACHE_HOME=os.path.join(self.work, "cache%d" % self.n))

    def run(self, argv, env, label, tty=False):
        r = measure(argv, env=env, tty=tty)
        self.log("    %-48s %7.2f s CPU %7.2f s wall %6.0f MB" % (label, r.cpu, r.wall, r.rss))
        return r

    def gcc(self, unit):
        argv, cwd = unit.gcc_command()
        r = measure(argv, cwd=cwd)
        self.log("    %-48s %7.2f s CPU %7.2f s wall" % ("gcc -E " + unit.name, r.cpu, r.wall))
        return r


def ratio(run, base):
    """(CPU ratio, wall ratio)."""
    return run.cpu / max(base.cpu, 1e-3), run.wall / max(base.wall, 1e-3)


def cache_size(env):
    total = 0
    for d, _, files in os.walk(os.path.join(env["XDG_CACHE_HOME"], "macrotrace")):
        total += sum(os.path.getsize(os.path.join(d, f)) for f in files)
    return total


def measure_set(bench, units, big, reverse):
    """Every per-unit goal on ``units`` (and the big unit's memory): a dict of figures."""
    out = {"skipped": []}
    gcc, cold, seq, warm, trace_after, expand_after = {}, {}, {}, {}, {}, {}
    for u in units:
        try:
            gcc[u.name] = bench.gcc(u)
            cold[u.name] = bench.run(macrotrace("expand", *u.args(), "-o", os.devnull), bench.cache_env(),
                                     "cold expand " + u.name)
        except Failed as e:
            out["skipped"].append("%s: %s" % (u.name, e))
    units = [u for u in units if u.name in cold]
    # one after another from one empty cache; each unit again right after its turn (warm),
    # then its first trace.  (Each again only after the whole set would measure the
    # cache's cap instead: a set bigger than the cap is evicted in the order it is read.)
    shared = bench.cache_env()
    for u in units:
        seq[u.name] = bench.run(macrotrace("expand", *u.args(), "-o", os.devnull), shared, "in turn " + u.name)
        warm[u.name] = bench.run(macrotrace("expand", *u.args(), "-o", os.devnull), shared, "again " + u.name)
        try:
            trace_after[u.name] = bench.run(macrotrace("trace", u.macro, *u.args(), "--format", "json",
                                                       "-o", os.devnull), shared, "trace after expand " + u.name)
        except Failed as e:
            out["skipped"].append("%s (trace %s): %s" % (u.name, u.macro, e))
    if units:
        first = bench.run(macrotrace("expand", *units[0].args(), "-o", os.devnull), shared,
                          "after the set, again " + units[0].name)
    # the other way round: a trace from an empty cache, then the first expand
    cold_trace = []
    for u in reverse(units):
        env = bench.cache_env()
        try:
            cold_trace.append(bench.run(macrotrace("trace", u.macro, *u.args(), "--format", "json", "-o",
                                                   os.devnull), env, "cold trace " + u.name))
            expand_after[u.name] = bench.run(macrotrace("expand", *u.args(), "-o", os.devnull), env,
                                             "expand after trace " + u.name)
        except Failed as e:
            out["skipped"].append("%s (trace %s): %s" % (u.name, u.macro, e))
    if not units:
        return out

    def ratios(runs, names=None):
        return [ratio(runs[n], gcc[n]) for n in (names or list(runs))]
    out["units"] = len(units)
    out["cold"] = ratios(cold)
    out["seq"] = ratios(seq, [u.name for u in units[1:]])
    out["warm"] = ratios(warm)
    out["trace_after"] = ratios(trace_after) if trace_after else None
    out["expand_after"] = ratios(expand_after) if expand_after else None
    out["rss"] = max(r.rss for runs in (cold, seq, warm, trace_after) for r in runs.values())
    out["rss_cold_trace"] = max(r.rss for r in cold_trace) if cold_trace else None
    out["cache"] = cache_size(shared)
    out["first_again"] = ratio(first, gcc[units[0].name])
    if big is not None:
        try:
            g = bench.gcc(big)
            env = bench.cache_env()
            c = bench.run(macrotrace("expand", *big.args(), "-o", os.devnull), env, "cold expand " + big.name)
            t = bench.run(macrotrace("trace", big.macro, *big.args(), "--format", "json", "-o", os.devnull),
                          env, "trace after expand " + big.name)
            env = bench.cache_env()
            ct = bench.run(macrotrace("trace", big.macro, *big.args(), "--format", "json", "-o", os.devnull),
                           env, "cold trace " + big.name)
            out["big"] = {"name": big.name, "headers": big.headers(), "gcc": g, "cold": ratio(c, g),
                          "rss": max(c.rss, t.rss, ct.rss), "trace_after": ratio(t, g)}
        except Failed as e:
            out["skipped"].append("%s: %s" % (big.name, e))
    return out


def measure_many(bench, unit):
    """A trace of every invocation of ``unit`` (2,000 module_init) written to a file as
    JSON and as HTML, each from an empty cache, stderr a terminal (the progress line)."""
    g = bench.gcc(unit)
    out = {}
    for fmt in ("json", "html"):
        dest = os.path.join(bench.work, "trace." + fmt)
        r = bench.run(macrotrace("trace", unit.macro, *unit.args(), "--format", fmt, "-o", dest),
                      bench.cache_env(), "trace → %s %s" % (fmt.upper(), unit.name), tty=True)
        out[fmt] = {"ratio": ratio(r, g), "rss": r.rss, "progress": progress_shown(r.stderr),
                    "wall": r.wall, "size": os.path.getsize(dest)}
        os.unlink(dest)
    return out


def progress_shown(stderr):
    """The progress line (macrotrace/progress.py) on the terminal's stderr."""
    return "macrotrace:" in stderr


# -- the table ------------------------------------------------------------------------------

def fmt_ratio(pair):
    return "%.1f× (wall %.1f×)" % pair


def median_pair(pairs):
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def worst_pair(pairs):
    return max(pairs)


def verdict(ok):
    return "ok" if ok else "MISS"


def progress_cell(f):
    runs = [f["many"][fmt] for fmt in ("json", "html")]
    if not any(r["wall"] > 3 for r in runs):
        return "n/a (runs under 3 s)"
    ok = all(r["progress"] for r in runs if r["wall"] > 3)
    return "%s %s" % ("shown" if ok else "not shown", verdict(ok))


def goal_rows(sets, cap, many=2000):
    """[(goal, target, {set name: cell})] from the measured figures."""
    rows = []

    def add(goal, target, cell):
        rows.append((goal, target, {name: cell(fig) for name, fig in sets.items()}))

    def guard(f):
        def cell(fig):
            try:
                return f(fig)
            except (KeyError, TypeError, ValueError):
                return "—"
        return cell

    add("cold start: median over the set (worst)", "≤ 5×", guard(lambda f: "%s, worst %.1f× %s" % (
        fmt_ratio(median_pair(f["cold"])), worst_pair(f["cold"])[0],
        verdict(median_pair(f["cold"])[0] <= 5))))
    add("shared headers: in turn from an empty cache, every unit after the first", "≤ 2× median",
        guard(lambda f: "%s, worst %.1f× %s" % (fmt_ratio(median_pair(f["seq"])), worst_pair(f["seq"])[0],
                                                 verdict(median_pair(f["seq"])[0] <= 2))))
    add("warm: the same unit again", "≤ 2× median", guard(lambda f: "%s %s" % (
        fmt_ratio(median_pair(f["warm"])), verdict(median_pair(f["warm"])[0] <= 2))))
    add("first trace after a warm expand of the unit", "warm: ≤ 2× median", guard(lambda f: "%s %s" % (
        fmt_ratio(median_pair(f["trace_after"])), verdict(median_pair(f["trace_after"])[0] <= 2))))
    add("first expand after a trace of the unit", "warm: ≤ 2× median", guard(lambda f: "%s %s" % (
        fmt_ratio(median_pair(f["expand_after"])), verdict(median_pair(f["expand_after"])[0] <= 2))))
    add("peak RSS, worst unit of the set (expand, trace)", "≤ 150 MB", guard(lambda f: "%.0f MB %s" % (
        max(f["rss"], f["rss_cold_trace"] or 0), verdict(max(f["rss"], f["rss_cold_trace"] or 0) <= 150))))
    add("big unit: cold expand", "≤ 5×", guard(lambda f: "%s %s" % (
        fmt_ratio(f["big"]["cold"]), verdict(f["big"]["cold"][0] <= 5))))
    add("big unit: first trace after its expand", "warm: ≤ 2×", guard(lambda f: "%s %s" % (
        fmt_ratio(f["big"]["trace_after"]), verdict(f["big"]["trace_after"][0] <= 2))))
    add("big unit: peak RSS (cold expand, cold trace)", "≤ 150 MB", guard(lambda f: "%.0f MB %s" % (
        f["big"]["rss"], verdict(f["big"]["rss"] <= 150))))
    for fmt in ("json", "html"):
        add("%s-invocation trace → %s file: peak RSS" % (format(many, ","), fmt.upper()), "≤ 200 MB",
            guard(lambda f, fmt=fmt: "%.0f MB %s" % (f["many"][fmt]["rss"], verdict(f["many"][fmt]["rss"] <= 200))))
        add("%s-invocation trace → %s file: time" % (format(many, ","), fmt.upper()), "(no target)",
            guard(lambda f, fmt=fmt: "%s, %.1f s wall" % (fmt_ratio(f["many"][fmt]["ratio"]),
                                                        f["many"][fmt]["wall"])))
    add("progress line on a terminal (the %s-invocation traces)" % format(many, ","), "shown after ~2 s", guard(progress_cell))
    add("the set's first unit again after the whole set", "(no target: the cap's LRU)",
        guard(lambda f: fmt_ratio(f["first_again"])))
    add("cache size after the set (shared cache)", "≤ cap (%d MB)" % (cap // MB), guard(lambda f: "%.1f MB %s" % (
        f["cache"] / MB, verdict(f["cache"] <= cap))))
    return rows


def print_table(rows, names, markdown):
    head = ["goal", "target"] + names
    body = [[goal, target] + [cells[n] for n in names] for goal, target, cells in rows]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(" --- " for _ in head) + "|")
        for r in body:
            print("| " + " | ".join(r) + " |")
        return
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    for r in [head] + body:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="one Kbuild unit per directory (a few minutes)")
    mode.add_argument("--smoke", action="store_true",
                      help="bundled headers only, small units (seconds): checks the harness, not the speed")
    ap.add_argument("--per-dir", type=int, default=None, help="Kbuild units per source directory (default 2)")
    ap.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every run as it is measured")
    ns = ap.parse_args()
    if shutil.which("gcc") is None:
        sys.exit("benchmarks/run.py: gcc -E is the baseline: install gcc")
    started = time.time()

    def log(line):
        if ns.verbose:
            print(line, file=sys.stderr, flush=True)
    work = tempfile.mkdtemp(prefix="macrotrace-bench-")
    try:
        bench = Bench(work, log)
        many_count = 200 if ns.smoke else 2000
        sets, notes = {}, []
        log("bundled headers")
        bdir = os.path.join(work, "bundled")
        os.makedirs(bdir)
        units = bundled_units(bdir, 3 if ns.smoke else 6, 30 if ns.smoke else 300)
        many_path = os.path.join(bdir, "many.c")
        with open(many_path, "w") as fh:
            fh.write(generated_text(many_count))
        figures = measure_set(bench, units, None, lambda us: us[:2])
        figures["many"] = measure_many(bench, Generated(many_path, "many.c"))
        sets["bundled headers"] = figures
        notes += figures["skipped"]
        why = "--smoke" if ns.smoke else tree.available()
        if why is None:
            per_dir = ns.per_dir or (1 if ns.quick else 2)
            log("building the Kbuild units (%d per directory)" % per_dir)
            many = generated_text(many_count, macro="EXPORT_SYMBOL")
            kunits, big, gen, skipped = tree.build_units(os.path.join(work, "kbuild"), per_dir,
                                                         extra=[("many.c", many)])
            notes += ["not built: " + s for s in skipped]
            figures = measure_set(bench, kunits, big, lambda us: us[:1 if ns.quick else 3])
            if "many.c" in gen:
                figures["many"] = measure_many(bench, gen["many.c"])
            name = "Linux 6.1 Kbuild units"
            sets[name] = figures
            notes += figures["skipped"]
            dirs = sorted({u.directory for u in kunits})
            set_line = "%s: %d units of %s; the big unit %s; one of %d %s" % (
                name, figures.get("units", 0), ", ".join(dirs),
                "%s (%d headers)" % (big.name, big.headers()) if big else "(not built)",
                many_count, gen["many.c"].macro if "many.c" in gen else "EXPORT_SYMBOL (not built)")
        else:
            set_line = "Linux 6.1 Kbuild units: not measured (%s)" % why
        print("macrotrace against gcc -E of the same unit, this run: CPU time ratio (wall beside), "
              "peak RSS, %s" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        print("bundled headers: %d generated units (each its own order of the headers); one of %d "
              "module_init" % (len(units), many_count))
        print(set_line)
        print()
        print_table(goal_rows(sets, max_bytes(), many_count), list(sets), ns.markdown)
        if notes:
            print()
            for n in notes:
                print("note: " + n)
        print("\nthe run took %.1f min" % ((time.time() - started) / 60))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
