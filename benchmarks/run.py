#!/usr/bin/env python3
"""Measure macrotrace against plain pcpp and gcc -E, in one run, side by side.

    python benchmarks/run.py [--runs N] [--quick]

1. ``macrotrace expand`` vs ``pcpp`` vs ``gcc -E -P`` on a generated file with 2,000
   ``module_init`` invocations over the bundled headers, and on a real kernel module
   (Debian's linux-headers-amd64) when it is installed;
2. a full trace of all 2,000 invocations (``--format json``) against the same baselines;
3. the scaling from 2,000 to 8,000 invocations (time ratio; linear is ~4);
4. peak memory (max RSS) of each;
5. on the kernel module, the second run of a trace (state cache warm) against the first;
6. real Kbuild units of one tree (benchmarks/tree.py): cold, and one after another from
   an empty cache (shared preambles), as ratios to gcc -E of each unit.
Medians over several runs; ratios are computed within this run (machines are noisy,
absolute times mean little), of wall time and of CPU time (user + system), which the
noise of a shared machine moves less.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from kernel_tree import kernel_tree  # noqa: E402  (benchmarks/kernel_tree.py)

from macrotrace.resources import headers_dir  # noqa: E402

TIME = shutil.which("time") and "/usr/bin/time"
DEFS = ['-DKBUILD_MODNAME="bench"', "-D__KBUILD_MODNAME=kmod_bench", '-DKBUILD_MODFILE="bench"']


def generate(path, count):
    with open(path, "w") as fh:
        fh.write("#include <linux/init.h>\n#include <linux/module.h>\n\n")
        for i in range(count):
            fh.write("static int __init fn_%d(void) { return %d; }\nmodule_init(fn_%d);\n" % (i, i, i))


def measure(argv, cwd=None, env=None):
    """(wall seconds, max RSS in MB, CPU seconds) of one run of argv."""
    out = tempfile.NamedTemporaryFile(delete=False)
    out.close()
    cmd = [TIME, "-f", "%U %S %e %M", "-o", out.name] + argv
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    with open(out.name) as fh:
        fields = fh.read().split()
    os.unlink(out.name)
    if proc.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(argv[:3]), proc.stderr.strip().splitlines()[-1:]))
    return float(fields[-2]), int(fields[-1]) / 1024.0, float(fields[-4]) + float(fields[-3])


def median_of(argv, runs, cwd=None, env=None, before=None):
    """(median wall time, max RSS, median CPU time) over ``runs`` runs."""
    times, rss, cpu = [], [], []
    for _ in range(runs):
        if before:
            before()
        t, m, c = measure(argv, cwd, env)
        times.append(t)
        rss.append(m)
        cpu.append(c)
    return statistics.median(times), max(rss), statistics.median(cpu)


def macrotrace(*args):
    return [sys.executable, "-m", "macrotrace"] + list(args)


def row(name, result, base=None):
    """One line: wall time, peak RSS, CPU time, and both as ratios to ``base``."""
    t, m, c = result
    ratio = "" if base is None else "%6.2f× %6.2f×" % (t / base[0], c / base[2])
    print("  %-44s %8.2f s %8.0f MB %8.2f s  %s" % (name, t, m, c, ratio))


def header():
    print("  %-44s %10s %11s %10s  %s" % ("", "wall", "peak RSS", "CPU", "ratio: wall, CPU"))


def bench_generated(runs, counts, env):
    hd = headers_dir()
    results = {}
    work = tempfile.mkdtemp(prefix="macrotrace-bench-")
    for count in counts:
        src = os.path.join(work, "gen%d.c" % count)
        generate(src, count)
        print("\n%d module_init invocations over the bundled headers" % count)
        pcpp_args = ["pcpp", "-I", hd] + [a.replace("-D", "-D ", 1) for a in []] + \
            ["-D", 'KBUILD_MODNAME="bench"', "-D", "__KBUILD_MODNAME=kmod_bench", "-D", 'KBUILD_MODFILE="bench"',
             "-o", os.devnull, src]
        gcc = median_of(["gcc", "-E", "-P", "-undef", "-std=gnu11", "-nostdinc", "-I", hd] + DEFS +
                        [src, "-o", os.devnull], runs)
        pcpp = median_of(pcpp_args, runs)
        expand = median_of(macrotrace("expand", src, "--modname", "bench", "--no-cache", "-o", os.devnull),
                           runs, env=env)
        trace = median_of(macrotrace("module_init", src, "--modname", "bench", "--no-cache", "--format",
                                     "json", "-o", os.devnull), runs, env=env)
        header()
        row("gcc -E -P", gcc, base=pcpp)
        row("pcpp", pcpp, base=pcpp)
        row("macrotrace expand", expand, base=pcpp)
        row("macrotrace module_init --format json (trace)", trace, base=pcpp)
        results[count] = {"gcc": gcc, "pcpp": pcpp, "expand": expand, "trace": trace}
    shutil.rmtree(work, ignore_errors=True)
    return results


def bench_kernel(runs, env):
    tree = kernel_tree()
    if tree is None or shutil.which("make") is None:
        print("\nreal kernel module: skipped (apt-get install linux-headers-amd64 make)")
        return None
    work = tempfile.mkdtemp(prefix="macrotrace-kbench-")
    with open(os.path.join(work, "hello.c"), "w") as fh:
        fh.write('#include <linux/init.h>\n#include <linux/module.h>\nMODULE_LICENSE("GPL");\n'
                 'static int __init hello_init(void) { pr_info("hello\\n"); return 0; }\n'
                 'static void __exit hello_exit(void) { }\nmodule_init(hello_init);\nmodule_exit(hello_exit);\n')
    with open(os.path.join(work, "Makefile"), "w") as fh:
        fh.write("obj-m := hello.o\n")
    subprocess.run(["make", "-C", tree, "M=" + work, "modules"], capture_output=True, check=True)
    from macrotrace.compile_command import find_build_dir, parse_command, read_cmd_file, without_output
    argv, deps = read_cmd_file(os.path.join(work, ".hello.o.cmd"))
    build = find_build_dir(deps, parse_command(argv), [tree])
    gcc_argv = without_output(argv)
    parsed = parse_command(argv)
    predef = os.path.join(work, "predef.h")
    with open(predef, "w") as fh:
        out = subprocess.run([parsed["compiler"][0], "-dM", "-E", "-x", "c", os.devnull] +
                             parsed["compiler_flags"], capture_output=True, text=True).stdout
        fh.write(out)
    pcpp_args = ["pcpp"]
    for d in parsed["include_dirs"]:
        pcpp_args += ["-I", d]
    for kind, value in parsed["macro_options"]:
        pcpp_args += ["-" + kind, value]
    pcpp_args += ["-o", os.devnull, predef] + parsed["forced_includes"] + [parsed["source"]]
    src = os.path.join(work, "hello.c")
    print("\nreal kernel module (Linux %s, hello.c, the Kbuild command)" % os.path.basename(tree))
    gcc = median_of(gcc_argv + ["-E", "-P", "-o", os.devnull], runs, cwd=build)
    pcpp = median_of(pcpp_args, runs, cwd=build)
    expand = median_of(macrotrace("expand", src, "--no-cache", "-o", os.devnull), runs, env=env)
    trace = median_of(macrotrace("module_init", src, "--no-cache", "--format", "json", "-o", os.devnull),
                      runs, env=env)
    cache_dir = tempfile.mkdtemp(prefix="macrotrace-kcache-")
    cenv = dict(env, XDG_CACHE_HOME=cache_dir)

    def clear():
        shutil.rmtree(cache_dir, ignore_errors=True)
        os.makedirs(cache_dir)
    first = median_of(macrotrace("module_init", src, "--format", "json", "-o", os.devnull), runs,
                      env=cenv, before=clear)
    second = median_of(macrotrace("module_init", src, "--format", "json", "-o", os.devnull), runs,
                       env=cenv)
    header()
    row("gcc -E -P", gcc, base=pcpp)
    row("pcpp", pcpp, base=pcpp)
    row("macrotrace expand", expand, base=pcpp)
    row("macrotrace module_init (trace)", trace, base=pcpp)
    row("trace, first run (cache cold, saving)", first, base=first)
    row("trace, second run (cache warm)", second, base=first)
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(cache_dir, ignore_errors=True)
    return {"gcc": gcc, "pcpp": pcpp, "expand": expand, "trace": trace, "first": first, "second": second}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    ap.add_argument("--quick", action="store_true", help="one run each, 2,000 and 8,000 only")
    ns = ap.parse_args()
    if TIME is None or shutil.which("pcpp") is None or shutil.which("gcc") is None:
        sys.exit("benchmarks need /usr/bin/time, pcpp and gcc on PATH")
    runs = 1 if ns.quick else ns.runs
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    print("medians of %d run(s); ratios (of wall and of CPU time) are against plain pcpp measured"
          " in this run" % runs)
    gen = bench_generated(runs, (2000, 8000), env)
    print("\nscaling 2,000 -> 8,000 invocations (linear = 4.0):")
    for name in ("gcc", "pcpp", "expand", "trace"):
        print("  %-10s %5.2f" % (name, gen[8000][name][0] / gen[2000][name][0]))
    bench_kernel(runs, env)
    import tree             # real Kbuild units of one tree, cold and in turn (issue 18)
    tree.main()


if __name__ == "__main__":
    main()
