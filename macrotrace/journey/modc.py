"""NAME.mod.c: the C file Kbuild's modpost writes for every module, whose
``__this_module`` (in ``.gnu.linkonce.this_module``) tells the loader where the
module's init function is: ``.init = init_module``.

With a kernel tree the real file (beside the source, after ``make M=...``) is traced
with the command Kbuild compiled it with (``.NAME.mod.o.cmd``).  With the bundled
headers macrotrace writes a model, as modpost's add_header() writes it in 6.1, minus
the parts the bundled headers do not model (vermagic, build salt, the LTO note,
symbol versions: headers/README.md).
"""

import os
import re

from ..config import ConfigError
from ..engine.diagnostics import PreprocessError
from ..record import replace
from ..tracing import run_trace
from .evidence import KBUILD_HINT, film
from .model import Evidence, Fact, Station


def model_mod_c(has_init, has_cleanup):
    """The text of a model NAME.mod.c (scripts/mod/modpost.c, add_header, 6.1)."""
    out = ["#include <linux/module.h>", "#include <linux/compiler.h>", "",
           "MODULE_INFO(name, KBUILD_MODNAME);", "",
           "__visible struct module __this_module",
           '__section(".gnu.linkonce.this_module") = {',
           "\t.name = KBUILD_MODNAME,"]
    if has_init:
        out.append("\t.init = init_module,")
    if has_cleanup:
        out += ["#ifdef CONFIG_MODULE_UNLOAD", "\t.exit = cleanup_module,", "#endif"]
    out += ["\t.arch = MODULE_ARCH_INIT,", "};", "",
            "#ifdef CONFIG_RETPOLINE", 'MODULE_INFO(retpoline, "Y");', "#endif", ""]
    return "\n".join(out)


def real_mod_c(source, modname):
    """(NAME.mod.c, .NAME.mod.o.cmd) beside ``source`` when Kbuild made them, else
    (None or the .mod.c, None)."""
    d = os.path.dirname(os.path.abspath(source))
    mod_c = os.path.join(d, "%s.mod.c" % modname)
    cmd = os.path.join(d, ".%s.mod.o.cmd" % modname)
    return (mod_c if os.path.isfile(mod_c) else None), (cmd if os.path.isfile(cmd) else None)


def this_module_lines(text):
    """The first and last line (1-based) of the __this_module definition in a .mod.c."""
    lines = text.splitlines()
    first = next((k for k, l in enumerate(lines) if "__this_module" in l), None)
    if first is None:
        return None
    last = next((k for k in range(first, len(lines)) if lines[k].strip().startswith("};")), len(lines) - 1)
    return first + 1, last + 1


def this_module_definition(expanded):
    """The __this_module definition in the preprocessed .mod.c: (its text, the
    designated initializers as [(field, value)])."""
    m = re.search(r"struct\s+module\s+__this_module\b[^;=]*=\s*\{(.*?)\}\s*;", expanded, re.S)
    if m is None:
        return None, []
    text = " ".join(m.group(0).split())
    fields = []
    depth, start, body = 0, 0, m.group(1)
    for k, ch in enumerate(body + ","):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "," and depth == 0:
            item = " ".join(body[start:k].split())
            start = k + 1
            d = re.match(r"\.(\w+)\s*=\s*(.*)$", item)
            if d:
                fields.append((d.group(1), d.group(2)))
    return text, fields


def _traced_mod_c(ctx):
    """(path shown, text, expanded text, trace of its macros at __this_module, problem)."""
    if ctx._modc is not None:
        return ctx._modc
    elf = ctx.obj_elf
    has_init = elf is None or "init_module" in elf.symbols
    has_cleanup = elf is not None and "cleanup_module" in elf.symbols
    real, cmd = real_mod_c(ctx.config.source if not ctx.config.cwd else
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
                fh.write(model_mod_c(has_init, has_cleanup))
            cfg = replace(ctx.config, source=path, modname=ctx.modname, line=None)
            shown = "%s.mod.c (model, as modpost writes it)" % ctx.modname
        with open(cfg.source if not cfg.cwd else os.path.join(cfg.cwd, cfg.source)) as fh:
            text = fh.read()
        from ..engine.session import expand
        expanded = expand(cfg, ctx.on_warning).text
        lines = this_module_lines(text)
        trace = None
        if lines:
            names = "__visible,__section,KBUILD_MODNAME,MODULE_ARCH_INIT"
            trace, _ = run_trace(replace(cfg, macro=names), ctx.on_warning)
            trace.invocations = [i for i in trace.invocations if lines[0] <= i.line <= lines[1]]
        ctx._modc = (shown, text, expanded, trace, None)
    except (PreprocessError, ConfigError, OSError) as e:
        ctx._modc = (None, None, None, None, "could not preprocess the .mod.c: %s" % e)
    return ctx._modc


def station(ctx):
    shown, text, expanded, trace, problem = _traced_mod_c(ctx)
    title = "%s.mod.c: __this_module" % ctx.modname
    if problem:
        return Station(key="mod.c", title=title, status="missing", summary="no .mod.c", missing=problem)
    definition, fields = this_module_definition(expanded)
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
