"""The JSON view: the documented contract for tools (see README, "JSON format")."""

import json


def render(trace):
    return json.dumps(trace.to_dict(), indent=2, ensure_ascii=False) + "\n"


def load(text, origin="<json>"):
    """Parse a JSON trace; ValueError with a clear message on anything malformed."""
    from ..trace.model import Trace
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError("%s:%d: not valid JSON: %s" % (origin, e.lineno, e.msg))
    try:
        return Trace.from_dict(data)
    except (KeyError, TypeError) as e:
        raise ValueError("%s: not a macrotrace trace: missing or bad field %s" % (origin, e))
