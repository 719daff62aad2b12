"""What a top-level ``asm("...")`` block defines: its labels, the section each is in,
and the data after each (the PREL32 initcall entry's ``.long fn - .``, the export
table's strings).

The assembler text is followed as the assembler would: ``.section``/``.pushsection``
switch the section, ``.previous`` and ``.popsection`` switch back, and a label belongs
to the section in force where it is written. Local labels (``.L...``, ``1:``) are not
symbols of the object, so they are not listed.
"""

import re

_LABEL = re.compile(r"\s*([A-Za-z_$][\w.$]*)\s*:(?!:)")
_SECTION = re.compile(r"\.(?:push)?section\s+(\"[^\"]*\"|[^\s,;]+)")
_PLAIN_SECTIONS = {".text": ".text", ".data": ".data", ".bss": ".bss"}
_RELATIVE = re.compile(r"\.long\s+([A-Za-z_.$][\w.$]*)\s*-\s*\.(?![\w.$])")


def _statements(text):
    for line in text.split("\n"):
        for stmt in line.split(";"):
            yield stmt


def asm_labels(text):
    """[(label, section, data)] for the labels ``text`` defines, in order: ``data`` is
    the list of directives written after the label (up to the next label)."""
    section, previous, stack = None, None, []
    out = []
    for stmt in _statements(text):
        m = _LABEL.match(stmt)
        while m:
            if not m.group(1).startswith(".L"):
                out.append([m.group(1), section, []])
            stmt = stmt[m.end():]
            m = _LABEL.match(stmt)
        s = stmt.strip()
        if not s:
            continue
        m = _SECTION.match(s)
        if m:
            if s.startswith(".push"):
                stack.append(section)
            previous, section = section, m.group(1).strip('"')
        elif s.split()[0] in _PLAIN_SECTIONS:
            previous, section = section, _PLAIN_SECTIONS[s.split()[0]]
        elif s.startswith(".previous"):
            section, previous = previous, section
        elif s.startswith(".popsection"):
            previous, section = section, (stack.pop() if stack else None)
        elif out:
            out[-1][2].append(s)
    return [tuple(x) for x in out]


def relative_target(data):
    """The symbol of the first ``.long SYM - .`` in a label's data (a 32-bit
    place-relative offset: an R_X86_64_PC32 relocation), or None."""
    for d in data:
        m = _RELATIVE.match(d)
        if m:
            return m.group(1)
    return None


def data_type(data):
    """What a label's data is, in words."""
    if relative_target(data):
        return "int (32-bit place-relative offset)"
    first = data[0].split()[0] if data else ""
    if first in (".asciz", ".string"):
        return "string"
    if first in (".long", ".int", ".4byte"):
        return "int"
    if first in (".quad", ".8byte"):
        return "long (64-bit)"
    return "assembler data"
