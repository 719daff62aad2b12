"""A corpus of real kernel units for the declarations reader (macrotrace/declarations.py).

Each unit is a C file Kbuild compiled (its ``.NAME.o.cmd`` beside it). For every
invocation of the ``MODULE_*``, ``module_*``, ``*_initcall``, ``EXPORT_SYMBOL*`` and
``DEFINE_*`` families written in the file, macrotrace traces it with Kbuild's command and
reads what the result declares. A result that starts a file-scope declaration must read
as declarations; one inside a function or after ``=`` may be a statement, an expression
or an initializer, and must say so in words (macrotrace/scope.py tells which is which).

    python tests/decl_corpus.py [--verify] DIR...   # the figures, and every row not read

The kernel test (tests/test_declarations.py) builds a corpus from linux-source-6.1 and
asserts every file-scope result reads.
"""

import json
import os
import re
import subprocess
import sys

FAMILIES = re.compile(r"\b(MODULE_[A-Z_]+|module_[a-z_]+|[a-z_]*_initcall(?:_sync)?|"
                      r"EXPORT_SYMBOL\w*|DEFINE_[A-Z0-9_]+)\s*\(")

# How a result that is not read as a declaration is described (macrotrace/declarations.py).
NOT_DECLARATIONS = ("expression", "statement")


def family_macros(text):
    """The family names invoked in a source text (comments and directives included:
    a name that is not invoked outside them simply traces nothing)."""
    return sorted(set(FAMILIES.findall(text)))


# Real kernel files that build as out-of-tree modules against Debian's headers, chosen
# to cover every family: EXPORT_SYMBOL{,_GPL}, MODULE_{ALIAS{,_CRYPTO,_MISCDEV},AUTHOR,
# DESCRIPTION,DEVICE_TABLE,FIRMWARE,IMPORT_NS,INFO,LICENSE,PARM_DESC}, module_{init,exit,
# param,platform_driver,spi_driver,acpi_driver}, subsys/late/early_initcall, DEFINE_{MUTEX,
# SPINLOCK,PER_CPU,STATIC_KEY_*,SHOW_ATTRIBUTE,SIMPLE_DEV_PM_OPS,TIMER}, and inside
# braces DEFINE_{WAIT,WAIT_FUNC,WAKE_Q} (statements) and DEFINE_RES_* (initializers).
KERNEL_FILES = [
    "crypto/polyval-generic.c", "crypto/drbg.c", "crypto/af_alg.c",
    "drivers/char/nvram.c", "drivers/misc/enclosure.c", "drivers/misc/lattice-ecp3-config.c",
    "drivers/misc/vmw_balloon.c", "drivers/watchdog/s3c2410_wdt.c", "drivers/watchdog/sc520_wdt.c",
    "drivers/watchdog/ni903x_wdt.c", "drivers/watchdog/simatic-ipc-wdt.c",
    "kernel/umh.c", "kernel/user-return-notifier.c", "kernel/stop_machine.c",
    "mm/zsmalloc.c", "lib/once.c", "samples/livepatch/livepatch-shadow-fix1.c",
]


def build_corpus(tarball, files, dest, tree):
    """Unpack ``files`` (paths in the kernel source) from Debian's linux-source tarball
    into ``dest`` and build them there as out-of-tree modules with Kbuild (``make -k``:
    a file that does not build is left out). Returns the units built."""
    top = os.path.basename(tarball).split(".tar")[0]
    subprocess.run(["tar", "-xf", tarball, "-C", dest] + ["%s/%s" % (top, f) for f in files],
                   check=True, capture_output=True)
    objs = []
    for f in files:
        name = f.replace("/", "_").replace("-", "_")
        os.replace(os.path.join(dest, top, f), os.path.join(dest, name))
        objs.append(name[:-2] + ".o")
    with open(os.path.join(dest, "Makefile"), "w") as fh:
        fh.write("obj-m := %s\n" % " ".join(objs))
    subprocess.run(["make", "-k", "-C", tree, "M=%s" % dest, "modules"], capture_output=True, timeout=1200)
    return units([dest])


def units(dirs):
    """(source, cmd file) of every Kbuild-compiled C file in dirs."""
    out = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith(".c"):
                cmd = os.path.join(d, ".%s.o.cmd" % name[:-2])
                if os.path.isfile(cmd):
                    out.append((os.path.join(d, name), cmd))
    return out


def trace_unit(source, cmd_file, env=None, verify=False):
    """The JSON trace of every family invocation in source, or None when it has none;
    with ``verify``, (trace, [(invocation, declaration, detail)] for each mismatch
    --verify found in the object)."""
    with open(source, encoding="utf-8", errors="replace") as fh:
        macros = family_macros(fh.read())
    if not macros:
        return None
    proc = subprocess.run([sys.executable, "-m", "macrotrace", ",".join(macros), source,
                           "--cmd-file", cmd_file, "--format", "json", "--max-steps", "100000"]
                          + (["--verify"] if verify else []),
                          capture_output=True, text=True, env=env)
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not verify) or not proc.stdout:
        raise RuntimeError("%s: macrotrace exited %d: %s" % (source, proc.returncode, proc.stderr[-500:]))
    trace = json.loads(proc.stdout)
    if not verify:
        return trace
    if trace.get("verified_sections") is None:
        raise RuntimeError("%s: --verify did not run: %s" % (source, proc.stderr[-500:]))
    bad = [(inv, inv["declarations"][c["declaration"]], c["detail"]) for inv in trace["invocations"]
           for c in inv.get("checks", []) if c["status"] == "mismatch"]
    return trace, bad


def rows(source, trace):
    """(invocation, starts a file-scope declaration?, declaration) for every declaration
    row of a trace; an invocation that declares nothing gives one row with None."""
    from macrotrace.scope import FILE_SCOPE, source_contexts
    where = source_contexts(source)
    out = []
    for inv in trace["invocations"]:
        at_file_scope = where.get((inv["line"], inv["column"]), FILE_SCOPE) == FILE_SCOPE
        for d in inv["declarations"] or [None]:
            out.append((inv, at_file_scope, d))
    return out


def is_read(d, file_scope=True):
    """At file scope a result must read as declarations; in a function it may also be
    an expression or a statement that says so."""
    if d is None:
        return True
    return d["kind"] != "unparsed" and (not file_scope or d["kind"] != "not a declaration")


def survey(dirs, out=sys.stdout, verify=False):
    """Trace every unit; print the figures and every row not read; return the counts."""
    counts = dict(units=0, invocations=0, file_scope=0, file_scope_read=0, inner=0, inner_said=0,
                  mismatches=0)
    macros, kinds = set(), {}
    bad, mismatched = [], []
    for source, cmd in units(dirs):
        trace = trace_unit(source, cmd, env=dict(os.environ), verify=verify)
        if trace is None:
            continue
        if verify:
            trace, bad_checks = trace
            counts["mismatches"] += len(bad_checks)
            if bad_checks:
                mismatched.append((source, ["%d: %s %s: %s" % (inv["line"], d["kind"], d["name"], detail)
                                            for inv, d, detail in bad_checks]))
        counts["units"] += 1
        seen = set()
        for inv, file_scope, d in rows(source, trace):
            key = (inv["line"], inv["column"])
            if key not in seen:
                seen.add(key)
                counts["invocations"] += 1
                macros.add(inv["source"].split("(")[0].strip())
            if d is not None:
                kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
            if file_scope:
                counts["file_scope"] += 1
                counts["file_scope_read"] += is_read(d)
                if not is_read(d):
                    bad.append((source, inv, d))
            else:
                counts["inner"] += 1
                counts["inner_said"] += is_read(d, file_scope=False)
    print("%(units)d units, %(invocations)d invocations; file scope: %(file_scope_read)d of "
          "%(file_scope)d rows read as declarations; inside braces or after =: "
          "%(inner_said)d of %(inner)d rows read or described" % counts, file=out)
    print("macros: %s" % " ".join(sorted(macros)), file=out)
    print("rows: %s" % ", ".join("%s %d" % kv for kv in sorted(kinds.items())), file=out)
    if verify:
        print("--verify: %d mismatches with the object files" % counts["mismatches"], file=out)
        for source, lines in mismatched:
            print("%s:\n  %s" % (source, "\n  ".join(lines)), file=out)
    for source, inv, d in bad:
        print("%s:%d: %s\n    %s\n    -> %s" % (source, inv["line"], inv["source"], inv["result"][:300],
                                               d["note"]), file=out)
    counts["macros"] = sorted(macros)
    counts["bad"] = bad
    counts["mismatched"] = mismatched
    return counts


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = sys.argv[1:]
    survey([a for a in args if a != "--verify"], verify="--verify" in args)
