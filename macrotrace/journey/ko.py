"""The .ko station: the module Kbuild linked, its __this_module in
.gnu.linkonce.this_module, the relocation that sets .init to init_module, and the
struct module field it fills, named from the .ko's own debug information."""

import os

from .elf import hex_offset, read_elf, struct_member_at
from .evidence import KBUILD_HINT, relocation_rows
from .model import Evidence, Fact, Station


def station(ctx):
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
                                      rows=relocation_rows(elf, section))])
