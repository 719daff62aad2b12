"""A progress line on stderr for long runs (issue 18).

Shown only when stderr is a terminal, only once a run has taken ``DELAY`` seconds, and
not with ``--quiet``; redrawn by a background thread twice a second from counters the
code updates (units done, invocations traced, snapshots checked, configurations of a
--matrix), against a total when one is known (``total``), or counts it can read
(``watch``), and erased before anything else is written to stderr and at the end.
"""

import os
import sys
import threading
import time

DELAY = 2.0             # MACROTRACE_PROGRESS_DELAY overrides it (seconds)
INTERVAL = 0.5

_current = None


class Progress:
    def __init__(self, stream, delay=DELAY, interval=INTERVAL):
        self.stream = stream
        self.delay = delay
        self.interval = interval
        self.start = time.monotonic()
        self.counts = {}          # label -> number, in the order first counted
        self.watched = {}         # label -> callable giving a number still growing
        self.totals = {}          # label -> how many there are to do ("3/8 configurations")
        self.pid = os.getpid()    # a process forked from this one (a pool) draws nothing
        self.shown = False
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._tick, daemon=True)
        self.thread.start()

    def add(self, label, n=1):
        with self.lock:
            self.counts[label] = self.counts.get(label, 0) + n

    def watch(self, label, count):
        """Show ``count()`` added to ``label`` until ``unwatch``."""
        with self.lock:
            self.counts.setdefault(label, 0)
            self.watched[label] = count

    def total(self, label, n):
        """``label`` counts towards ``n``: shown as done/n."""
        with self.lock:
            self.counts.setdefault(label, 0)
            self.totals[label] = n

    def unwatch(self, label):
        with self.lock:
            count = self.watched.pop(label, None)
            if count is not None:
                self.counts[label] += count()

    def line(self):
        with self.lock:
            parts = []
            for label, n in self.counts.items():
                count = self.watched.get(label)
                total = n + (count() if count is not None else 0)
                whole = self.totals.get(label)
                done = format(total, ",") + ("/" + format(whole, ",") if whole is not None else "")
                parts.append("%s %s" % (done, label))
        return "macrotrace: %s%.0f s" % (", ".join(parts) + " · " if parts else "",
                                        time.monotonic() - self.start)

    def _tick(self):
        while not self.stop.wait(self.interval):
            if time.monotonic() - self.start >= self.delay:
                self._draw(self.line())

    def _draw(self, text):
        if os.getpid() != self.pid:
            return
        try:
            self.stream.write("\r\x1b[K" + text)
            self.stream.flush()
            self.shown = True
        except (OSError, ValueError):
            self.stop.set()

    def erase(self):
        if self.shown and os.getpid() == self.pid:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.shown = False

    def close(self):
        self.stop.set()
        self.thread.join()
        if self.shown or time.monotonic() - self.start >= self.delay:
            # the counts at the end (also for a run that ended past the delay before
            # the thread's next tick), then the line goes
            self._draw(self.line())
        self.erase()


class running:
    """``with progress.running(quiet):`` -- a progress line for the run in the block
    when stderr is a terminal and not ``quiet``."""

    def __init__(self, quiet=False, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = not quiet and _isatty(self.stream)

    def __enter__(self):
        global _current
        if self.enabled:
            try:
                delay = float(os.environ.get("MACROTRACE_PROGRESS_DELAY", DELAY))
            except ValueError:
                delay = DELAY
            _current = Progress(self.stream, delay=delay, interval=min(INTERVAL, max(delay, 0.05)))
        return _current

    def __exit__(self, *exc):
        global _current
        if _current is not None:
            _current.close()
            _current = None
        return False


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _mine():
    """The line of this process: a process forked from it (snapshots/pool.py) counts
    nothing (its copy of the lock may have been held at the fork) and draws nothing."""
    return _current if _current is not None and _current.pid == os.getpid() else None


def add(label, n=1):
    if _mine():
        _current.add(label, n)


def watch(label, count):
    if _mine():
        _current.watch(label, count)


def total(label, n):
    """``label`` counts towards ``n`` (the progress line shows done/n)."""
    if _mine():
        _current.total(label, n)


def unwatch(label):
    if _mine():
        _current.unwatch(label)


def erase():
    """Before writing to stderr: the progress line goes (it is drawn again later)."""
    if _mine():
        _current.erase()
