"""Invocations kept out of memory while a long trace runs (issue 18: streaming).

A trace of thousands of invocations is mostly its invocations (2,000 ``module_init``:
~130 MB of steps, arguments and tree nodes).  A streamed trace (tracing.py,
``run_trace(stream=...)``) finishes each invocation as it completes (declarations,
depends_on, the view), then hands it to a ``Spool``: pickled into an anonymous
temporary file, only its offset kept.  The renderers read the invocations back one at
a time, in order, through the same ``Trace.invocations`` they always read: the spool is
a read-only sequence, each item a fresh copy (changing one changes nothing stored).

What still needs every invocation at once is kept small and whole: the definitions,
the union of depends_on, the view's policy (all in the Trace itself).
"""

import pickle
import tempfile
from collections.abc import Sequence


def _pickled(invocation):
    return pickle.dumps(invocation, protocol=pickle.HIGHEST_PROTOCOL)


class Spool(Sequence):
    """A sequence of Invocations stored in a temporary file (deleted when closed or
    collected), each as ``encode(invocation)`` (bytes; pickled by default) and read
    back with ``decode``.  ``form`` names the encoding: a renderer that wrote the
    stored bytes itself (render/json.py) copies them (``stored()``) instead of
    decoding and encoding again."""

    def __init__(self, encode=_pickled, decode=pickle.loads, form="pickle"):
        self.encode, self.decode, self.form = encode, decode, form
        self._file = tempfile.TemporaryFile(prefix="macrotrace-spool-")
        self._offsets = [0]         # where each stored invocation starts, then the end

    def append(self, invocation):
        data = self.encode(invocation)
        self._file.seek(self._offsets[-1])
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def __len__(self):
        return len(self._offsets) - 1

    def _read(self, k):
        self._file.seek(self._offsets[k])
        return self._file.read(self._offsets[k + 1] - self._offsets[k])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        k = range(len(self))[index]          # IndexError as a list gives it
        return self.decode(self._read(k))

    def __iter__(self):
        for k in range(len(self)):
            yield self.decode(self._read(k))

    def stored(self):
        """The stored bytes of each invocation, in order."""
        for k in range(len(self)):
            yield self._read(k)

    def __repr__(self):
        return "<Spool of %d invocations>" % len(self)

    def close(self):
        self._file.close()
