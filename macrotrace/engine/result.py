"""What one preprocessing run returns: a plain value, no engine object.

Nothing above the engine touches a preprocessor; ``session.trace``/``session.expand``
hand back a ``RunResult`` (the trace events themselves went to the listener).
"""

from collections.abc import Mapping

from ..record import field, record


@record(frozen=True)
class MacroInfo:
    """A macro defined at the end of the run: its name, replacement as written, and where."""
    name: str
    spelling: str
    file: "str | None"
    line: int


class MacroInfos(Mapping):
    """name -> MacroInfo for every macro defined at the end of the run, builtins
    included.  Built on demand: a kernel unit defines ~16,000 macros, a caller looks
    at a few (and the state cache keeps most of them undecoded)."""

    def __init__(self, table):
        self._table = table          # the finished run's table: nothing changes it any more
        self._infos = {}

    def __getitem__(self, name):
        info = self._infos.get(name)
        if info is None:
            if name not in self._table:
                raise KeyError(name)
            m = self._table[name]
            file, line = m.site or (None, 0)
            info = self._infos[name] = MacroInfo(m.name, m.spelling, file, line)
        return info

    def __contains__(self, name):
        return name in self._table

    def __iter__(self):
        return iter(self._table)

    def __len__(self):
        return len(self._table)


@record
class RunResult:
    """``cut``: the error that stopped a trace at ``--max-steps`` (the traces so far were
    delivered, the last one marked cut), else None.  ``macros``: what is defined at the
    end.  ``warnings``: one line each, as printed.  ``files``: every file read, in order.
    ``source_identifiers``: identifier -> the lines where the main file uses it outside
    directives.  ``text``: the preprocessed output (``expand``), else None.
    ``cache_hit``: the run started from the state cache (this unit's own state).
    ``segments``: (header segments replayed, segments read and recorded) (segments.py),
    or None without a cache."""
    cut: "Exception | None" = None
    macros: Mapping = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    files: list = field(default_factory=list)
    source_identifiers: dict = field(default_factory=dict)
    text: "str | None" = None
    cache_hit: bool = False
    segments: "tuple | None" = None
