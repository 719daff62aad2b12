"""The command-line side of views: the flags that choose what a trace shows
(--hide, --show, --hide-file, --policy, --all-steps, --focus, --depth, --break,
--backtrace, --brief, --no-pager), and the view a trace records."""

import argparse

from ..config import ConfigError
from ..trace.policy import DEFAULT, POLICIES
from ..trace.views import ViewOptions, annotate


class _Names(argparse.Action):
    """NAME[,NAME...], repeatable: one flat tuple of names."""

    def __call__(self, parser, ns, value, option_string=None):
        names = [n.strip() for n in value.split(",") if n.strip()]
        setattr(ns, self.dest, tuple(getattr(ns, self.dest) or ()) + tuple(names))


def add_view_flags(p):
    g = p.add_argument_group("view (what is shown; the trace and JSON keep every step)")
    g.add_argument("--policy", choices=sorted(POLICIES), default=DEFAULT,
                   help="hiding policy (default %s; macrotrace policy --list shows it)" % DEFAULT)
    g.add_argument("--all-steps", action="store_true", help="show every step (no hiding)")
    g.add_argument("--hide", action=_Names, default=(), metavar="NAME[,NAME...]",
                   help="fold these macros' steps into the next visible step (NAME* is a prefix)")
    g.add_argument("--show", action=_Names, default=(), metavar="NAME[,NAME...]",
                   help="show these macros' steps even when the policy hides them")
    g.add_argument("--hide-file", dest="hide_files", action="append", default=[], metavar="GLOB",
                   help="hide every macro defined in a header matching GLOB ('*/compiler_attributes.h')")
    g.add_argument("--focus", action=_Names, default=(), metavar="NAME",
                   help="only the steps inside the expansions of NAME, on its text only")
    g.add_argument("--depth", type=int, metavar="N",
                   help="step only replacements up to depth N of the expansion tree (1: one level)")
    g.add_argument("--break", dest="breaks", action=_Names, default=(), metavar="NAME",
                   help="show the trace from the first step that replaces NAME, with its backtrace")
    g.add_argument("--backtrace", action="store_true",
                   help="with each step, the expansions still in progress around it")
    g.add_argument("--brief", action="store_true", help="one line per visible step")
    g.add_argument("--no-pager", action="store_true", help="never page the output")


def view_options(ns, focus=()):
    if ns.depth is not None and ns.depth < 1:
        raise ConfigError("--depth takes a level of 1 or more")
    return ViewOptions(policy=ns.policy, hide=tuple(ns.hide), show=tuple(ns.show),
                       hide_files=tuple(ns.hide_files), all_steps=ns.all_steps,
                       focus=tuple(ns.focus) or tuple(focus), depth=ns.depth, breaks=tuple(ns.breaks))


def check_found(trace, views, options):
    """--focus NAME / --break NAME that no traced invocation expands: a one-line error
    rather than a trace with nothing in it."""
    if views and not any(v.films for v in views):
        inv = views[0].invocation
        not_found(trace, options, (inv.file, inv.line), len(views))


def not_found(trace, options, first, count):
    """check_found's error, when none of ``count`` invocations (the first at ``first``,
    (file, line)) made a film."""
    for flag, names in (("--focus", options.focus), ("--break", options.breaks)):
        if names:
            raise ConfigError("%s:%d: error: %s %s: never expanded by %s here%s" % (
                first[0], first[1], flag, ",".join(names), trace.macro,
                "" if count == 1 else " (nor in the %d other invocations)" % (count - 1)))


def annotate_views(obj, ns):
    """The view the flags ask for, recorded in the model (JSON: policy, hidden, spine,
    backtrace).  A macro reached only through others is focused on."""
    from ..trace.matrix import Matrix
    traces = [r.trace for r in obj.runs] if isinstance(obj, Matrix) else [obj]
    reached = any(inv.tree is not None and inv.tree.macro not in obj.macro.split(",")
                  for t in traces for inv in t.invocations)
    options = view_options(ns, focus=tuple(obj.macro.split(",")) if reached else ())
    for t in traces:
        check_found(t, annotate(t, options), options)
    return options
