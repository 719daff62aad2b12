"""Reading a real compiler command line (``-- gcc ARGS``, a Kbuild ``.o.cmd``) into
RunConfig fields, so macrotrace preprocesses exactly what the compiler compiled.

Preprocessor options (-I, -D, -include...) become configuration; code-generation
options (-m64, -O2, -mcmodel=kernel, -fshort-wchar...) are kept as compiler flags
because they change the compiler's predefined macros.  Relative paths stay relative:
they are relative to the directory the compiler ran in (``cwd``), and gcc spells
``__FILE__`` from them.
"""

import os

from .config import ConfigError, source_language

# options taking a separate argument that we do not need
_SKIP_WITH_ARG = {"-o", "-MF", "-MT", "-MQ", "--param", "-Xassembler", "-Xlinker",
                  "-aux-info", "-dumpbase", "-dumpdir", "-auxbase", "-auxbase-strip"}
_SKIP = {"-c", "-E", "-S", "-P", "-C", "-CC", "-M", "-MM", "-MD", "-MMD", "-MG", "-MP", "-v",
         "-pipe", "-H", "-w"}
_DIR_OPTS = {"-I": "include_dirs", "-iquote": "quote_dirs", "-isystem": "system_dirs",
             "-idirafter": "after_dirs"}
# flags that can change predefined macros (the rest, warnings and such, cannot)
_MACRO_AFFECTING = ("-f", "-m", "-O", "-p", "-ansi", "-std=", "-march", "-mtune", "-g")


def parse_command(argv):
    """Split a compiler command into configuration pieces.

    Returns a dict with: compiler, compiler_flags, macro_options, include_dirs,
    quote_dirs, system_dirs, after_dirs, forced_includes, std, nostdinc, source,
    macro_prefix_maps.
    """
    if not argv:
        raise ConfigError("empty compiler command after --")
    out = {"compiler": (argv[0],), "compiler_flags": [], "macro_options": [], "include_dirs": [],
           "quote_dirs": [], "system_dirs": [], "after_dirs": [], "forced_includes": [],
           "std": "gnu11", "nostdinc": False, "source": None, "macro_prefix_maps": [],
           "lang": "c", "trigraphs": None, "imacros": []}
    languages = {}         # source -> the -x in effect where it was named
    args = list(argv[1:])
    i = 0
    sources = []
    x = None
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None

        def take():
            if nxt is None:
                raise ConfigError("compiler option %s needs an argument" % a)
            return nxt
        if a in _SKIP:
            i += 1
            continue
        if a in _SKIP_WITH_ARG:
            i += 2
            continue
        if a == "-x" or (a.startswith("-x") and len(a) > 2):
            x = take() if a == "-x" else a[2:]
            i += 2 if a == "-x" else 1
            continue
        if a == "-ansi":
            out["std"] = "c90"
            out["compiler_flags"].append(a)
            i += 1
            continue
        if a == "-trigraphs":
            out["trigraphs"] = True
            i += 1
            continue
        if a.startswith("-Wp,"):
            # -Wp,-MMD,file and friends: dependency output only
            parts = a.split(",")[1:]
            for p in parts:
                if p.startswith("-D") or p.startswith("-U"):
                    out["macro_options"].append((p[1], p[2:]))
            i += 1
            continue
        if a in ("-D", "-U"):
            out["macro_options"].append((a[1], take()))
            i += 2
            continue
        if a.startswith("-D") or a.startswith("-U"):
            out["macro_options"].append((a[1], a[2:]))
            i += 1
            continue
        matched = False
        for opt, key in _DIR_OPTS.items():
            if a == opt:
                out[key].append(take())
                i += 2
                matched = True
                break
            if a.startswith(opt) and opt == "-I":
                out[key].append(a[2:])
                i += 1
                matched = True
                break
        if matched:
            continue
        if a == "-include":
            out["forced_includes"].append(take())
            i += 2
            continue
        if a == "-imacros":
            out["imacros"].append(take())
            i += 2
            continue
        if a == "-nostdinc":
            out["nostdinc"] = True
            i += 1
            continue
        if a == "-undef":
            out["compiler_flags"].append(a)
            i += 1
            continue
        if a.startswith("-std="):
            out["std"] = a[5:]
            out["compiler_flags"].append(a)
            i += 1
            continue
        if a.startswith("-fmacro-prefix-map=") or a.startswith("-ffile-prefix-map="):
            old, _, new = a.split("=", 1)[1].partition("=")
            out["macro_prefix_maps"].append((old, new))
            i += 1
            continue
        if a.startswith("-W") or a.startswith("-Werror"):
            i += 1
            continue
        if a.startswith("-"):
            if a.startswith(_MACRO_AFFECTING) or a in ("-pg",):
                out["compiler_flags"].append(a)
            i += 1
            continue
        sources.append(a)
        languages[a] = x
        i += 1
    c_sources = [s for s in sources if s.endswith((".c", ".h", ".S", ".i"))] or sources
    if len(c_sources) != 1:
        raise ConfigError("the compiler command must compile exactly one source file (found %d)"
                          % len(c_sources))
    out["source"] = c_sources[0]
    out["lang"] = source_language(c_sources[0], languages.get(c_sources[0]))
    return out


def without_output(argv):
    """The command minus what only concerns its output: -Wp,... (dependency files),
    -c and -o FILE.  Add -E -P (or -c -o X) to make it do something else."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a.startswith("-Wp,") or a == "-c":
            continue
        if a == "-o":
            skip = True
            continue
        out.append(a)
    return out


def read_cmd_file(path):
    """The compiler command and the dependency list of a Kbuild ``.NAME.o.cmd``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError as e:
        raise ConfigError("%s: %s" % (path, e.strerror))
    command = None
    deps = []
    lines = text.replace("\\\n", " ").splitlines()
    for line in lines:
        if line.startswith("cmd_") and ":=" in line:
            command = line.split(":=", 1)[1]
        elif line.startswith("deps_") and ":=" in line:
            deps = line.split(":=", 1)[1].split()
    if command is None:
        raise ConfigError("%s: no cmd_... := line; is this a Kbuild .o.cmd file?" % path)
    # drop what runs after the compiler (objtool, recordmcount...)
    command = command.split(" ; ")[0]
    from .shellwords import split       # (shlex.split, faster; a .o.cmd file's only)
    argv = split(command)
    return argv, deps


def find_build_dir(deps, parsed, hints=()):
    """The directory the compiler ran in: where the relative paths of the command exist."""
    relative = [d for d in deps if not d.startswith(("/", "$")) and d.endswith(".h")]
    relative += [p for p in parsed["include_dirs"] if not os.path.isabs(p)]
    candidates = list(hints)
    for d in parsed["include_dirs"] + parsed["forced_includes"]:
        if os.path.isabs(d):
            head = d
            while head not in ("/", ""):
                head = os.path.dirname(head)
                if os.path.basename(head).startswith("linux-headers-") or os.path.isdir(os.path.join(head, "include", "generated")):
                    candidates.append(head)
                    import glob
                    candidates.extend(sorted(glob.glob(os.path.join(os.path.dirname(head), "linux-headers-*"))))
                    break
    seen = set()
    for c in candidates:
        if not c or c in seen or not os.path.isdir(c):
            continue
        seen.add(c)
        if all(os.path.exists(os.path.join(c, r)) for r in relative):
            return c
    return None
