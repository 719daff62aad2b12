#!/usr/bin/env python3
"""Measure CI snapshots: their size, and ``check`` serial against ``check -j N``.

    python benchmarks/check.py [--files 24] [--jobs 2]

Makes a throw-away repository of FILES copies of examples/hello.c, snapshots every
``module_init`` in it with ``--matrix``, then times ``check -j 1`` and ``check -j N``
(wall and CPU time of the processes, which the noise of a shared machine moves less),
and compares the size of one snapshot with the plain ``--format json`` matrix.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(argv, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "macrotrace"] + argv, cwd=cwd, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit("macrotrace %s: %s" % (" ".join(argv), proc.stderr.strip()))
    return wall, cpu, proc.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="macrotrace-bench-check-")
    try:
        os.makedirs(os.path.join(work, ".git"))
        os.makedirs(os.path.join(work, "src"))
        with open(os.path.join(ROOT, "examples", "hello.c")) as fh:
            hello = fh.read()
        for k in range(args.files):
            with open(os.path.join(work, "src", "m%03d.c" % k), "w") as fh:
                fh.write(hello.replace("hello", "m%03d" % k))
        wall, cpu, _ = run(["snapshot", "module_init", "src", "-o", "exp", "--matrix", "-j", str(args.jobs)], work)
        print("snapshot of %d files (--matrix, -j %d): %.2f s wall, %.2f s CPU" % (args.files, args.jobs, wall, cpu))
        one = os.path.join(work, "exp", "src", "m000.c.module_init.json")
        run(["module_init", "src/m000.c", "--matrix", "--format", "json", "-o", "plain.json"], work)
        print("one matrix snapshot: %d bytes (plain --format json: %d bytes)" % (
            os.path.getsize(one), os.path.getsize(os.path.join(work, "plain.json"))))
        for jobs in (1, args.jobs):
            wall, cpu, _ = run(["check", "exp", "-j", str(jobs)], work)
            print("check -j %d: %.2f s wall, %.2f s CPU" % (jobs, wall, cpu))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
