"""Building the journey: trace the file's initcalls, compile it, read the object
file, trace the linker script or the module's .mod.c, read the .ko, and tell each
initcall's way to the call, station by station (see model.py).

Nothing here prints or parses flags: the CLI gives one RunConfig per side and a
function that makes a RunConfig for another file (a .mod.c, a linker script) from a
compiler command or a Kbuild .cmd file.
"""

import os
import re
import shutil
import tempfile
from dataclasses import replace

from ..config import ConfigError
from ..engine.diagnostics import PreprocessError
from ..initcalls import MACROS, level_name
from ..render.text import declaration_line
from ..tracing import path_display, run_trace
from ..verify import CompileFailed, check_declaration, compile_unit, read_object
from . import chains, lds, modc
from .elf import hex_offset, read_elf, struct_member_at
from .model import Chain, Evidence, Fact, FilmStep, Journey, Station

KBUILD_HINT = "make -C KDIR M=$PWD modules"


class Context:
    """What the stations of one side share: its config, the traced file, the object
    file (compiled once), and a scratch directory."""

    def __init__(self, config, trace, work, tree, config_for, on_warning):
        self.config, self.trace, self.work = config, trace, work
        self.tree, self.config_for, self.on_warning = tree, config_for, on_warning
        self.module = bool(trace.config.get("switches", {}).get("MODULE"))
        self.display = path_display(config)
        self.obj, self.obj_elf, self.obj_problem = None, None, None
        self.modname = trace.config.get("modname") or config.module_name
        self._lds = None
        self._modc = None
        self.flags = []         # the run's flags, to make a trace of the same side again

    def compile(self):
        out = os.path.join(self.work, "%s.o" % self.modname)
        try:
            compile_unit(self.config, list(self.config.compile_argv) or None, out, "journey")
            self.obj, self.obj_elf = read_object(out), read_elf(out)
        except CompileFailed as e:
            self.obj_problem = "the file does not compile: %s" % e
        except ConfigError as e:
            self.obj_problem = "%s (install gcc to compile it)" % e


def build_journey(configs, tree=None, config_for=None, on_warning=None, command=(), flags=()):
    """The journey of every initcall written in configs[0].source, on each side
    (one RunConfig per side: built-in, module); ``flags``: the command-line flags of
    the run (besides the file), for the commands it suggests."""
    chains_ = []
    described = None
    for config in configs:
        cfg = replace(config, macro=",".join(MACROS))
        trace, result = run_trace(cfg, on_warning)
        if result.cut is not None:
            raise result.cut
        described = described or trace.config
        work = tempfile.mkdtemp(prefix="macrotrace-journey-")
        try:
            ctx = Context(cfg, trace, work, tree, config_for, on_warning)
            ctx.flags = _side_flags(list(flags), ctx.module, tree)
            if trace.invocations:
                ctx.compile()
            for inv in trace.invocations:
                chains_.append(_chain(ctx, inv))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not chains_:
        raise ConfigError("%s: no initcall (module_init, device_initcall, ... ) is written in this file"
                          % configs[0].source)
    return Journey(file=chains_[0].file, config=described, kernel=chains.KERNEL_VERSION,
                   chains=chains_, command=list(command))


def _side_flags(flags, module, tree):
    flags = [f for f in flags if f not in ("--matrix", "--module", "--builtin")]
    if module and not tree:
        flags.append("--module")
    if not module and tree:
        flags.append("--builtin")
    return flags


def _chain(ctx, inv):
    fn = _function_of(inv)
    macro = inv.source.split("(")[0].strip()
    side = "module" if ctx.module else "built-in"
    chain = Chain(function=fn, macro=macro, file=inv.file, line=inv.line, side=side,
                  switches=dict(ctx.trace.config.get("switches", {})))
    chain.stations.append(_expansion(ctx, inv))
    chain.stations.append(_declaration(ctx, inv, fn))
    chain.stations.append(_object(ctx, inv, fn))
    if ctx.module:
        chain.stations.append(_mod_c(ctx))
        chain.stations.append(_ko(ctx))
        chain.stations.append(_calls("insmod", "insmod: the call at module load", chains.INSMOD, fn,
                                     "do_init_module() calls mod->init, which __this_module's .init "
                                     "set to init_module = %s" % fn))
    else:
        entry = _entry(inv)
        level = _level(entry.section) if entry else None
        chain.stations.append(_linker_script(ctx, inv, entry, level))
        early = level == "early"
        chain.stations.append(_calls("boot", "boot: the call at boot", chains.BOOT_EARLY if early else chains.BOOT,
                                     fn, "%s runs %s's entry" % ("do_pre_smp_initcalls()" if early else
                                                                 "do_initcall_level(%s)" % _index_text(level),
                                                                 fn)))
    return chain


def _function_of(inv):
    m = re.match(r"\s*\w+\s*\(\s*(\w+)", inv.source)
    return m.group(1) if m else inv.source


def _entry(inv):
    for d in inv.declarations:
        if d.section and d.section.startswith(".initcall"):
            return d
    return None


def _level(section):
    m = re.match(r"\.initcall(\w+?)\.init(\.\..*)?$", section or "")
    return m.group(1) if m else None


def _index_text(level):
    index, _ = chains.level_index(level) if level else (None, "")
    return "?" if index is None else str(index)


# -- 1. the invocation and its expansion ------------------------------------------

def _spine(inv):
    """The macros that only forward: from the invocation, each step whose replacement is
    one invocation of the next macro (``module_init(x)`` → ``__initcall(x);``), up to the
    one that writes the declarations (``____define_initcall``)."""
    def squeeze(text):
        return "".join((text or "").split())
    out, node = [], inv.tree
    while node is not None:
        out.append(node.macro)
        if node.step is None or node.step >= len(inv.steps):
            break
        inserted = squeeze(inv.steps[node.step].inserted)
        nxt = None
        for c in node.children:
            if c.role == "rescan" and inserted.startswith(c.macro + "(") and \
                    inserted[_closing(inserted, len(c.macro)) + 1:] in ("", ";"):
                nxt = c
                break
        node = nxt
    return out


def film(trace, inv):
    """An invocation's steps as the journey shows them: the macro, where it is defined,
    the text after the step and the span it inserted."""
    steps = [FilmStep(macro="", where="%s:%d" % (inv.file, inv.line), text=inv.steps[0].text)]
    for s in inv.steps[1:]:
        d = trace.definitions.get(s.definition) if s.definition else None
        steps.append(FilmStep(macro=s.macro or s.kind, where=d.where() if d else "", text=s.text,
                              span=list(s.after_span) if s.after_span else None))
    return steps


def _closing(text, k):
    """The index of the parenthesis closing the one at text[k]."""
    depth = 0
    for i in range(k, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)


def _expansion(ctx, inv):
    spine = _spine(inv) if inv.tree else [s.macro for s in inv.steps[1:8]]
    steps = film(ctx.trace, inv)
    film_cmd = " ".join(["macrotrace", inv.source.split("(")[0].strip(), inv.file] + ctx.flags +
                        ["--line", str(inv.line), "--format", "html", "-o", "film.html"])
    return Station(
        key="expansion", title="%s expands" % inv.source,
        summary="%d steps: %s" % (len(inv.steps) - 1, " \u2192 ".join(spine)),
        facts=[Fact("invocation", "%s:%d: %s" % (inv.file, inv.line, inv.source)),
               Fact("spine", " \u2192 ".join(spine)),
               Fact("result", inv.result),
               Fact("full film", film_cmd)],
        evidence=[Evidence(kind="film", title="the film of %s" % inv.source, source=inv.file, steps=steps)])


# -- 2. what the expansion declares -----------------------------------------------

def _declaration(ctx, inv, fn):
    rows = [[d.name or "(none)", d.kind, d.section or "", d.alias_of or d.initializer or "", d.relocation or ""]
            for d in inv.declarations]
    facts = []
    if ctx.module:
        alias = next((d for d in inv.declarations if d.kind == "alias" and d.name == "init_module"), None)
        anchor = next((d for d in inv.declarations if d.section == ".init.data"), None)
        if alias:
            facts.append(Fact("alias", "int init_module(void) is an alias of %s" % alias.alias_of))
        if anchor:
            facts.append(Fact("anchor", "%s in %s = %s (___ADDRESSABLE(init_module, __initdata))"
                              % (anchor.name, anchor.section, anchor.initializer)))
        summary = ("init_module, an alias of %s" % fn) if alias else "no init_module alias declared"
        status = "ok" if alias else "mismatch"
    else:
        entry = _entry(inv)
        if entry is not None:
            facts.append(Fact("entry", "%s (%s)" % (entry.name, entry.kind)))
            facts.append(Fact("section", entry.section))
            if entry.relocation:
                facts.append(Fact("relocation", entry.relocation))
            if entry.asm:
                facts.append(Fact("asm", entry.asm))
            stub = next((d for d in inv.declarations if d.name.startswith("__initstub__")), None)
            if stub is not None:
                facts.append(Fact("stub", "%s calls %s (CONFIG_LTO_CLANG: a global name that LTO keeps)"
                                  % (stub.name, fn)))
            summary = "%s in %s" % (entry.name, entry.section)
        else:
            summary = "no initcall entry declared"
        status = "ok" if entry is not None else "mismatch"
    return Station(key="declaration", title="what it declares", summary=summary, status=status, facts=facts,
                   evidence=[Evidence(kind="table", title="declarations", source="the expansion",
                                      columns=["name", "kind", "section", "value / alias of", "relocation"],
                                      rows=rows)])


# -- 3. the object file -----------------------------------------------------------

def _symbol_rows(elf, names):
    rows = []
    for n in names:
        s = elf.symbols.get(n)
        if s is not None:
            rows.append([s.name, s.section, hex_offset(s.value), str(s.size),
                         s.bind.replace("STB_", "").lower(), s.type.replace("STT_", "").lower()])
    return rows


def _target(elf, rel):
    """A relocation's target, with the symbol a section-relative one points at."""
    base = "%s%s" % (rel.symbol, " + %s" % hex_offset(rel.addend) if rel.addend else "")
    if rel.symbol in elf.sections:
        named = [s.name for s in elf.symbols_in(rel.symbol) if s.value == rel.addend and s.type != "STT_SECTION"]
        if named:
            return "%s (= %s)" % (base, named[0])
    return base


def _reloc_rows(elf, section):
    return [[r.section, hex_offset(r.offset), r.type, _target(elf, r)] for r in elf.relocations_in(section)]


def _object(ctx, inv, fn):
    name = "%s.o" % ctx.modname
    if ctx.obj is None:
        return Station(key="object", title="the object file %s" % name, status="missing",
                       summary="no object file", missing=ctx.obj_problem)
    elf = ctx.obj_elf
    checks = [[declaration_line(d)[:90], *check_declaration(d, ctx.obj)] for d in inv.declarations]
    bad = [c for c in checks if c[1] == "mismatch"]
    facts, symbols, sections = [], [fn], []
    if ctx.module:
        init = elf.symbols.get("init_module")
        target = elf.symbols.get(fn)
        if init is not None:
            same = fn in elf.at_address(init)
            facts.append(Fact("init_module", "%s symbol in %s at %s, size %d%s" % (
                init.bind.replace("STB_", "").lower(), init.section, hex_offset(init.value), init.size,
                ", the address of %s: an alias" % fn if same else "")))
            if not same:
                bad.append(["init_module", "mismatch", "not at %s's address" % fn])
        anchors = [s for s in elf.symbols.values() if s.name.startswith("__UNIQUE_ID___addressable_init_module")]
        for a in anchors:
            rels = [r for r in elf.relocations_in(a.section) if r.offset == a.value]
            facts.append(Fact("anchor", "%s in %s%s" % (a.name, a.section, "".join(
                ", %s against %s" % (r.type, _target(elf, r)) for r in rels))))
            sections.append(a.section)
        symbols += ["init_module"] + [a.name for a in anchors]
        summary = ("init_module at %s's address in %s" % (fn, target.section) if init is not None and
                   target is not None and fn in elf.at_address(init) else "init_module not found as an alias")
    else:
        entry = _entry(inv)
        sym = elf.symbols.get(entry.name) if entry else None
        if sym is not None:
            rels = [r for r in elf.relocations_in(sym.section) if r.offset == sym.value]
            facts.append(Fact("entry", "%s in %s at %s%s" % (sym.name, sym.section, hex_offset(sym.value), "".join(
                ", %s against %s" % (r.type, _target(elf, r)) for r in rels))))
            symbols.append(sym.name)
            sections.append(sym.section)
            summary = "%s in %s" % (sym.name, sym.section)
        else:
            summary = "the initcall entry is not in the object file"
        stub = next((d.name for d in inv.declarations if d.name.startswith("__initstub__")), None)
        if stub:
            symbols.append(stub)
    evidence = [Evidence(kind="table", title="symbols (readelf -s)", source=name,
                         columns=["symbol", "section", "value", "size", "bind", "type"],
                         rows=_symbol_rows(elf, symbols)),
                Evidence(kind="table", title="relocations (readelf -r)", source=name,
                         columns=["in section", "offset", "type", "against"],
                         rows=[row for s in sections for row in _reloc_rows(elf, s)]),
                Evidence(kind="table", title="the declarations checked against %s" % name, source=name,
                         columns=["declaration", "check", "detail"], rows=checks)]
    facts.append(Fact("sections", " ".join(s for s in elf.sections if s.startswith((".init", ".exit", ".initcall",
                                                                                     ".modinfo", ".discard")))))
    facts.append(Fact("compiled with", _compile_text(ctx.config)))
    return Station(key="object", title="the object file %s" % name, summary=summary,
                   status="mismatch" if bad else "ok", facts=facts, evidence=evidence)


def _compile_text(config):
    if config.compile_argv:
        return "the Kbuild command (%s ... -c)" % config.compile_argv[0]
    return "gcc -c with the run's flags (as --verify)"


# -- 4. built in: the linker script -------------------------------------------------

def _trace_script(ctx):
    if ctx._lds is None:
        try:
            cfg, argv = lds.script_config(ctx.config, ctx.work, ctx.tree, ctx.config_for)
            trace, _ = run_trace(cfg, ctx.on_warning)
            ctx._lds = (trace, argv, None if trace.invocations else "INIT_CALLS was not expanded")
        except (PreprocessError, ConfigError) as e:
            ctx._lds = (None, None, str(e))
    return ctx._lds


def _linker_script(ctx, inv, entry, level):
    title = "the linker script"
    if entry is None or level is None:
        return Station(key="linker-script", title=title, status="missing",
                       summary="no initcall section to place", missing="the expansion declares no initcall entry")
    index, note = chains.level_index(level)
    base = level.rstrip("s") if level not in ("rootfs",) and level.endswith("s") else level
    start = "__initcall_start" if level == "early" else "__initcall%s_start" % base
    rule = "KEEP(*(.initcall%s.init))" % level
    facts = [Fact("section", entry.section), Fact("level", "%s \u2014 %s" % (level, level_name(level))),
             Fact("rule", rule), Fact("start symbol", start)]
    if index is not None:
        facts.append(Fact("initcall_levels[%d]" % index, "__initcall%d_start (%s); the level ends at "
                          "initcall_levels[%d]" % (index, chains.INITCALL_LEVELS_AT, index + 1)))
        facts.append(Fact("initcall_level_names[%d]" % index, '"%s" (%s)' % (
            chains.LEVEL_NAMES[index], chains.INITCALL_LEVEL_NAMES_AT)))
    if note:
        facts.append(Fact("note", note))
    same = [i for i in ctx.trace.invocations if _entry(i) and _level(_entry(i).section) == level]
    pos = [i.line for i in same].index(inv.line) + 1 if inv.line in [i.line for i in same] else 0
    facts.append(Fact("position", "%d of %d initcall%s of this file at level %s (the file's order: line "
                      "order; among files: link order, the order of the objects in the Makefile)" % (
                          pos, len(same), "" if len(same) == 1 else "s", level)))
    if entry.section != ".initcall%s.init" % level:
        facts.append(Fact("CONFIG_LTO_CLANG", "the section is %s, one per initcall, which %s does not "
                          "match: Kbuild generates .tmp_initcalls.lds (scripts/generate_initcall_order.pl, "
                          "scripts/Makefile.vmlinux_o) with '.initcall%s.init : { *(%s) ... }' in link "
                          "order, used when linking vmlinux.o, so that the sections are merged into "
                          ".initcall%s.init in link order before vmlinux.lds places them"
                          % (entry.section, rule, level, entry.section, level)))
    else:
        facts.append(Fact("CONFIG_LTO_CLANG", "the section would be %s..<id>, one per initcall, which %s "
                          "does not match: Kbuild's generated .tmp_initcalls.lds merges them into %s in "
                          "link order when it links vmlinux.o" % (entry.section, rule, entry.section)))
    trace, argv, problem = _trace_script(ctx)
    evidence = []
    status, missing = "ok", None
    if trace is None:
        status, missing = "missing", ("macrotrace could not trace the linker script: %s" % problem)
    else:
        linv = trace.invocations[0]
        step = lds.level_step(linv, base if level not in ("early",) else "0")
        where = trace.definitions.get(step.definition).where() if step and step.definition else ""
        if level == "early":
            top = next((s for s in linv.steps if s.macro == "INIT_CALLS"), None)
            head = top.inserted.split("INIT_CALLS_LEVEL")[0].strip() if top else ""
            if head:
                facts.append(Fact("traced rule", "INIT_CALLS \u2192 %s (before INIT_CALLS_LEVEL(0))" % head))
                facts.append(Fact("defined at", trace.definitions[top.definition].where()
                                  if top.definition in trace.definitions else ""))
        elif step is not None:
            facts.append(Fact("traced rule", "INIT_CALLS_LEVEL(%s) \u2192 %s" % (base, step.inserted.strip())))
            facts.append(Fact("defined at", where))
        evidence.append(Evidence(kind="film", title="INIT_CALLS, traced as the kernel's linker script is "
                                 "preprocessed", source=" ".join(argv), steps=film(trace, linv)))
    return Station(key="linker-script", title=title, status=status, missing=missing,
                   summary="%s gathers %s at %s (level %s, \"%s\")" % (
                       "INIT_CALLS_LEVEL(%s)" % base if level != "early" else "INIT_CALLS", entry.section, start,
                       level, level_name(level)),
                   facts=facts, evidence=evidence)


# -- calls at boot / at insmod --------------------------------------------------

def _calls(key, title, calls, fn, summary):
    rows = [[c.function, c.defined, c.call, c.at] for c in calls]
    rows.append([fn, "", "", "your initcall"])
    return Station(key=key, title=title, summary=summary,
                   facts=[Fact("kernel", "Linux %s" % chains.KERNEL_VERSION),
                          Fact("chain", " \u2192 ".join(c.function for c in calls) + " \u2192 " + fn)],
                   evidence=[Evidence(kind="calls", title="who calls it (Linux %s)" % chains.KERNEL_VERSION,
                                      columns=["function", "defined at", "calls", "at"], rows=rows)])


# -- 5. module: the .mod.c and the .ko -------------------------------------------------

def _traced_mod_c(ctx):
    """(path shown, text, expanded text, trace of its macros at __this_module, problem)."""
    if ctx._modc is not None:
        return ctx._modc
    elf = ctx.obj_elf
    has_init = elf is None or "init_module" in elf.symbols
    has_cleanup = elf is not None and "cleanup_module" in elf.symbols
    real, cmd = modc.real_mod_c(ctx.config.source if not ctx.config.cwd else
                                os.path.join(ctx.config.cwd, ctx.config.source), ctx.modname)
    try:
        if ctx.tree or ctx.config.origin != "flags":
            if real is None or cmd is None:
                ctx._modc = (None, None, None, None, "no %s.mod.c (and .%s.mod.o.cmd) beside the source: Kbuild's "
                             "modpost writes it; run %s" % (ctx.modname, ctx.modname, KBUILD_HINT))
                return ctx._modc
            cfg = ctx.config_for(real, cmd_file=cmd)
            shown = ctx.display(real)
        else:
            path = os.path.join(ctx.work, "%s.mod.c" % ctx.modname)
            with open(path, "w") as fh:
                fh.write(modc.model_mod_c(has_init, has_cleanup))
            cfg = replace(ctx.config, source=path, modname=ctx.modname, line=None)
            shown = "%s.mod.c (model, as modpost writes it)" % ctx.modname
        with open(cfg.source if not cfg.cwd else os.path.join(cfg.cwd, cfg.source)) as fh:
            text = fh.read()
        from ..engine.session import expand
        expanded = expand(cfg, ctx.on_warning)
        lines = modc.this_module_lines(text)
        trace = None
        if lines:
            names = "__visible,__section,KBUILD_MODNAME,MODULE_ARCH_INIT"
            trace, _ = run_trace(replace(cfg, macro=names), ctx.on_warning)
            trace.invocations = [i for i in trace.invocations if lines[0] <= i.line <= lines[1]]
        ctx._modc = (shown, text, expanded, trace, None)
    except (PreprocessError, ConfigError, OSError) as e:
        ctx._modc = (None, None, None, None, "could not preprocess the .mod.c: %s" % e)
    return ctx._modc


def _mod_c(ctx):
    shown, text, expanded, trace, problem = _traced_mod_c(ctx)
    title = "%s.mod.c: __this_module" % ctx.modname
    if problem:
        return Station(key="mod.c", title=title, status="missing", summary="no .mod.c", missing=problem)
    definition, fields = modc.this_module_definition(expanded)
    facts = [Fact("file", shown)]
    for name, value in fields:
        facts.append(Fact(".%s" % name, value))
    init = dict(fields).get("init")
    facts.append(Fact("section", ".gnu.linkonce.this_module" if definition and ".gnu.linkonce.this_module"
                      in definition else "?"))
    evidence = [Evidence(kind="code", title="__this_module after preprocessing", source=shown, text=definition or "")]
    for inv in (trace.invocations if trace else []):
        evidence.append(Evidence(kind="film", title="%s:%d: %s" % (shown, inv.line, inv.source), source=shown,
                                 steps=film(trace, inv)))
    evidence.append(Evidence(kind="code", title=shown, source=shown, text=text))
    return Station(key="mod.c", title=title, status="ok" if init == "init_module" else "mismatch",
                   summary="__this_module (.gnu.linkonce.this_module) = { .init = %s }" % init if init else
                   "__this_module does not set .init", facts=facts, evidence=evidence)


def _ko(ctx):
    name = "%s.ko" % ctx.modname
    title = "the module %s" % name
    src_dir = os.path.dirname(os.path.abspath(os.path.join(ctx.config.cwd or "", ctx.config.source)))
    path = os.path.join(src_dir, name)
    if not (ctx.tree or ctx.config.origin != "flags"):
        return Station(key="ko", title=title, status="missing", summary="no .ko with the bundled headers",
                       missing="a .ko is linked by Kbuild (NAME.o + NAME.mod.o); with a kernel tree: "
                               "%s, then macrotrace journey FILE --kernel-tree KDIR" % KBUILD_HINT)
    if not os.path.isfile(path):
        return Station(key="ko", title=title, status="missing", summary="no %s beside the source" % name,
                       missing="no %s in %s: build it with %s" % (name, src_dir, KBUILD_HINT))
    elf = read_elf(path)
    section = ".gnu.linkonce.this_module"
    rels = elf.relocations_in(section)
    init = [r for r in rels if r.symbol == "init_module"]
    facts = [Fact("file", ctx.display(path))]
    this = elf.symbols.get("__this_module")
    if this is not None:
        facts.append(Fact("__this_module", "in %s, size %d" % (this.section, this.size)))
    for r in rels:
        facts.append(Fact("relocation", "offset %s %s against %s" % (hex_offset(r.offset), r.type, r.symbol)))
    status, missing = ("ok" if init else "mismatch"), None
    if init:
        member = struct_member_at(path, "module", init[0].offset) if elf.has_debug_info else None
        if member is None:
            status = "missing"
            missing = ("%s has no debug information to name the field at %s: build with CONFIG_DEBUG_INFO=y "
                       "or %s KCFLAGS=-g" % (name, hex_offset(init[0].offset), KBUILD_HINT))
        else:
            field_name, field_off, field_type = member
            exact = field_off == init[0].offset
            facts.append(Fact("field", "%s = struct module.%s (%s, at %s in the debug information)" % (
                hex_offset(init[0].offset), field_name if exact else "%s+%d" % (field_name, init[0].offset - field_off),
                field_type, hex_offset(field_off))))
    summary = ("%s: %s in %s, relocated against init_module" % (name, hex_offset(init[0].offset), section)
               if init else "%s: no relocation against init_module in %s" % (name, section))
    return Station(key="ko", title=title, status=status, missing=missing, summary=summary, facts=facts,
                   evidence=[Evidence(kind="table", title="relocations in %s (readelf -r)" % section, source=name,
                                      columns=["in section", "offset", "type", "against"],
                                      rows=_reloc_rows(elf, section))])
