"""How ``check`` says what it found: text lines, GitHub annotations, JUnit XML."""


def _configs(f):
    return (" [%s]" % f.labels[0] if len(f.labels) == 1 and f.labels[0] else
            " [%d configurations]" % len(f.labels) if len(f.labels) > 1 else "")


def _place(f, show):
    moved = " (moved from line %d)" % f.old_line if f.old_line is not None else ""
    return "%s:%d %s%s" % (show(f.file), f.line, f.source, moved)


def text_lines(f, show, strict):
    if f.kind == "moved":
        return ["  moved       %s" % _place(f, show)]
    if f.kind == "renumbered":
        return ["  %s  %s: %s%s" % ("RENUMBERED" if strict else "renumbered", _place(f, show),
                                     ", ".join(f.renumbered), _configs(f))]
    return ["  %-11s %s: %s%s" % (f.kind.upper(), _place(f, show), f.title, _configs(f))] + \
        ["    " + l for l in f.lines]


def escape(text, prop=False):
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def annotation(f, show, strict):
    if f.kind == "renumbered":
        level = "error" if strict else "notice"
        title = "renumbered" + (" (--strict)" if strict else "")
        msg = "%s renumbered: %s%s" % (f.source, ", ".join(f.renumbered), _configs(f))
    else:
        level, title = "error", f.title
        msg = "%s expansion %s%s%s" % (f.source, {"changed": "changed", "new": "is new",
                                                  "gone": "is gone"}[f.kind],
                                       " (was at line %d)" % f.old_line if f.old_line is not None else "",
                                       _configs(f))
    return "::%s file=%s,line=%d,title=%s::%s" % (level, escape(show(f.file), True), max(f.line, 1),
                                                  escape(title, True), escape(msg))


def error_annotation(path, message):
    """A snapshot that cannot be checked, annotated on the snapshot itself."""
    return "::error file=%s,title=cannot check this snapshot::%s" % (escape(path, True), escape(message))


def junit_xml(outcomes):
    from xml.sax.saxutils import escape as xml_escape, quoteattr
    failures = sum(1 for o in outcomes if o.failure is not None)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<testsuite name="macrotrace" tests="%d" failures="%d">' % (len(outcomes), failures)]
    for o in outcomes:
        out.append('  <testcase classname="macrotrace.check" name=%s>' % quoteattr(o.path))
        if o.failure is not None:
            first = o.failure.splitlines()[0] if o.failure else "expansion changed"
            out.append('    <failure message=%s>%s</failure>' % (quoteattr(first), xml_escape(o.failure)))
        out.append("  </testcase>")
    out.append("</testsuite>")
    return "\n".join(out) + "\n"
