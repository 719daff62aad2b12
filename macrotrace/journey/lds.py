"""The linker-script station: how INIT_CALLS in include/asm-generic/vmlinux.lds.h
places an initcall's section, traced as the kernel's build preprocesses its linker
script (``-x assembler-with-cpp -D__ASSEMBLY__ -DLINKER_SCRIPT``).

With the bundled headers the model of vmlinux.lds.h is traced; with a kernel tree
the tree's own header, with the command Kbuild runs for a ``.lds.S`` (asked once, with a
probe linker script, as kernel_tree.py asks for the compiler command).
"""

import os
from dataclasses import replace

from ..config import ConfigError, source_language

# Kbuild's probe linker script (kernel_tree.probe_command(tree, lds=True) asks Kbuild for
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
        try:
            argv, build_dir = probe_command(tree, lds=True)
        except TypeError:
            raise ConfigError("this macrotrace cannot ask Kbuild for its linker-script command yet")
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
