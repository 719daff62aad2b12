#!/usr/bin/env python3
"""Hover latency of ``macrotrace lsp`` on a real Kbuild unit, as ratios to ``gcc -E``.

    python benchmarks/lsp_hover.py [--runs N]

Kbuild builds a hello module on Debian's kernel headers (linux-headers-amd64); a
``compile_commands.json`` is made from its ``.o.cmd`` (as the kernel's
gen_compile_commands.py makes it) and the server finds it beside the file.  Then,
over stdio with pygls's client, as an editor does:

- **cold**: the first hover on ``module_init`` in a fresh server with an empty cache
  directory (the headers are preprocessed from scratch);
- **warm**: a hover after each edit of the file (a new version: nothing memoised for
  it; the state cache holds the headers' state), median of N;
- **repeat**: the same hover again without an edit (the server's trace memo), median of N.

Each is compared with ``gcc -E`` of the same command (median of N runs).  Before
each warm hover the diagnostics of the new version (a full preprocess on the same
worker) are awaited, so the hover is measured alone.  Target: warm ≤ 3× gcc -E.
"""

import argparse
import asyncio
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

from macrotrace.compile_command import without_output  # noqa: E402
from kernel_tree import kernel_tree  # noqa: E402  (benchmarks/kernel_tree.py)

HELLO = """#include <linux/init.h>
#include <linux/module.h>

MODULE_LICENSE("GPL");

static int __init hello_init(void)
{
\tpr_info("hello\\n");
\treturn 0;
}

module_init(hello_init);
"""


def build(tree, work):
    with open(os.path.join(work, "hello.c"), "w") as fh:
        fh.write(HELLO)
    with open(os.path.join(work, "Makefile"), "w") as fh:
        fh.write("obj-m := hello.o\n")
    subprocess.run(["make", "-C", tree, "M=" + work, "modules"], check=True, capture_output=True, timeout=900)
    with open(os.path.join(work, ".hello.o.cmd")) as fh:
        line = next(l for l in fh if l.startswith(("cmd_", "savedcmd_")))
    m = re.match(r"^(?:saved)?cmd_\S+ := (.* )(\S+\.c) *(;|$)", line.rstrip("\n"))
    entry = {"command": m.group(1) + m.group(2), "directory": tree, "file": os.path.join(work, "hello.c")}
    with open(os.path.join(work, "compile_commands.json"), "w") as fh:
        json.dump([entry], fh)
    os.remove(os.path.join(work, ".hello.o.cmd"))
    return entry


def gcc_time(entry, runs):
    argv = without_output(shlex.split(entry["command"])) + ["-E", "-P", "-o", os.devnull]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, cwd=entry["directory"], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


async def hovers(path, runs, cache_home):
    env = dict(os.environ, PYTHONPATH=ROOT, XDG_CACHE_HOME=cache_home)
    client = LanguageClient("macrotrace-bench", "1")
    published = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params):
        published[params.version] = params.diagnostics
        arrived.set()

    await client.start_io(sys.executable, "-m", "macrotrace", "lsp", env=env)
    uri = "file://" + path
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                         root_uri="file://" + os.path.dirname(path)))
    client.initialized(types.InitializedParams())
    text = open(path).read()
    line = text.splitlines().index("module_init(hello_init);")
    params = types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 0))

    async def hover():
        t = time.perf_counter()
        h = await client.text_document_hover_async(params)
        elapsed = time.perf_counter() - t
        assert h is not None and "```c" in h.contents.value, h
        return elapsed

    async def wait_for(version):
        while version not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 600)

    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="c", version=1, text=text)))
    cold = await hover()            # races the first diagnostics: both cold, as in an editor
    await wait_for(1)
    warm, repeat = [], []
    for k in range(runs):
        version = k + 2
        text = text + "\n"          # an edit: a new version
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
        await wait_for(version)
        warm.append(await hover())
        repeat.append(await hover())
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return cold, statistics.median(warm), statistics.median(repeat)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    ns = p.parse_args()
    tree = kernel_tree()
    if tree is None or shutil.which("make") is None:
        sys.exit("needs Debian's linux-headers-amd64 and make")
    work = tempfile.mkdtemp(prefix="macrotrace-lsp-bench-")
    cache_home = tempfile.mkdtemp(prefix="macrotrace-lsp-cache-")
    try:
        entry = build(tree, work)
        gcc = gcc_time(entry, ns.runs)
        cold, warm, repeat = asyncio.run(hovers(os.path.join(work, "hello.c"), ns.runs, cache_home))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(cache_home, ignore_errors=True)
    print("hover on module_init, Kbuild hello.c (%s), medians of %d" % (os.path.basename(tree), ns.runs))
    print("%-34s %8s %8s" % ("", "seconds", "× gcc -E"))
    for name, value in (("gcc -E (the unit)", gcc), ("hover, cold (empty cache)", cold),
                        ("hover, warm (after an edit)", warm), ("hover, repeat (no edit)", repeat)):
        print("%-34s %8.3f %8.2f" % (name, value, value / gcc))


if __name__ == "__main__":
    main()
