"""Reading the journey's object files (.o, .ko) with pyelftools: symbols with their
section and address, relocations with offset, type and target, and the name of the
struct member a relocation fills, from the file's own DWARF.

Everything returned is plain data (dicts, lists, strings): nothing above this module
sees a pyelftools object.
"""

from dataclasses import dataclass
from typing import Dict, List, Optional

from ..config import ConfigError


@dataclass
class Symbol:
    name: str
    section: str          # section name, or ABS/UND/COMMON
    value: int
    size: int
    bind: str             # STB_LOCAL, STB_GLOBAL...
    type: str             # STT_FUNC, STT_OBJECT...


@dataclass
class Relocation:
    section: str          # the section patched (".gnu.linkonce.this_module"), not ".rela..."
    offset: int
    type: str             # "R_X86_64_64"
    symbol: str           # the target (a section's name for a section symbol)
    addend: int


@dataclass
class ElfFile:
    path: str
    sections: List[str]
    symbols: Dict[str, Symbol]
    relocations: List[Relocation]
    has_debug_info: bool

    def symbols_in(self, section):
        return [s for s in self.symbols.values() if s.section == section]

    def relocations_in(self, section):
        return [r for r in self.relocations if r.section == section]

    def at_address(self, sym):
        """Other symbols at the same section and address as ``sym`` (aliases)."""
        return sorted(s.name for s in self.symbols.values()
                      if s.section == sym.section and s.value == sym.value and s.name != sym.name
                      and s.type == sym.type)


def _reloc_type_name(elf, number):
    from elftools.elf.enums import ENUM_RELOC_TYPE_x64, ENUM_RELOC_TYPE_i386
    table = ENUM_RELOC_TYPE_x64 if elf["e_machine"] == "EM_X86_64" else ENUM_RELOC_TYPE_i386
    for name, value in table.items():
        if value == number:
            return name
    return "type %d" % number


def read_elf(path):
    """The symbols, sections and relocations of an ELF object file."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile
    from elftools.elf.relocation import RelocationSection
    from elftools.elf.sections import SymbolTableSection
    try:
        with open(path, "rb") as fh:
            elf = ELFFile(fh)
            names = [s.name for s in elf.iter_sections()]
            symbols, symtab = {}, None
            for sec in elf.iter_sections():
                if isinstance(sec, SymbolTableSection):
                    symtab = sec
                    for sym in sec.iter_symbols():
                        shndx = sym["st_shndx"]
                        where = names[shndx] if isinstance(shndx, int) and shndx < len(names) else \
                            str(shndx).replace("SHN_", "")
                        name = sym.name or (where if sym["st_info"]["type"] == "STT_SECTION" else "")
                        if name and name not in symbols:
                            symbols[name] = Symbol(name, where, sym["st_value"], sym["st_size"],
                                                   sym["st_info"]["bind"], sym["st_info"]["type"])
            relocations = []
            for sec in elf.iter_sections():
                if not isinstance(sec, RelocationSection) or symtab is None:
                    continue
                target = names[sec["sh_info"]]
                if target.startswith(".debug"):
                    continue
                for rel in sec.iter_relocations():
                    sym = symtab.get_symbol(rel["r_info_sym"])
                    shndx = sym["st_shndx"]
                    name = sym.name or (names[shndx] if isinstance(shndx, int) and shndx < len(names) else "")
                    relocations.append(Relocation(target, rel["r_offset"],
                                                  _reloc_type_name(elf, rel["r_info_type"]), name,
                                                  rel["r_addend"] if rel.is_RELA() else 0))
            return ElfFile(path, names, symbols, relocations, elf.has_dwarf_info() and
                           any(n == ".debug_info" for n in names))
    except (OSError, ELFError) as e:
        raise ConfigError("%s: cannot read as an ELF object file: %s" % (path, e))


def struct_member_at(path, struct_name, offset):
    """(member name, member offset, member type) of ``struct struct_name`` that covers
    byte ``offset``, from the file's DWARF; None when the file has no debug information
    or no such struct."""
    from elftools.elf.elffile import ELFFile
    with open(path, "rb") as fh:
        elf = ELFFile(fh)
        if not elf.has_dwarf_info():
            return None
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=True)
        for cu in dwarf.iter_CUs():
            for die in cu.iter_DIEs():
                if die.tag != "DW_TAG_structure_type" or die.attributes.get("DW_AT_declaration"):
                    continue
                name = die.attributes.get("DW_AT_name")
                if name is None or name.value.decode("utf-8", "replace") != struct_name:
                    continue
                return _member_covering(die, offset)
    return None


def _member_covering(struct, offset):
    best = None
    for child in struct.iter_children():
        if child.tag != "DW_TAG_member":
            continue
        loc = child.attributes.get("DW_AT_data_member_location")
        if loc is None or not isinstance(loc.value, int):
            continue
        if loc.value <= offset and (best is None or loc.value >= best[1]):
            name = child.attributes.get("DW_AT_name")
            best = (name.value.decode("utf-8", "replace") if name else "(anonymous)", loc.value,
                    _type_name(child))
    return best


def _type_name(die):
    """A short C spelling of a member's type ("int (*)(void)", "char [56]")."""
    t = die.get_DIE_from_attribute("DW_AT_type") if "DW_AT_type" in die.attributes else None
    if t is None:
        return "void"
    name = t.attributes.get("DW_AT_name")
    if t.tag == "DW_TAG_pointer_type":
        inner = t.get_DIE_from_attribute("DW_AT_type") if "DW_AT_type" in t.attributes else None
        if inner is not None and inner.tag == "DW_TAG_subroutine_type":
            ret = _type_name(inner)
            params = [_type_name(p) for p in inner.iter_children() if p.tag == "DW_TAG_formal_parameter"]
            return "%s (*)(%s)" % (ret, ", ".join(params) or "void")
        return _type_name(t) + " *"
    if t.tag == "DW_TAG_array_type":
        return _type_name(t) + " []"
    if t.tag in ("DW_TAG_const_type", "DW_TAG_volatile_type", "DW_TAG_typedef") and name is None:
        return _type_name(t)
    prefix = {"DW_TAG_structure_type": "struct ", "DW_TAG_union_type": "union ",
              "DW_TAG_enumeration_type": "enum "}.get(t.tag, "")
    return prefix + (name.value.decode("utf-8", "replace") if name else "?")


def hex_offset(n: Optional[int]):
    return "0x%x" % n if n is not None else "?"
