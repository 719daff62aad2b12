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

from ..config import ConfigError
from ..initcalls import MACROS
from ..render.text import declaration_line
from .. import progress
from ..record import replace
from ..tracing import path_display, run_trace
from ..verify import CompileFailed, check_declaration, compile_unit, read_object
from . import chains, ko, lds, modc
from .elf import hex_offset, read_elf
from .evidence import film, initcall_entry, initcall_level, relocation_rows, relocation_target, symbol_rows
from .model import Chain, Evidence, Fact, Journey, Station


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
                progress.add("initcalls followed")
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
        chain.stations.append(modc.station(ctx))
        chain.stations.append(ko.station(ctx))
        chain.stations.append(_calls("insmod", "insmod: the call at module load", chains.INSMOD, fn,
                                     "do_init_module() calls mod->init, which __this_module's .init "
                                     "set to init_module = %s" % fn))
    else:
        entry = initcall_entry(inv)
        level = initcall_level(entry.section) if entry else None
        chain.stations.append(lds.station(ctx, inv, entry, level))
        early = level == "early"
        chain.stations.append(_calls("boot", "boot: the call at boot", chains.BOOT_EARLY if early else chains.BOOT,
                                     fn, "%s runs %s's entry" % ("do_pre_smp_initcalls()" if early else
                                                                 "do_initcall_level(%s)" % _index_text(level),
                                                                 fn)))
    return chain


def _function_of(inv):
    m = re.match(r"\s*\w+\s*\(\s*(\w+)", inv.source)
    return m.group(1) if m else inv.source


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
        entry = initcall_entry(inv)
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
                ", %s against %s" % (r.type, relocation_target(elf, r)) for r in rels))))
            sections.append(a.section)
        symbols += ["init_module"] + [a.name for a in anchors]
        summary = ("init_module at %s's address in %s" % (fn, target.section) if init is not None and
                   target is not None and fn in elf.at_address(init) else "init_module not found as an alias")
    else:
        entry = initcall_entry(inv)
        sym = elf.symbols.get(entry.name) if entry else None
        if sym is not None:
            rels = [r for r in elf.relocations_in(sym.section) if r.offset == sym.value]
            facts.append(Fact("entry", "%s in %s at %s%s" % (sym.name, sym.section, hex_offset(sym.value), "".join(
                ", %s against %s" % (r.type, relocation_target(elf, r)) for r in rels))))
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
                         rows=symbol_rows(elf, symbols)),
                Evidence(kind="table", title="relocations (readelf -r)", source=name,
                         columns=["in section", "offset", "type", "against"],
                         rows=[row for s in sections for row in relocation_rows(elf, s)]),
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


# -- calls at boot / at insmod --------------------------------------------------

def _calls(key, title, calls, fn, summary):
    rows = [[c.function, c.defined, c.call, c.at] for c in calls]
    rows.append([fn, "", "", "your initcall"])
    return Station(key=key, title=title, summary=summary,
                   facts=[Fact("kernel", "Linux %s" % chains.KERNEL_VERSION),
                          Fact("chain", " \u2192 ".join(c.function for c in calls) + " \u2192 " + fn)],
                   evidence=[Evidence(kind="calls", title="who calls it (Linux %s)" % chains.KERNEL_VERSION,
                                      columns=["function", "defined at", "calls", "at"], rows=rows)])
