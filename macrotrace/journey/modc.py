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
