"""The terminal view of a journey: each initcall's stations, one paragraph each (and its
JSON, the model's own dictionary)."""

import json
import textwrap

from .text import Style, WIDTH, _config_line

MARKS = {"ok": "ok", "missing": "--", "mismatch": "!!"}


def _wrap(text, first, rest):
    return "\n".join(textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=first, subsequent_indent=rest,
                                   break_long_words=True, break_on_hyphens=False)) or first


def _fact(label, value, indent):
    return _wrap(value, "%s%s: " % (indent, label), indent + "    ")


def render(journey, color=False):
    style = Style(color)
    n = len(journey.chains)
    out = ["journey of %s \u2014 %d initcall chain%s (call chains: Linux %s)" % (
        journey.file, n, "" if n == 1 else "s", journey.kernel), _config_line(journey.config or {})]
    for chain in journey.chains:
        out.append("")
        out.append(style.bold("%s \u2014 %s at %s:%d, %s" % (chain.function, chain.macro, chain.file, chain.line,
                                                            chain.side)))
        for k, st in enumerate(chain.stations, 1):
            mark = MARKS.get(st.status, st.status)
            out.append("  %d %s %s" % (k, mark, style.macro(st.title)))
            out.append(_wrap(st.summary, "     \u2192 ", "       "))
            for f in st.facts:
                out.append(_fact(f.label, f.value, "       "))
            if st.missing:
                out.append(_fact("missing", st.missing, "       "))
            for ev in st.evidence:
                if ev.kind == "calls":
                    for row in ev.rows:
                        fn, defined, call, at = row
                        out.append("       %-30s %-28s %s" % (fn, defined, ("%s  (%s)" % (call, at)) if call else at))
    return "\n".join(out) + "\n"


def render_output(journey, options):
    return render(journey, color=options.color)


def render_json(journey, options):
    return json.dumps(journey.to_dict(), indent=1, ensure_ascii=False) + "\n"
