"""What a ``#define`` line defined, and the ``#if`` chain that made it active.

A run of the file with a listener that keeps the definitions made on one line of it
(as the trace model's ``Definition``, conditions included) and the ``#if``-family
decisions taken in the file before that line (to say why a line that defined nothing
was skipped).  The state cache is off for this run: a cached run starts after the
file's leading directives and would not see them happen.
"""

import os
from dataclasses import dataclass, field
from typing import List, Optional

from ..engine import session
from ..record import replace
from ..trace.builder import TraceBuilder
from ..trace.model import Condition, Definition
from ..tracing import path_display


@dataclass
class DefinedAt:
    definitions: List[Definition] = field(default_factory=list)   # usually one
    # the last #if-family decision in the file before the line: a branch not taken, or
    # one taken (then the line is in a later branch of the same #if, skipped)
    skipped_by: Optional[Condition] = None


class _Watcher(TraceBuilder):
    def __init__(self, config, line, interrupt):
        super().__init__(None, config.source, config.describe(), path_display(config))
        self.real = real_source(config)
        self.line = line
        self.interrupt = interrupt
        self.found = []
        self.last_decision = None
        self._same = {}

    def _ours(self, path):
        hit = self._same.get(path)
        if hit is None:
            hit = self._same[path] = os.path.realpath(path) == self.real
        return hit

    def macro_defined(self, macro):
        if self.interrupt is not None:
            self.interrupt()
        site = macro.site
        if site and site[1] == self.line and self._ours(site[0]):
            self.found.append(self.definitions[self._define(macro)])

    def conditional(self, condition, chain):
        if condition.line < self.line and self._ours(condition.file):
            self.last_decision = Condition(condition.directive, condition.expression,
                                           self.display(condition.file), condition.line, condition.taken,
                                           condition.describe(), condition.guard)


def real_source(config):
    """The real path of the traced file (its path is relative to where the compiler ran)."""
    return os.path.realpath(os.path.join(config.cwd or os.getcwd(), config.source))


def defined_at(config, line, interrupt=None):
    """The definitions the ``#define`` on ``line`` (from 1) of ``config.source`` made."""
    config = replace(config, cache=False, macro=None)
    watcher = _Watcher(config, line, interrupt)
    session.trace(config, watcher, lambda tok, macro: False)
    return DefinedAt(watcher.found, None if watcher.found else watcher.last_decision)
