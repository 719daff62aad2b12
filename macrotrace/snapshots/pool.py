"""Running one function over many items, serially or in a process pool, in order, with a
progress line on a terminal.  The results are the same either way: each item is done
by a top-level function whose result is plain data, printed by the caller in order."""

import os

from .. import progress


def default_jobs():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run(func, items, jobs, what):
    """[func(item) for item in items], with ``jobs`` processes; the progress line
    (progress.py: on a terminal, not with --quiet) counts the items done as ``what``
    ("snapshots checked")."""
    progress.total(what, len(items))
    if jobs <= 1 or len(items) <= 1:
        out = []
        for item in items:
            out.append(func(item))
            progress.add(what)
        return out
    from concurrent.futures import ProcessPoolExecutor, as_completed
    with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        futures = {pool.submit(func, item): k for k, item in enumerate(items)}
        out = [None] * len(items)
        for future in as_completed(futures):
            out[futures[future]] = future.result()
            progress.add(what)
        return out
