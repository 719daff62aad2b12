"""From command-line flags to one immutable description of a preprocessing run.

Nothing downstream reads argparse objects: the CLI builds a ``RunConfig`` and the
engine, the trace and the renderers read only that.
"""

import os

from .engine.lang import ASSEMBLER, UnknownLanguage, lang_options
from .record import field, record, replace
from .resources import headers_dir



@record(frozen=True)
class Switch:
    """A configuration switch: a macro a flag defines, that --matrix varies."""
    field: str      # its name in RunConfig(lto=True) and config.lto, and the flag's dest
    flag: str       # the command-line flag: --lto
    macro: str      # the macro it defines: CONFIG_LTO_CLANG
    label: str      # short, in matrix labels: LTO
    help: str = ""


# The one table of switches: the flags, RunConfig's switch keywords, the labels and the
# default order of --matrix's axes come from it.  Adding a switch is adding a row.
SWITCHES = [
    Switch("lto", "--lto", "CONFIG_LTO_CLANG", "LTO", "define CONFIG_LTO_CLANG"),
    Switch("prel32", "--prel32", "CONFIG_HAVE_ARCH_PREL32_RELOCATIONS", "PREL32",
           "define CONFIG_HAVE_ARCH_PREL32_RELOCATIONS"),
    Switch("module", "--module", "MODULE", "MODULE", "define MODULE (a loadable module)"),
]


def switch_label(macro):
    """The short label of a switch macro (its own name when it has no row)."""
    return next((s.label for s in SWITCHES if s.macro == macro), macro)


def switch_order(macros):
    """Macros in the table's order first, the others after in the order given."""
    rank = {s.macro: k for k, s in enumerate(SWITCHES)}
    listed = list(dict.fromkeys(macros))
    return sorted(listed, key=lambda m: (rank.get(m, len(rank)), listed.index(m)))

class ConfigError(Exception):
    pass


@record(frozen=True)
class RunConfig:
    """One preprocessing run, whole: frozen on purpose.  The command line builds it once
    (cli/options.py); the engine, the trace and the renderers only read it; a variant is
    a new value (``with_switches``, as --matrix makes one per combination), so a cache
    key or a matrix run can never see a configuration change under it."""
    source: str
    macro: str = None
    line: int = None
    switches_on: frozenset = frozenset()  # switch macros defined (-D NAME); RunConfig(lto=True) too
    modname: str = None
    # ("D", "NAME=VALUE") / ("U", "NAME"), in command-line order
    macro_options: tuple = ()
    include_dirs: tuple = ()          # -I
    quote_dirs: tuple = ()            # -iquote
    system_dirs: tuple = ()           # -isystem (and the compiler's own, with --cc)
    after_dirs: tuple = ()            # -idirafter
    forced_includes: tuple = ()       # -include
    imacros: tuple = ()               # -imacros (read first, output thrown away)
    compiler: tuple = None            # --cc / "-- CC ARGS": the compiler whose answers we use
    compiler_flags: tuple = ()        # flags that change the compiler's predefined macros
    std: str = "gnu11"
    lang: str = "c"                   # -x: "c" or "assembler-with-cpp" (.S files)
    trigraphs: bool = None            # -trigraphs (None: as the -std says)
    dollars: bool = None              # -f[no-]dollars-in-identifiers (None: as the language says)
    bundled_headers: bool = True
    max_steps: int = 2000                 # film frames per traced invocation
    max_expansions: int = 1_000_000       # replacements per top-level invocation (bombs)
    max_output_tokens: int = 20_000_000   # tokens in the whole output
    origin: str = "flags"             # flags, kernel-tree, cmd-file, command
    cwd: str = None                   # the directory the compiler ran in (relative paths)
    use_system_dirs: bool = False     # search the compiler's own include directories
    macro_prefix_maps: tuple = ()     # -fmacro-prefix-map=OLD=NEW pairs (for __FILE__)
    cache: bool = True                # reuse the state reached after the headers
    compile_argv: tuple = ()          # the real compiler command, for --verify
    source_name: str = None           # how traces name the source when it is no file (<stdin>)
    unsaved: tuple = field(default=(), compare=False)   # (real path, text): editor buffers

    @property
    def module_name(self):
        if self.modname:
            return self.modname
        stem = os.path.splitext(os.path.basename(self.source))[0]
        return stem.replace("-", "_")

    def __getattr__(self, name):
        """config.lto, config.module...: a switch of the table, by its field name."""
        for s in SWITCHES:
            if s.field == name:
                return s.macro in self.switches_on
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def switches(self):
        """Every switch of the table, and any other switch macro this run defines, as
        {"CONFIG_LTO_CLANG": True, ...} in the table's order."""
        return {m: m in self.switches_on for m in switch_order([s.macro for s in SWITCHES]
                                                               + sorted(self.switches_on))}

    def with_switches(self, values):
        """This configuration with the switch macros ``values`` ({macro: on}) set."""
        on = {m for m in self.switches_on if values.get(m, True)}
        return replace(self, switches_on=frozenset(on | {m for m, v in values.items() if v}))

    def search_dirs(self):
        bracket = list(self.include_dirs)
        if self.bundled_headers:
            bracket.append(headers_dir())
        return dict(quote=list(self.quote_dirs), bracket=bracket,
                     system=list(self.system_dirs), after=list(self.after_dirs))

    def all_macro_options(self):
        """Every -D/-U in the order gcc applies them: switches and module name first."""
        opts = [("D", macro) for macro, on in self.switches().items() if on]
        if self.origin == "flags":
            name = self.module_name
            opts.append(("D", 'KBUILD_MODNAME="%s"' % name))
            opts.append(("D", "__KBUILD_MODNAME=kmod_%s" % name))
            opts.append(("D", 'KBUILD_MODFILE="%s"' % name))
        opts.extend(self.macro_options)
        return opts

    def describe(self):
        """Machine-independent description (no absolute paths): for JSON and HTML."""
        return {
            "switches": self.switches(),
            "modname": self.module_name,
            "defines": ["-%s%s" % (k, v) for k, v in self.all_macro_options()],
            "include_dirs": [_portable(d) for d in self.include_dirs],
            "forced_includes": [_portable(d) for d in self.forced_includes],
            **({"imacros": [_portable(d) for d in self.imacros]} if self.imacros else {}),
            "compiler": list(self.compiler) if self.compiler else None,
            "compiler_flags": list(self.compiler_flags),
            "std": self.std,
            **({"lang": self.lang} if self.lang != "c" else {}),
            "bundled_headers": self.bundled_headers,
            "origin": self.origin,
        }


def _portable(path):
    """A path as the user gave it when relative; absolute ones relative to cwd if inside."""
    if not os.path.isabs(path):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def source_language(path, x=None):
    """The language gcc preprocesses ``path`` as: ``-x X`` when given, else by the
    suffix (``.S``/``.sx``, linker scripts ``.lds.S`` included: assembler-with-cpp)."""
    if x and x != "none":
        return x
    return ASSEMBLER if path.endswith((".S", ".sx")) else "c"


def _last_flag(flags, on, off):
    """Whether the last of ``on``/``off`` among ``flags`` is ``on``."""
    for flag in reversed(flags):
        if flag in (on, off):
            return flag == on
    return False


def language(config):
    """The run's language options (engine/lang.py): -std, -x, -trigraphs."""
    try:
        return lang_options(config.std, config.lang, config.trigraphs, config.dollars,
                            _last_flag(config.compiler_flags, "-fshort-wchar", "-fno-short-wchar"))
    except UnknownLanguage as e:
        raise ConfigError(str(e))


def _switch_keywords(init):
    """RunConfig(lto=True, module=False): the table's switches by field name."""
    def __init__(self, *args, **kw):
        on = set(kw.pop("switches_on", ()))
        for s in SWITCHES:
            if s.field in kw:
                (on.add if kw.pop(s.field) else on.discard)(s.macro)
        init(self, *args, switches_on=frozenset(on), **kw)
    __init__.__doc__ = init.__doc__
    return __init__


RunConfig.__init__ = _switch_keywords(RunConfig.__init__)
