"""Asking Kbuild how it compiles an out-of-tree module in a given kernel tree.

The surest way to reproduce a kernel build is to let Kbuild build something: a tiny
probe module, once per tree.  Its ``.probe.o.cmd`` gives the exact compiler command
(include paths, ``-include`` files, ``-D__KERNEL__``, flags); we cache it, keyed on the
tree's configuration and Makefile, and substitute the user's file and module name.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile

from .compile_command import find_build_dir, parse_command, read_cmd_file
from .config import ConfigError
from .engine.compiler import cache_dir

# kind -> (probe source, its text, the target Kbuild makes).  Kbuild compiles C (cmd_cc_o_c),
# assembler (cmd_as_o_S: -D__ASSEMBLY__, assembler-with-cpp by the suffix) and
# preprocesses linker scripts NAME.lds.S (cmd_cpp_lds_S: -P -U$(ARCH) -D__ASSEMBLY__
# -DLINKER_SCRIPT) each with its own command.
PROBES = {
    "c": ("macrotrace_probe.c", "int macrotrace_probe;\n", "macrotrace_probe.o"),
    "S": ("macrotrace_probe.S", "/* macrotrace probe */\n", "macrotrace_probe.o"),
    "lds": ("macrotrace_probe.lds.S", "SECTIONS { }\n", "macrotrace_probe.lds"),
}


def source_kind(path):
    return "lds" if path.endswith(".lds.S") else "S" if path.endswith((".S", ".sx")) else "c"


def _tree_key(tree):
    parts = [os.path.realpath(tree)]
    for rel in ("include/generated/autoconf.h", "Makefile", ".config", "include/config/auto.conf"):
        p = os.path.join(tree, rel)
        try:
            st = os.stat(p)
            parts.append("%s:%d:%d" % (rel, st.st_size, int(st.st_mtime)))
        except OSError:
            pass
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def probe_command(tree, kind="c"):
    """(argv, build_dir) of the compiler command Kbuild uses for a module's source of
    ``kind`` (see PROBES) in ``tree``."""
    if not os.path.isdir(tree):
        raise ConfigError("--kernel-tree %s: not a directory" % tree)
    if not os.path.exists(os.path.join(tree, "Makefile")):
        raise ConfigError("--kernel-tree %s: no Makefile; give a configured kernel tree or a "
                          "linux-headers directory" % tree)
    cache = os.path.join(cache_dir(), "kbuild-%s%s.json" % (_tree_key(tree), "" if kind == "c" else "-" + kind))
    probe, text, target = PROBES[kind]
    try:
        with open(cache) as fh:
            data = json.load(fh)
        return data["argv"], data["build_dir"]
    except (OSError, ValueError, KeyError):
        pass
    if shutil.which("make") is None:
        raise ConfigError("--kernel-tree needs make to ask Kbuild for its compiler command")
    work = tempfile.mkdtemp(prefix="macrotrace-probe-")
    try:
        with open(os.path.join(work, probe), "w") as fh:
            fh.write(text)
        with open(os.path.join(work, "Makefile"), "w") as fh:
            fh.write("obj-m := macrotrace_probe.o\n")
        proc = subprocess.run(["make", "-C", tree, "M=" + work, target],
                              capture_output=True, text=True, timeout=600)
        cmd_file = os.path.join(work, ".%s.cmd" % target)
        if proc.returncode != 0 or not os.path.exists(cmd_file):
            last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
            raise ConfigError("Kbuild could not build a probe module in %s: %s" % (tree, last[0]))
        argv, deps = read_cmd_file(cmd_file)
        parsed = parse_command(argv)
        build_dir = find_build_dir(deps, parsed, hints=[tree]) or os.path.realpath(tree)
        argv = [a.replace(work + "/", "@DIR@/") for a in argv]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(cache, "w") as fh:
            json.dump({"argv": argv, "build_dir": build_dir}, fh)
    except OSError:
        pass
    return argv, build_dir


def builds_module(module, builtin):
    """Whether a --kernel-tree run compiles FILE as a loadable module.  Kbuild compiles an
    out-of-tree module (``make -C KDIR M=DIR``) with -DMODULE, so that is the default;
    --builtin selects the built-in form (the file linked into vmlinux)."""
    if module and builtin:
        raise ConfigError("--module and --builtin contradict each other")
    return not builtin


def command_for(tree, source, modname, module):
    """The probe's command, rewritten for ``source`` as module ``modname``."""
    kind = source_kind(source)
    lds = kind == "lds"
    argv, build_dir = probe_command(tree, kind)
    src = os.path.abspath(source)
    out = []
    for a in argv:
        if lds:
            out.append(a.replace("@DIR@/" + PROBES[kind][0], src).replace("@DIR@/", os.path.dirname(src) + "/"))
            continue
        if a == "-DMODULE" and not module:
            continue
        a = a.replace("@DIR@/" + PROBES[kind][0], src)
        a = a.replace('"macrotrace_probe"', '"%s"' % modname)
        a = a.replace("kmod_macrotrace_probe", "kmod_%s" % modname)
        a = a.replace("@DIR@/", os.path.dirname(src) + "/")
        out.append(a)
    if lds:
        return out, build_dir
    if module and "-DMODULE" not in out:
        out.append("-DMODULE")
    if not module:
        # Kbuild names the source file of built-in objects (MODULE_FILE uses it)
        out.append('-DKBUILD_MODFILE="%s"' % modname)
    return out, build_dir
