"""Running traces one at a time, off the protocol's event loop, and dropping stale ones.

The engine runs where the compiler ran (it changes the working directory for a
run), so traces run one after another on one worker thread.  Each job belongs to a
document version; when the document changes, the jobs of older versions are marked,
and a marked job stops at its next macro expansion (the ``interrupt`` callable the
trace pipeline calls) instead of finishing work nobody will read.
"""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor


class Stale(Exception):
    """The document changed (or the client cancelled) while the job ran."""


class Job:
    __slots__ = ("uri", "version", "cancelled")

    def __init__(self, uri, version):
        self.uri, self.version, self.cancelled = uri, version, False

    def interrupt(self):
        if self.cancelled:
            raise Stale("%s changed while macrotrace worked on version %s" % (self.uri, self.version))


class Worker:
    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="macrotrace-trace")
        self.jobs = set()
        self.lock = threading.Lock()
        self.stopped = 0          # jobs stopped because they went stale (for the tests' eyes)

    async def run(self, uri, version, fn):
        """``fn(interrupt)`` on the worker thread; raises Stale if cancelled first."""
        job = Job(uri, version)
        with self.lock:
            self.jobs.add(job)
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, self._call, job, fn)
        except asyncio.CancelledError:
            job.cancelled = True
            raise
        finally:
            with self.lock:
                self.jobs.discard(job)

    def _call(self, job, fn):
        try:
            job.interrupt()
            return fn(job.interrupt)
        except Stale:
            self.stopped += 1
            raise

    def document_changed(self, uri, version):
        with self.lock:
            for job in self.jobs:
                if job.uri == uri and (version is None or job.version is None or job.version < version):
                    job.cancelled = True

    def shutdown(self):
        with self.lock:
            for job in self.jobs:
                job.cancelled = True
        self.pool.shutdown(wait=False)
