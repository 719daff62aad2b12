"""What to say when the macro asked for is defined but never invoked in FILE itself:
where it is defined, and which macro written in FILE reaches it (so that the user can
trace that one instead), never "did you mean" the very name typed.
"""

from .engine import session
from .engine.events import Listener
from .engine.preprocessor import DIRECTIVE


def reached_through(config, name):
    """(macro, line) of the first invocation written in ``config.source`` whose
    expansion expands ``name``, or None. One more preprocessing run that traces
    nothing: it only watches which expansions begin."""
    source = config.source
    state = {"outer": None, "found": None}

    def watch(tok, macro):
        if state["found"] is None:
            if tok.file == source and not tok.flags & DIRECTIVE:
                state["outer"] = (tok.text, tok.line)
            if tok.text == name and state["outer"] is not None and state["outer"][0] != name:
                state["found"] = state["outer"]
        return False
    session.trace(config, Listener(), watch)
    return state["found"]


def defined_not_invoked(config, info, where, display):
    """The message for ``info`` (engine.result.MacroInfo of the macro) defined but not invoked
    in the file shown as ``where``; ``display`` shows a path as traces do."""
    name = info.name
    if not info.file or info.file.startswith("<"):
        site = "is defined on the command line" if info.file and "command" in info.file else \
            "is built in"
    else:
        site = "is defined at %s:%d" % (display(info.file), info.line)
    message = "%s: %s %s but never invoked in this file" % (where, name, site)
    via = reached_through(config, name)
    if via is not None:
        macro, line = via
        message += ("; it is reached through %s (line %d): trace that, macrotrace %s %s"
                    % (macro, line, macro, where))
    return message
