"""From the trace model to what an editor shows: hovers (Markdown), the spine of an
expansion, the text of one level, and the configuration line.  Reads only the model."""

from ..render.text import _condition_text, declaration_line

ARROW = " → "


def spine(inv, trace):
    """The chain of macros each rescan hands on to: module_init → __initcall → … →
    ____define_initcall.  At each level the largest rescanned expansion is followed;
    object-like macros with nothing inside (``__used``) are decoration, not a level."""
    node = inv.tree
    names = []
    while node is not None:
        names.append(node.macro)
        rescans = [c for c in node.children if c.role == "rescan"]
        levels = [c for c in rescans if c.children or _function_like(trace, c)]
        if not levels and not _function_like(trace, node):
            levels = rescans
        node = max(levels, key=_size) if levels else None
    return names


def _function_like(trace, node):
    d = trace.definitions.get(node.definition)
    return d is not None and "(" in d.signature


def _size(node):
    return 1 + sum(_size(c) for c in node.children)


def one_level(inv):
    """The text once the invocation's own macro has been replaced (its arguments
    pre-expanded as gcc does first), before anything in it is rescanned."""
    if inv.tree is None or inv.tree.step is None:
        return None
    return inv.steps[inv.tree.step].text


def conditions(definition):
    """The #if chain of a definition, include guards left out."""
    return [_condition_text(c) for c in definition.conditions if not c.include_guard]


def definition_lines(definition):
    out = ["`#define %s %s`" % (definition.signature, definition.body) if not definition.builtin
           else "`%s` (built in)" % definition.name,
           "", "defined at %s" % definition.where()]
    conds = conditions(definition)
    if conds:
        out += ["", "active because:"] + ["- `%s`" % c for c in conds]
    elif not definition.builtin and not definition.command_line:
        out += ["", "(not inside any #if)"]
    return out


def invocation_hover(trace, inv, settings_line):
    """Markdown for a hover on an invocation."""
    steps = len(inv.steps) - 1
    head = "**%s** at %s:%d:%d — %d step%s" % (inv.steps[0].text if len(inv.source) < 60 else trace.macro,
                                              inv.file, inv.line, inv.column, steps, "" if steps == 1 else "s")
    out = [head, ""]
    if inv.cut:
        out += ["(cut after %d steps: no final text)" % steps]
    else:
        out += ["```c", inv.result, "```"]
    chain = spine(inv, trace)
    if len(chain) > 1:
        out += ["", ARROW.join(chain)]
    declared = [d for d in inv.declarations if d.kind != "unparsed"]
    if declared:
        out += ["", "declares:"] + ["- `%s`" % declaration_line(d) for d in declared]
    first = inv.steps[inv.tree.step] if inv.tree is not None and inv.tree.step is not None else None
    d = trace.definitions.get(first.definition) if first is not None else None
    if d is not None:
        out += [""] + definition_lines(d)
    out += ["", "_%s_" % settings_line]
    return "\n".join(out)


def define_hover(name, found, settings_line):
    """Markdown for a hover on the NAME of a #define."""
    if found.definitions:
        out = []
        for d in found.definitions:
            out += ["**%s**" % name, ""] + definition_lines(d)
    else:
        out = ["**%s** is not defined by this line under this configuration: the line is in "
               "a group the preprocessor skipped" % name]
        if found.skipped_by is not None:
            c = found.skipped_by
            why = "an earlier branch was taken, " if c.taken else ""
            out += ["", "%sline %d: `%s`" % (why, c.line, _condition_text(c))]
    out += ["", "_%s_" % settings_line]
    return "\n".join(out)


def config_line(trace_config, origin_note):
    """'CONFIG_LTO_CLANG=n ... · flags from compile_commands.json' from a trace's config."""
    switches = trace_config.get("switches", {})
    parts = ["%s=%s" % (k, "y" if v else "n") for k, v in switches.items()]
    return "  ".join(parts) + (" · " + origin_note if origin_note else "")


ORIGINS = {"flags": "macrotrace's flags", "compile-commands": "flags from compile_commands.json",
           "cmd-file": "flags from Kbuild's .o.cmd", "kernel-tree": "flags from Kbuild (kernel tree)",
           "command": "flags from a compiler command"}
