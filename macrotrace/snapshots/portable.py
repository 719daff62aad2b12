"""What makes a snapshot checkable on another machine, from any directory.

- paths: a snapshot's command names files relative to the repository root (the
  nearest directory upward from the snapshot holding ``.git``, else the snapshot's own
  directory), and is run from there;
- a kernel tree: recorded by release and configuration digest, never by path; the
  machine that checks supplies its own (``--kernel-tree`` / ``MACROTRACE_KERNEL_TREE``);
- the compiler: recorded by name and version, so a different one is reported.
"""

import hashlib
import os
import re
import subprocess

from .errors import SnapshotError

TREE_PLACEHOLDER = "@KERNEL_TREE@"
TREE_ENV = "MACROTRACE_KERNEL_TREE"

# options of a trace that take a path (the next argument, or after "=" / attached)
PATH_OPTIONS = ("-I", "-iquote", "-isystem", "-idirafter", "-include", "--cmd-file")


def repository_root(directory):
    start = os.path.abspath(directory if os.path.isdir(directory) else os.path.dirname(directory) or ".")
    d = start
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return start
        d = parent


def _relative(path, root, cwd):
    """``path`` (as the user gave it, from ``cwd``) relative to ``root``; a path given
    absolute that is outside ``root`` (a system directory) stays absolute."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    rel = os.path.relpath(absolute, root)
    return absolute if rel.startswith("..") and os.path.isabs(path) else rel


def portable_command(argv, root, cwd=None):
    """(argv with paths relative to ``root`` and the kernel tree as a placeholder,
    the kernel tree given or None).  ``argv``: MACRO FILE [flags] as the user wrote it."""
    cwd = cwd or os.getcwd()
    out, tree = [], None
    positional = 0
    k = 0
    while k < len(argv):
        a = argv[k]
        if a == "--kernel-tree" and k + 1 < len(argv):
            tree = argv[k + 1]
            out += [a, TREE_PLACEHOLDER]
            k += 2
            continue
        if a.startswith("--kernel-tree="):
            tree = a.split("=", 1)[1]
            out.append("--kernel-tree=" + TREE_PLACEHOLDER)
            k += 1
            continue
        if a in PATH_OPTIONS and k + 1 < len(argv):
            out += [a, _relative(argv[k + 1], root, cwd)]
            k += 2
            continue
        attached = next((o for o in PATH_OPTIONS if a.startswith(o + "=")), None)
        if attached is None and a.startswith("-I") and len(a) > 2:
            out.append("-I" + _relative(a[2:], root, cwd))
        elif attached is not None:
            out.append(attached + "=" + _relative(a[len(attached) + 1:], root, cwd))
        elif not a.startswith("-") and positional < 2:
            # MACRO, then FILE
            out.append(_relative(a, root, cwd) if positional == 1 else a)
            positional += 1
        else:
            out.append(a)
        k += 1
    return out, tree


def needs_tree(command):
    return any(TREE_PLACEHOLDER in a for a in command)


def with_tree(command, tree):
    return [a.replace(TREE_PLACEHOLDER, tree) for a in command]


def tree_identity(tree):
    """{"release", "config_digest"} of a configured kernel tree or linux-headers directory."""
    def read(rel):
        try:
            with open(os.path.join(tree, rel), "rb") as fh:
                return fh.read()
        except OSError:
            return None
    release = read("include/config/kernel.release")
    config = None
    for rel in ("include/generated/autoconf.h", "include/config/auto.conf", ".config"):
        config = read(rel)
        if config is not None:
            break
    if release is None and config is None:
        raise SnapshotError("--kernel-tree %s: not a configured kernel tree (no include/config/kernel.release, "
                            "no .config)" % tree)
    return {"release": release.decode(errors="replace").strip() if release else "unknown",
            "config_digest": hashlib.sha256(config).hexdigest()[:16] if config else "none"}


def describe_tree(identity):
    return "kernel %s (config %s)" % (identity.get("release"), identity.get("config_digest"))


def find_tree(given, identity, origin):
    """The tree to check a kernel-tree snapshot with: ``given`` (check --kernel-tree) or
    $MACROTRACE_KERNEL_TREE.  (path, note or None); SnapshotError when there is none."""
    tree = given or os.environ.get(TREE_ENV)
    if not tree:
        raise SnapshotError("%s: made on a kernel tree, %s: give one with check --kernel-tree DIR "
                            "or %s=DIR" % (origin, describe_tree(identity or {}), TREE_ENV))
    if not os.path.isdir(tree):
        raise SnapshotError("%s: --kernel-tree %s: not a directory" % (origin, tree))
    now = tree_identity(tree)
    note = None
    if identity and now != identity:
        note = "%s: checked on %s at %s; the snapshot was made on %s" % (
            origin, describe_tree(now), tree, describe_tree(identity))
    return tree, note


_VERSION_SUFFIX = re.compile(r"-\d+(\.\d+)*$")


def compiler_identity(compiler):
    """{"name", "version"} of a compiler command (list), or None without one."""
    if not compiler:
        return None
    name = _VERSION_SUFFIX.sub("", os.path.basename(compiler[0]))
    version = "unknown"
    for flag in ("-dumpfullversion", "-dumpversion"):
        try:
            proc = subprocess.run([compiler[0], flag], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            break
        if proc.returncode == 0 and proc.stdout.strip():
            version = proc.stdout.strip().splitlines()[0]
            break
    return {"name": name, "version": version}


def describe_compiler(identity):
    return "%s %s" % (identity.get("name"), identity.get("version")) if identity else "no compiler"


def available_compiler(command, identity):
    """``command`` with its ``--cc COMPILER`` replaced by the compiler of the same name
    (``gcc`` for ``gcc-12``) when COMPILER is not installed here: (command, note or None)."""
    import shutil
    out = list(command)
    for k, a in enumerate(out[:-1]):
        if a == "--cc" and out[k + 1].split() and shutil.which(out[k + 1].split()[0]) is None:
            name = (identity or {}).get("name")
            if name and shutil.which(name):
                note = "%s is not installed here; checked with %s" % (out[k + 1].split()[0], name)
                out[k + 1] = " ".join([name] + out[k + 1].split()[1:])
                return out, note
    return out, None
