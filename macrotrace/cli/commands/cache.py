"""macrotrace cache: what the cache directory holds, or empty it."""

from ...engine import compiled, diskcache
from ..options import UsageError
from ..registry import command


def _arguments(p):
    what = p.add_mutually_exclusive_group()
    what.add_argument("--info", action="store_true", help="where the cache is, its size and cap (default)")
    what.add_argument("--clear", action="store_true", help="delete every cached file")


def _size(n):
    return "%.1f MB" % (n / 1e6)


@command("cache", "show the cache (--info) or empty it (--clear)", arguments=_arguments, rank=80,
         description="The cache of states after the headers, compiler and Kbuild answers.",
         epilog="MACROTRACE_CACHE_MAX caps its size (300M by default; K/M/G); the least "
                "recently used entries go first. MACROTRACE_CACHE=0 or --no-cache turn it off.")
def run(ns, compiler_command):
    if compiler_command:
        raise UsageError("cache takes no compiler command")
    if ns.clear:
        print("removed %d files from %s" % (diskcache.clear(), diskcache.cache_dir()))
        return 0
    directory, count, used, cap = diskcache.info()
    print("%s: %d files, %s of %s" % (directory, count, _size(used), _size(cap)))
    print("engine: %s" % compiled.status())
    return 0
