#!/usr/bin/env python3
"""Run public preprocessor test suites through ``macrotrace expand`` and ``gcc -E`` and
compare, file by file.

    python benchmarks/peer_suites.py --wave PATH --mcpp PATH [--only NAME] [-v]

PATH is a checkout of the suite's repository, or its bare git directory (the files are
then read with ``git archive``); nothing is fetched here and no suite file is committed
to this project (CI cannot reach GitHub: the harness is run by hand).

- ``--wave``: Boost.Wave (github.com/boostorg/wave), ``test/testwave/testfiles/*.cpp``.
  Each file's ``//O`` lines give its options: -D/-U/-I, ``-S`` (a system directory:
  -isystem), ``--forceinclude`` (-include), ``--c99`` (-std=c99); Wave's own switches
  (--variadics, --long_long, --noguard, hooks...) need nothing from gcc, and -Werror is
  left out (the output is compared, not the warnings).  The files are C++ test files;
  they are preprocessed as C (``-x c``), by both.
- ``--mcpp``: the mcpp validation suite (mcpp's ``test-t/*.t`` and ``test-l/*.t``):
  n_* conforming, i_* implementation-defined, e_* must-fail, m_* multibyte encodings
  (EUC-JP, Shift-JIS, Big5, GB, KSC, JIS, UTF-8).
- ``--tcc-pp``, ``--tcc-tests2``: TinyCC's repository (github.com/TinyCC/tinycc):
  ``tests/pp`` (its preprocessor tests, from pcc's cpp tests; two are assembler ``.S``)
  and ``tests/tests2`` (C programs including the C library's headers: these are run
  with the system, ``gcc -E -P -std=gnu11`` against ``--cc gcc``).
- ``--chibicc``: chibicc's ``test/*.c`` (github.com/rui314/chibicc), with the system.
- ``--pcpp``: pcpp's regression inputs (github.com/ned14/pcpp ``tests/*.c``), bare.
- ``--mcpp-c``: the mcpp suite's ``test-c/*.c`` (the same tests as C programs that
  include <stdio.h>...), with the system.

Both run with the same flags: ``gcc -E -P -undef -nostdinc -std=gnu11`` (+ the file's)
and ``macrotrace expand --no-bundled-headers -nostdinc`` (+ the same), in
the file's directory, with SOURCE_DATE_EPOCH fixed.  A file passes when both accept it
and print the same tokens spaced the same way (blank lines aside), or when both reject
it with the same first error message (``reject-other``: for another reason).  Every
other outcome is listed with its first difference and, for the differences
studied, the explanation in EXPLAINED.  Exit status 3 (an internal error) and a time-out
are always failures.
"""

import argparse
import glob
import os
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from difftest import first_difference, first_spacing_difference  # noqa: E402

# without the system: gcc -undef -nostdinc, macrotrace with no compiler's macros or headers
GCC = ["gcc", "-E", "-P", "-undef", "-nostdinc", "-std=gnu11"]
OURS = [sys.executable, "-m", "macrotrace", "expand", "--no-bundled-headers", "-nostdinc", "--no-cache"]
# with it: the compiler's predefined macros and headers (glibc's), --cc gcc
GCC_SYSTEM = ["gcc", "-E", "-P", "-std=gnu11"]
OURS_SYSTEM = [sys.executable, "-m", "macrotrace", "expand", "--no-bundled-headers", "--cc", "gcc",
               "-std=gnu11", "--no-cache"]
TIMEOUT = 60
EPOCH = "1700000000"

# Differences studied, and why they remain ("suite:file" -> explanation).
EXPLAINED = {
    "wave:t_9_005.cpp": "both refuse `CONCAT(\\, u0061)`: gcc makes the token \\u0061, then "
                        "refuses the UCN (it names a basic character); macrotrace refuses the "
                        "paste itself (the relexed spelling is no valid token for it)",
    "pcpp:alternate_input_encodings1_ucs16le.c": "UTF-16 text: gcc reads the NUL bytes as white "
                        "space (a warning) and prints the rest; macrotrace refuses a file with "
                        "NUL bytes as binary, on purpose (tests/test_hostile.py)",
    "pcpp:alternate_input_encodings2_ucs16le.c": "as alternate_input_encodings1_ucs16le.c",
    "mcpp-c:m_33_ksc.c": "both refuse the KSC wide character constant; gcc words the error "
                         "with iconv's errno (\"Invalid argument\": the bad sequence ends the "
                         "literal), macrotrace always with \"Invalid or incomplete multibyte or "
                         "wide character\"",
}


# -- the suites -----------------------------------------------------------------

def _files(path, patterns):
    """The files matching ``patterns`` under ``path`` (a checkout or a bare git dir)."""
    if not any(glob.glob(os.path.join(path, p)) for p in patterns) and \
            os.path.exists(os.path.join(path, "HEAD")):
        tmp = tempfile.mkdtemp(prefix="peer-suite-")
        tar = subprocess.run(["git", "-C", path, "archive", "HEAD"], capture_output=True, check=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(tar)) as tf:
            tf.extractall(tmp)
        path = tmp
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(path, p)))
    return out


def wave_flags(path):
    """gcc flags from a Wave test file's //O lines."""
    flags = []
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            if not line.startswith("//O "):
                continue
            opt = line[4:].strip()
            opt = opt.replace("$P(", "").rstrip(")") if "$P(" in opt else opt
            if opt.startswith(("-D", "-U", "-I")):
                flags.append(opt)
            elif opt.startswith("-S"):
                flags += ["-isystem", opt[2:] or "."]
            elif opt.startswith("--forceinclude="):
                flags += ["-include", opt.split("=", 1)[1]]
            elif opt == "--c99":
                flags.append("-std=c99")
    return flags


def no_flags(path):
    return []


# name -> (file patterns, flags of a file, -x, with the system's macros and headers)
SUITES = {
    "wave": (["test/testwave/testfiles/*.cpp", "*.cpp"], wave_flags, "c", False),
    "mcpp": (["test-t/*.t", "test-l/*.t"], no_flags, "c", False),
    "tcc-pp": (["tests/pp/*.c", "tests/pp/*.S"], no_flags, None, False),
    "tcc-tests2": (["tests/tests2/*.c"], no_flags, None, True),
    "chibicc": (["test/*.c"], no_flags, None, True),
    "pcpp": (["tests/*.c", "tests/issue*/*.c"], no_flags, None, False),
    "mcpp-c": (["test-c/*.c"], no_flags, None, True),
}


# -- one file -------------------------------------------------------------------

def run(argv, cwd):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=ROOT, MACROTRACE_CACHE="0")
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    return (proc.returncode, proc.stdout.decode("utf-8", "surrogateescape"),
            proc.stderr.decode("utf-8", "surrogateescape"))


def compare(path, flags, system=False):
    """(outcome, detail): same, both-reject, differ, spacing, ours-reject, gcc-reject,
    internal-error, timeout."""
    cwd, name = os.path.split(path)
    rc, expected, err = run((GCC_SYSTEM if system else GCC) + flags + [name], cwd)
    status, ours, our_err = run((OURS_SYSTEM if system else OURS) + flags + [name], cwd)
    if status == "timeout":
        return "timeout", "macrotrace ran over %d s" % TIMEOUT
    if status == 3:
        return "internal-error", our_err.strip().splitlines()[-1:]
    if rc != 0:
        theirs, mine = _first_error(err), _first_error(our_err)
        if status == 2:
            if theirs and mine and (theirs in mine or mine in theirs):
                return "both-reject", None
            return "reject-other", "gcc: %s\nmacrotrace: %s" % (theirs, mine)
        if status == 0:
            return "gcc-reject", "gcc: %s" % theirs
    if status != 0:
        return "ours-reject", "exit %s: %s" % (status, our_err.strip().splitlines()[-1:])
    diff = first_difference(ours, expected)
    if diff:
        return "differ", diff
    diff = first_spacing_difference(ours, expected)
    if diff:
        return "spacing", diff
    return "same", None


def _first_error(stderr):
    """The message of the first error (gcc's or macrotrace's), without its location."""
    for line in stderr.splitlines():
        for mark in ("fatal error: ", "error: "):
            if mark in line:
                return line.split(mark, 1)[1].strip().replace("\u2018", '"').replace("\u2019", '"')
    return None


PASS = ("same", "both-reject")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in SUITES:
        ap.add_argument("--" + name, metavar="PATH", dest=name.replace("-", "_"),
                        help="checkout (or bare git dir) of the %s suite" % name)
    ap.add_argument("--only", metavar="FILE", help="only files whose name contains FILE")
    ap.add_argument("-v", action="store_true", help="print every file's outcome")
    ns = ap.parse_args()
    chosen = [(name, getattr(ns, name.replace("-", "_"))) for name in SUITES
              if getattr(ns, name.replace("-", "_"))]
    if not chosen:
        ap.error("give at least one suite: " + ", ".join("--" + n for n in SUITES))
    total_bad = 0
    report = []
    for name, path in chosen:
        patterns, flags_of, x, system = SUITES[name]
        files = [f for f in _files(path, patterns) if not ns.only or ns.only in os.path.basename(f)]
        counts = {}
        rows = []
        start = time.time()
        for f in files:
            outcome, detail = compare(f, (["-x", x] if x else []) + flags_of(f), system)
            counts[outcome] = counts.get(outcome, 0) + 1
            key = "%s:%s" % (name, os.path.basename(f))
            if ns.v:
                print("%-14s %s" % (outcome, key), flush=True)
            if outcome not in PASS:
                rows.append((key, outcome, detail))
        passed = sum(counts.get(k, 0) for k in PASS)
        report.append("%s: %d files, %d pass (%.1f%%): %s  [%.0f s]" % (
            name, len(files), passed, 100.0 * passed / max(len(files), 1),
            ", ".join("%s %d" % kv for kv in sorted(counts.items())), time.time() - start))
        for key, outcome, detail in rows:
            why = EXPLAINED.get(key, "(not explained yet)")
            report.append("  %-22s %-14s %s" % (key, outcome, why))
            if detail:
                text = detail if isinstance(detail, str) else " ".join(detail)
                report.append("      " + text.replace("\n", "\n      "))
        total_bad += sum(1 for _, o, _ in rows if o in ("internal-error", "timeout"))
    print("\n".join(report))
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main())
