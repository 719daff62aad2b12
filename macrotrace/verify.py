"""``--verify``: compile the traced file for real and hold the declarations table
against the object file (sections, symbols, relocations, .modinfo strings).

The compiler command is the run's own: the Kbuild command for kernel runs, or gcc
with the same preprocessing flags for the bundled headers.  A mismatch is reported,
not hidden; when there is no compiler the check says so and is skipped.
"""

import os
import re
import shutil
import subprocess
import tempfile

from .compile_command import without_output
from .config import ConfigError
from .trace.model import Check

# the sections a report names: where initcalls, exit calls and .modinfo strings go
SECTIONS = (".init", ".exit", ".modinfo", ".discard", ".initcall")


class CompileFailed(ConfigError):
    """The compile itself failed: the file does not build with the run's command.
    Unlike a missing compiler (the check is skipped), this is the answer."""


def first_error_line(stderr):
    """gcc's first error line ("file:line:col: error: ..."), else its first line."""
    lines = [l for l in stderr.splitlines() if l.strip()]
    for line in lines:
        if ": error:" in line or ": fatal error:" in line:
            return line.strip()
    return lines[0].strip() if lines else "(no output)"


def compile_command(config, output):
    """argv that compiles config.source to ``output`` as the run preprocessed it."""
    if config.origin != "flags":
        raise ConfigError("internal: use command_from_parsed for compiler-command runs")
    cc = list(config.compiler) if config.compiler else ["gcc"]
    argv = cc + ["-c", "-O2", "-std=%s" % config.std, "-ffreestanding"]
    if not config.compiler:
        argv += ["-undef", "-nostdinc"]
    for d in config.quote_dirs:
        argv += ["-iquote", d]
    for d in list(config.include_dirs) + ([config.search_dirs()["bracket"][-1]] if config.bundled_headers else []):
        argv += ["-I", d]
    for d in config.system_dirs:
        argv += ["-isystem", d]
    for f in config.forced_includes:
        argv += ["-include", f]
    for kind, value in config.all_macro_options():
        argv.append("-%s%s" % (kind, value))
    return argv + [config.source, "-o", output]


def kbuild_compile(argv, output):
    return without_output(argv) + ["-c", "-o", output]


def read_object(path):
    from elftools.elf.elffile import ELFFile
    from elftools.elf.relocation import RelocationSection
    from elftools.elf.sections import SymbolTableSection
    info = {"sections": [], "symbols": {}, "relocations": {}, "modinfo": []}
    with open(path, "rb") as fh:
        elf = ELFFile(fh)
        names = [s.name for s in elf.iter_sections()]
        info["sections"] = names
        symtab = None
        for sec in elf.iter_sections():
            if isinstance(sec, SymbolTableSection):
                symtab = sec
                for sym in sec.iter_symbols():
                    if not sym.name:
                        continue
                    shndx = sym["st_shndx"]
                    where = names[shndx] if isinstance(shndx, int) and shndx < len(names) else str(shndx)
                    info["symbols"][sym.name] = {"section": where, "bind": sym["st_info"]["bind"],
                                                 "type": sym["st_info"]["type"], "value": sym["st_value"]}
        for sec in elf.iter_sections():
            if isinstance(sec, RelocationSection) and symtab is not None:
                target = names[sec["sh_info"]]
                rels = []
                for rel in sec.iter_relocations():
                    sym = symtab.get_symbol(rel["r_info_sym"])
                    rels.append((sym.name or names[sym["st_shndx"]] if isinstance(sym["st_shndx"], int) else sym.name,
                                 rel["r_info_type"]))
                info["relocations"][target] = rels
            if sec.name == ".modinfo":
                info["modinfo"] = [s.decode("utf-8", "replace") for s in sec.data().split(b"\0") if s]
    return info


def check_declaration(d, obj):
    """(status, detail): status is "ok", "mismatch", or "expected absent"."""
    syms = obj["symbols"]
    if d.kind == "static_assert":
        return "ok", "checked by the compiler (the object exists)"
    if d.kind == "unparsed":
        return "skipped", d.note or "could not parse"
    if d.section == ".modinfo" and d.initializer:
        text = _c_string(d.initializer)
        if text is not None and text in obj["modinfo"]:
            return "ok", ".modinfo has %r" % text
        return "mismatch", ".modinfo lacks %r (has %s)" % (text, obj["modinfo"])
    if d.kind == "asm entry":
        sym = syms.get(d.name)
        if sym is None:
            return "mismatch", "no label %s in the object" % d.name
        if sym["section"] != d.section:
            return "mismatch", "label %s is in %s, not %s" % (d.name, sym["section"], d.section)
        if not d.initializer:
            return "ok", "label %s in %s" % (d.name, d.section)
        rels = obj["relocations"].get(d.section, [])
        target = d.initializer.split(" - ")[0]
        # a local target is relocated against its section's symbol (plus its offset)
        target_section = syms.get(target, {}).get("section")
        R_X86_64_PC32 = 2
        if not any(rtype == R_X86_64_PC32 and name in (target, target_section) for name, rtype in rels):
            return "mismatch", "no R_X86_64_PC32 relocation to %s in %s (%s)" % (target, d.section, rels)
        return "ok", "label in %s, R_X86_64_PC32 against %s" % (d.section, target)
    if d.kind == "function definition" and "inline" in d.storage and "static" in d.storage:
        if d.name not in syms:
            return "expected absent", "static inline, never called: not emitted"
    sym = syms.get(d.name)
    if sym is None:
        if d.kind == "function" and d.section is None:
            return "ok", "a declaration only"
        if "static" in d.storage and not d.used:
            return "expected absent", "static and unused: the compiler dropped it"
        return "mismatch", "%s not in the object's symbols" % d.name
    if d.kind == "alias":
        target = syms.get(d.alias_of)
        if target is None or target["section"] != sym["section"] or target["value"] != sym["value"]:
            return "mismatch", "%s is not at %s's address" % (d.name, d.alias_of)
        return "ok", "alias of %s in %s" % (d.alias_of, sym["section"])
    if d.section and sym["section"] != d.section:
        return "mismatch", "%s is in %s, not %s" % (d.name, sym["section"], d.section)
    return "ok", "%s in %s" % (d.name, sym["section"])


def _c_string(init):
    """The value of a C string initializer made of adjacent literals."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', init)
    if not parts:
        return None
    return "".join(parts).encode("latin-1", "backslashreplace").decode("unicode_escape")


# A hostile input (a macro bomb) must not make the compiler run for ever or take the
# machine's memory: a real module compiles in seconds and well under 1 GiB.
COMPILE_SECONDS = 300
COMPILE_MEMORY = 4 << 30


def _limit_memory():
    import resource
    try:
        resource.setrlimit(resource.RLIMIT_AS, (COMPILE_MEMORY, COMPILE_MEMORY))
    except (ValueError, OSError):
        pass


def compile_unit(config, command_argv, out, what):
    """Compile config.source to ``out`` with the run's own command (Kbuild's when there
    is one); returns ``out``.  ConfigError when there is no compiler here, CompileFailed
    (with gcc's first error line) when the file does not compile."""
    cc = (command_argv[0] if command_argv else (config.compiler[0] if config.compiler else "gcc"))
    if shutil.which(cc) is None:
        raise ConfigError("%s: no compiler %s here; skipped" % (what, cc))
    argv = kbuild_compile(command_argv, out) if command_argv else compile_command(config, out)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=config.cwd or None,
                              timeout=COMPILE_SECONDS, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        raise CompileFailed("%s: the compiler did not finish in %d s (%s stopped it)"
                            % (config.source, COMPILE_SECONDS, what))
    if proc.returncode != 0:
        raise CompileFailed("%s (%s: the file does not compile with the run's command)"
                            % (first_error_line(proc.stderr), what))
    return out


def verify(config, trace, command_argv=None):
    """Compile and compare; returns (report rows per invocation, object info) or raises
    ConfigError when no compiler is available (the caller says so and skips)."""
    work = tempfile.mkdtemp(prefix="macrotrace-verify-")
    try:
        obj = read_object(compile_unit(config, command_argv, os.path.join(work, "traced.o"), "--verify"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    for inv in trace.invocations:
        rows.append([(d, *check_declaration(d, obj)) for d in inv.declarations])
    return rows, obj


def verify_trace(config, trace, command_argv=None):
    """verify(), with the result put in the model: each invocation's ``checks`` and the
    trace's ``verified_sections`` (renderers show them; JSON carries them)."""
    rows, obj = verify(config, trace, command_argv)
    for inv, checks in zip(trace.invocations, rows):
        inv.checks = [Check(k, status, detail) for k, (_, status, detail) in enumerate(checks)]
    trace.verified_sections = [s for s in obj.get("sections", []) if s.startswith(SECTIONS)]
    return trace
