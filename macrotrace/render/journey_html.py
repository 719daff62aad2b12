"""The journey as one HTML page (templates/journey.html.j2): each initcall a vertical path
of stations, built-in and module side by side when the journey has both."""

import shlex

from . import html


def groups(journey):
    """The chains grouped by initcall (file, line, function), sides in journey order."""
    out, index = [], {}
    for chain in journey.chains:
        key = (chain.file, chain.line, chain.function)
        if key not in index:
            index[key] = {"file": chain.file, "line": chain.line, "function": chain.function,
                          "macro": chain.macro, "chains": []}
            out.append(index[key])
        index[key]["chains"].append(chain)
    return out


def render(journey):
    return html._env().get_template("journey.html.j2").render(
        journey=journey, groups=groups(journey), code=html.code,
        command=shlex.join(["macrotrace"] + list(journey.command)) if journey.command else "",
        css=html._asset("report.css"), journey_css=html._asset("journey.css"), js=html._asset("journey.js"))


def render_output(journey, options):
    return render(journey)
