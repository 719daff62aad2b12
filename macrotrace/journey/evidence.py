"""What several stations show: an invocation's film, an object file's symbols and
relocations, the initcall entry of an expansion, and how to get a module built."""

import re

from .elf import hex_offset
from .model import FilmStep

KBUILD_HINT = "make -C KDIR M=$PWD modules"


def film(trace, inv):
    """An invocation's steps as the journey shows them: the macro, where it is defined,
    the text after the step and the span it inserted."""
    steps = [FilmStep(macro="", where="%s:%d" % (inv.file, inv.line), text=inv.steps[0].text)]
    for s in inv.steps[1:]:
        d = trace.definitions.get(s.definition) if s.definition else None
        steps.append(FilmStep(macro=s.macro or s.kind, where=d.where() if d else "", text=s.text,
                              span=list(s.after_span) if s.after_span else None))
    return steps


def initcall_entry(inv):
    for d in inv.declarations:
        if d.section and d.section.startswith(".initcall"):
            return d
    return None


def initcall_level(section):
    m = re.match(r"\.initcall(\w+?)\.init(\.\..*)?$", section or "")
    return m.group(1) if m else None


def symbol_rows(elf, names):
    rows = []
    for n in names:
        s = elf.symbols.get(n)
        if s is not None:
            rows.append([s.name, s.section, hex_offset(s.value), str(s.size),
                         s.bind.replace("STB_", "").lower(), s.type.replace("STT_", "").lower()])
    return rows


def relocation_target(elf, rel):
    """A relocation's target, with the symbol a section-relative one points at."""
    base = "%s%s" % (rel.symbol, " + %s" % hex_offset(rel.addend) if rel.addend else "")
    if rel.symbol in elf.sections:
        named = [s.name for s in elf.symbols_in(rel.symbol) if s.value == rel.addend and s.type != "STT_SECTION"]
        if named:
            return "%s (= %s)" % (base, named[0])
    return base


def relocation_rows(elf, section):
    return [[r.section, hex_offset(r.offset), r.type, relocation_target(elf, r)] for r in elf.relocations_in(section)]
