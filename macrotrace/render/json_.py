"""The JSON view: the documented contract for tools (README, "JSON format").

It is the snapshot format: the trace (or matrix), the arguments that make it again,
and a digest of the content.
"""

from ..snapshots import dumps, loads


def render(obj):
    return dumps(obj)


def load(text, origin="<json>"):
    """Parse a JSON trace or matrix; SnapshotError with a clear message when malformed."""
    return loads(text, origin)
