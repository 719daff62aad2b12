"""Running one function over many items, serially or in a process pool, in order, with a
progress line on a terminal.  The results are the same either way: each item is done
by a top-level function whose result is plain data, printed by the caller in order."""

import os
import sys


def default_jobs():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Progress:
    def __init__(self, what, total, stream=None):
        self.stream = stream or sys.stderr
        self.on = total > 1 and getattr(self.stream, "isatty", lambda: False)()
        self.what, self.total, self.done = what, total, 0

    def step(self):
        self.done += 1
        if self.on:
            self.stream.write("\r%s %d/%d" % (self.what, self.done, self.total))
            self.stream.flush()

    def close(self):
        if self.on:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(func, items, jobs, what, stream=None):
    """[func(item) for item in items], with ``jobs`` processes; the progress line goes
    to ``stream`` (standard error) when it is a terminal."""
    progress = _Progress(what, len(items), stream)
    try:
        if jobs <= 1 or len(items) <= 1:
            out = []
            for item in items:
                out.append(func(item))
                progress.step()
            return out
        from concurrent.futures import ProcessPoolExecutor, as_completed
        with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
            futures = {pool.submit(func, item): k for k, item in enumerate(items)}
            out = [None] * len(items)
            for future in as_completed(futures):
                out[futures[future]] = future.result()
                progress.step()
            return out
    finally:
        progress.close()
