"""The linker-script station: how INIT_CALLS in include/asm-generic/vmlinux.lds.h
places an initcall's section, traced as the kernel's build preprocesses its linker
script (``-x assembler-with-cpp -D__ASSEMBLY__ -DLINKER_SCRIPT``).

With the bundled headers the model of vmlinux.lds.h is traced; with a kernel tree
the tree's own header, with the command Kbuild runs for a ``.lds.S`` (asked once, with a
probe linker script, as kernel_tree.py asks for the compiler command).
"""

import os

from ..config import ConfigError, source_language
from ..engine.diagnostics import PreprocessError
from ..initcalls import level_name
from ..record import replace
from ..tracing import run_trace
from . import chains
from .evidence import film, initcall_entry, initcall_level
from .model import Evidence, Fact, Station

# Kbuild's probe linker script (kernel_tree.probe_command(tree, "lds") asks Kbuild for
# the command of @DIR@/macrotrace_probe.lds.S); the journey writes its own text there:
# the initcall table of include/asm-generic/vmlinux.lds.h.
PROBE = "macrotrace_probe.lds.S"
PROBE_LDS_S = "#include <asm-generic/vmlinux.lds.h>\nINIT_CALLS\n"


def script_config(config, workdir, tree=None, config_for=None):
    """The RunConfig that traces INIT_CALLS in a probe linker script written to
    ``workdir`` (the text of kernel_tree.PROBE_LDS_S), and the command it stands for."""
    path = os.path.join(workdir, PROBE)
    with open(path, "w") as fh:
        fh.write(PROBE_LDS_S)
    if tree:
        from ..kernel_tree import probe_command
        argv, build_dir = probe_command(tree, "lds")
        argv = [a.replace("@DIR@/", workdir + "/") for a in argv]
        cfg = config_for(path, command=argv, cwd=build_dir)
        return replace(cfg, macro="INIT_CALLS", lang=source_language(path)), argv
    options = (("U", "x86"), ("D", "__ASSEMBLY__"), ("D", "LINKER_SCRIPT"))
    cfg = replace(config, source=path, macro="INIT_CALLS", line=None, switches_on=frozenset(),
                  macro_options=options, forced_includes=(), cwd=None, lang=source_language(path))
    argv = ["gcc", "-E", "-P", "-undef", "-nostdinc", "-I", "headers", "-Ux86", "-D__ASSEMBLY__",
            "-DLINKER_SCRIPT", PROBE]
    return cfg, argv


def level_step(invocation, level):
    """The step of the INIT_CALLS film that replaces INIT_CALLS_LEVEL(level), and the
    text it inserted."""
    for step in invocation.steps:
        if step.macro == "INIT_CALLS_LEVEL" and step.arguments and step.arguments[0].written.strip() == level:
            return step
    return None


def _trace_script(ctx):
    if ctx._lds is None:
        try:
            cfg, argv = script_config(ctx.config, ctx.work, ctx.tree, ctx.config_for)
            trace, _ = run_trace(cfg, ctx.on_warning)
            ctx._lds = (trace, argv, None if trace.invocations else "INIT_CALLS was not expanded")
        except (PreprocessError, ConfigError) as e:
            ctx._lds = (None, None, str(e))
    return ctx._lds


def station(ctx, inv, entry, level):
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
    same = [i for i in ctx.trace.invocations if initcall_entry(i) and initcall_level(initcall_entry(i).section) == level]
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
        step = level_step(linv, base if level not in ("early",) else "0")
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
