"""The language server, driven over stdio by a real LSP client (pytest-lsp, on
pygls's client) as an editor drives it: initialize, didOpen, hover, codeAction,
executeCommand, didChange, shutdown.  What it shows is checked against gcc -E."""

import asyncio
import os
import shutil
import subprocess
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from difftest import gcc_expand, tokens
from test_compile_commands import gcc_E, kbuild_module  # noqa: F401  (a fixture: Kbuild-built hello.c)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
ENV = dict(os.environ, PYTHONPATH=ROOT, MACROTRACE_CACHE_DIR=os.environ.get("MACROTRACE_CACHE_DIR", ""))
if not ENV["MACROTRACE_CACHE_DIR"]:
    del ENV["MACROTRACE_CACHE_DIR"]
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "macrotrace", "lsp"], server_env=ENV)



# a file whose preprocessing takes seconds (3,000 invocations of 32 expansions each):
# a request on it is still running when the test edits the file or cancels the request
SLOW_C = ("#define A(x) x x\n#define B(x) A(A(A(A(x))))\n#define C(x) B(B(x))\nint v = C(1);\n"
          + "C(2)\n" * 3000)


def uri_of(path):
    return "file://" + os.path.abspath(path)


async def start(client, root, options=None):
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(window=types.WindowClientCapabilities(
            show_document=types.ShowDocumentClientCapabilities(support=True))),
        root_uri=uri_of(root), initialization_options=options))


async def open_doc(client, path, text=None, version=1):
    text = open(path).read() if text is None else text
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri_of(path), language_id="c", version=version, text=text)))
    return text


async def hover(client, path, line, character):
    return await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri_of(path)), types.Position(line, character)))


async def on_file(client, tmp_path, name, text, options=None):
    """A session in tmp_path (no bundled headers) with tmp_path/name, holding text, open."""
    src = tmp_path / name
    src.write_text(text)
    await start(client, str(tmp_path), dict({"flags": ["--no-bundled-headers"]}, **(options or {})))
    await open_doc(client, str(src))
    return src


def code_block(hover_result):
    """The C code block of a hover: the final text."""
    value = hover_result.contents.value
    start = value.index("```c\n") + 5
    return value[start:value.index("\n```", start)]


def gcc_result_tokens(path, flags):
    """gcc's tokens for the whole file (``-E -P``), to find the hover's text in."""
    status, out, err = gcc_expand(path, flags)
    assert status == 0, err
    return tokens(out)


def contains(hay, needle):
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


def headers_flags(*extra):
    return ["-I", os.path.join(ROOT, "headers"), '-DKBUILD_MODNAME="hello"', "-D__KBUILD_MODNAME=kmod_hello",
            '-DKBUILD_MODFILE="hello"'] + list(extra)


@pytest.mark.asyncio
async def test_hover_on_module_init_is_gccs_text(client):
    await start(client, os.path.dirname(HELLO))
    text = await open_doc(client, HELLO)
    line = text.splitlines().index("module_init(hello_init);")
    h = await hover(client, HELLO, line, 3)
    result = code_block(h)
    assert contains(gcc_result_tokens(HELLO, headers_flags()), tokens(result))
    value = h.contents.value
    assert "module_init → __initcall → device_initcall → __define_initcall" in value
    assert "→ ____define_initcall" in value
    assert "defined at headers/linux/module.h:" in value and "#ifndef MODULE: MODULE is not defined" in value
    assert "steps" in value
    assert "declares:" in value and "section .initcall6.init" in value
    assert h.range.start == types.Position(line, 0) and h.range.end == types.Position(line, len("module_init"))
    # not an invocation: no hover
    assert await hover(client, HELLO, line, 14) is None


@pytest.mark.asyncio
async def test_toggles_persist_and_change_the_hover(client):
    await start(client, os.path.dirname(HELLO), {"lto": True})
    text = await open_doc(client, HELLO)
    line = text.splitlines().index("module_init(hello_init);")
    lto = code_block(await hover(client, HELLO, line, 0))
    flags = headers_flags("-DCONFIG_LTO_CLANG")
    assert contains(gcc_result_tokens(HELLO, flags), tokens(lto))
    settings = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "macrotrace.toggle", ["module"]))
    assert settings["module"] is True and settings["lto"] is True
    module = await hover(client, HELLO, line, 0)
    assert "init_module" in code_block(module)
    assert contains(gcc_result_tokens(HELLO, flags + ["-DMODULE"]), tokens(code_block(module)))
    assert "CONFIG_LTO_CLANG=y" in module.contents.value and "MODULE=y" in module.contents.value
    await client.workspace_execute_command_async(types.ExecuteCommandParams("macrotrace.toggle", ["module"]))
    assert code_block(await hover(client, HELLO, line, 0)) == lto


@pytest.mark.asyncio
async def test_hover_on_a_define_gives_the_condition(client, tmp_path):
    src = await on_file(client, tmp_path, "d.c", "#ifdef CONFIG_FAST\n#define GO(x) fast(x)\n#else\n"
                        "#define GO(x) slow(x)\n#endif\nint a = GO(1);\n",
                        {"flags": ["-DCONFIG_FAST", "--no-bundled-headers"]})
    h = await hover(client, str(src), 1, 9)
    assert "`#define GO(x) fast(x)`" in h.contents.value
    assert "#ifdef CONFIG_FAST: CONFIG_FAST is defined" in h.contents.value
    skipped = await hover(client, str(src), 3, 9)
    assert "skipped" in skipped.contents.value
    assert "an earlier branch was taken, line 1: `#ifdef CONFIG_FAST" in skipped.contents.value
    assert code_block(await hover(client, str(src), 5, 9)) == "fast(1)"


@pytest.mark.asyncio
async def test_code_actions_expand_one_level_and_fully(client, tmp_path):
    src = await on_file(client, tmp_path, "e.c",
                        "#define ID(x) x\n#define TWICE(x) ID(x) + ID(x)\nint a = TWICE(  2 /* two */ );\n")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri_of(src)), types.Range(types.Position(2, 9), types.Position(2, 9)),
        types.CodeActionContext(diagnostics=[])))
    by_title = {a.title.split(":")[0]: a for a in actions}
    assert set(by_title) == {"Expand one level", "Expand fully", "Show the expansion film",
                             "Trace under configuration…"}
    for title, expected in (("Expand one level", "ID(2) + ID(2)"), ("Expand fully", "2 + 2")):
        edit, = by_title[title].edit.changes[uri_of(src)]
        assert edit.range == types.Range(types.Position(2, 8), types.Position(2, 29))
        assert edit.new_text == expected
    status, out, _ = gcc_expand(str(src))
    assert tokens(out) == tokens("int a = 2 + 2;")
    # the cursor inside the arguments: the actions of the invocation they belong to
    inside = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri_of(src)), types.Range(types.Position(2, 17), types.Position(2, 17)),
        types.CodeActionContext(diagnostics=[])))
    assert [a.title for a in inside] == [a.title for a in actions]


@pytest.mark.asyncio
async def test_positions_are_utf16_units_as_the_protocol_counts(client, tmp_path):
    # "😋" is one code point but two UTF-16 units: columns after it differ by one
    src = await on_file(client, tmp_path, "u.c",
                        "#define ID(x) x\n#define TWICE(x) ID(x) + ID(x)\n/* 😋 */ int a = TWICE(2);\n")
    line = src.read_text().splitlines()[2]
    utf16 = len(line[:line.index("TWICE")].encode("utf-16-le")) // 2
    h = await hover(client, str(src), 2, utf16 + 1)
    assert code_block(h) == "2 + 2"
    assert h.range == types.Range(types.Position(2, utf16), types.Position(2, utf16 + len("TWICE")))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri_of(src)), types.Range(types.Position(2, utf16), types.Position(2, utf16)),
        types.CodeActionContext(diagnostics=[])))
    fully, = [a for a in actions if a.title.startswith("Expand fully")]
    edit, = fully.edit.changes[uri_of(src)]
    assert edit.range == types.Range(types.Position(2, utf16), types.Position(2, utf16 + len("TWICE(2)")))
    assert edit.new_text == "2 + 2"


@pytest.mark.asyncio
async def test_film_written_and_shown(client, tmp_path):
    await start(client, os.path.dirname(HELLO), {"reportDir": str(tmp_path)})
    text = await open_doc(client, HELLO)
    line = text.splitlines().index("module_init(hello_init);")
    out = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "macrotrace.showFilm", [uri_of(HELLO), line, 0]))
    assert out["shown"] is True and os.path.dirname(out["path"]) == str(tmp_path)
    assert client.shown_documents[-1].uri == out["uri"] and client.shown_documents[-1].external
    html = open(out["path"]).read()
    assert "<html" in html and "__initcall__kmod_hello" in html


@pytest.mark.asyncio
async def test_trace_under_a_picked_configuration(client):
    await start(client, os.path.dirname(HELLO))
    asked = []

    @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def pick(params):
        asked.append([a.title for a in params.actions])
        return next(a for a in params.actions if a.title == "PREL32+MODULE")

    text = await open_doc(client, HELLO)
    line = text.splitlines().index("module_init(hello_init);")
    out = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "macrotrace.traceUnder", [uri_of(HELLO), line, 0]))
    assert len(asked[0]) == 8
    assert out["configuration"]["MODULE"] and out["configuration"]["CONFIG_HAVE_ARCH_PREL32_RELOCATIONS"]
    assert not out["configuration"]["CONFIG_LTO_CLANG"]
    expected = gcc_result_tokens(HELLO, headers_flags("-DCONFIG_HAVE_ARCH_PREL32_RELOCATIONS", "-DMODULE"))
    assert contains(expected, tokens(out["result"]))
    assert out["result"] in client.messages[-1].message
    # the session's own configuration is unchanged
    assert "MODULE=n" in (await hover(client, HELLO, line, 0)).contents.value


@pytest.mark.asyncio
async def test_unsaved_buffer_and_didchange(client, tmp_path):
    src = tmp_path / "u.c"
    src.write_text("#define V 1\nint a = V;\n")
    await start(client, str(tmp_path), {"flags": ["--no-bundled-headers"]})
    await open_doc(client, str(src), "#define V 2\nint a = V;\n")
    assert code_block(await hover(client, str(src), 1, 8)) == "2"     # the editor's text, not the disk
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri_of(src)),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(0, 10), types.Position(0, 11)),
                                                text="3 + 4")]))
    assert code_block(await hover(client, str(src), 1, 8)) == "3 + 4"


@pytest.mark.asyncio
async def test_unsaved_header_and_an_invocation_over_two_lines(client, tmp_path):
    """An open header's buffer is what the file including it sees; an invocation that
    takes its arguments from the next line is replaced whole."""
    (tmp_path / "h.h").write_text("#define F(x) x+1\n")
    src = await on_file(client, tmp_path, "m.c", '#include "h.h"\n#define G F\nint a = G\n  (4);\n')
    await open_doc(client, str(tmp_path / "h.h"), "#define F(x) x*2\n")
    assert code_block(await hover(client, str(src), 2, 8)) == "4*2"
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri_of(src)), types.Range(types.Position(2, 8), types.Position(2, 8)),
        types.CodeActionContext(diagnostics=[])))
    full, = [a for a in actions if a.title.startswith("Expand fully")]
    edit, = full.edit.changes[uri_of(src)]
    assert edit.range == types.Range(types.Position(2, 8), types.Position(3, 5)) and edit.new_text == "4*2"
    one, = [a for a in actions if a.title.startswith("Expand one level")]
    assert one.edit.changes[uri_of(src)][0].new_text == "F (4)"     # the film, spaced as gcc spaces it


@pytest.mark.asyncio
async def test_errors_become_diagnostics_and_hover_messages(client, tmp_path):
    src = await on_file(client, tmp_path, "bad.c", "#define V 1\nint a = V;\n#include \"missing.h\"\n")
    for _ in range(100):
        if client.diagnostics.get(uri_of(src)):
            break
        await asyncio.sleep(0.05)
    diag, = client.diagnostics[uri_of(src)]
    assert diag.range.start.line == 2 and "missing.h: No such file or directory" in diag.message
    assert diag.severity == types.DiagnosticSeverity.Error
    h = await hover(client, str(src), 1, 8)
    assert "**macrotrace:**" in h.contents.value and "missing.h" in h.contents.value
    # #error, fixed by an edit: the diagnostics follow the text
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri_of(src)),
        [types.TextDocumentContentChangeWholeDocument(text="#warning careful\n#error stop here\nint a;\n")]))
    for _ in range(100):
        got = client.diagnostics.get(uri_of(src))
        if got and "stop here" in got[-1].message:
            break
        await asyncio.sleep(0.05)
    warn, err = client.diagnostics[uri_of(src)]
    assert (warn.range.start.line, warn.severity) == (0, types.DiagnosticSeverity.Warning)
    assert (err.range.start.line, err.severity) == (1, types.DiagnosticSeverity.Error)
    # a bad command argument is a message, and the server goes on
    out = await client.workspace_execute_command_async(types.ExecuteCommandParams("macrotrace.toggle", ["nope"]))
    assert "unknown switch" in out["error"]
    good = tmp_path / "good.c"
    good.write_text("#define W 5\nint b = W;\n")
    await open_doc(client, str(good))
    assert code_block(await hover(client, str(good), 1, 8)) == "5"


@pytest.mark.asyncio
async def test_stale_work_is_cancelled_on_didchange(client, tmp_path):
    """A hover whose trace is still running when the document changes answers
    ContentModified (the trace stopped), and the next hover sees the new text."""
    src = tmp_path / "slow.c"
    src.write_text(SLOW_C)
    await start(client, str(tmp_path), {"flags": ["--no-bundled-headers"], "cache": False})
    await open_doc(client, str(src))
    pending = asyncio.ensure_future(hover(client, str(src), 3, 8))
    await asyncio.sleep(0.5)
    assert not pending.done(), "the trace finished before the edit; make the file slower"
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri_of(src)),
        [types.TextDocumentContentChangeWholeDocument(text="#define C(x) x + x\nint v = C(1);\n")]))
    with pytest.raises(JsonRpcException) as caught:
        await pending
    assert caught.value.code == JsonRpcContentModified.CODE         # -32801, the protocol's ContentModified
    assert code_block(await hover(client, str(src), 1, 8)) == "1 + 1"


@pytest.mark.kernel
@pytest.mark.asyncio
async def test_kbuild_unit_with_compile_commands(client, kbuild_module):
    """A module Kbuild built, its flags from a real compile_commands.json beside it:
    the hover is gcc's text for that command; a kernel tree set by command replaces it."""
    import json
    import shlex
    d, db, tree = kbuild_module
    src = os.path.join(d, "hello.c")
    await start(client, d)
    text = await open_doc(client, src)
    line = text.splitlines().index("module_init(hello_init);")
    with open(db) as fh:
        entry, = [e for e in json.load(fh) if e["file"] == src]
    expected = tokens(gcc_E(shlex.split(entry["command"]), entry["directory"]))
    for _ in range(2):                      # cold, then warm (the state cache)
        h = await hover(client, src, line, 0)
        assert contains(expected, tokens(code_block(h))), h.contents.value
        assert "init_module" in code_block(h)
        assert "flags from compile_commands.json" in h.contents.value and "MODULE=y" in h.contents.value
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "macrotrace.configure", [{"noCompileCommands": True}]))
    out = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "macrotrace.setKernelTree", [tree]))
    assert out["kernelTree"] == tree
    h = await hover(client, src, line, 0)
    assert "flags from Kbuild (kernel tree)" in h.contents.value and "MODULE=n" in h.contents.value
    assert "__initcall__kmod_hello" in code_block(h) and ".long" in code_block(h)     # PREL32, built in


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed (apt-get install neovim)")
def test_real_neovim_hover_on_module_init(tmp_path):
    """Neovim's built-in LSP client, headless, on examples/hello.c: the hover on
    module_init holds gcc's final text."""
    text = open(HELLO).read()
    line = text.splitlines().index("module_init(hello_init);") + 1
    out = tmp_path / "hover.md"
    env = dict(ENV, MT_FILE=HELLO, MT_LINE=str(line), MT_COL="3", MT_OUT=str(out), MT_PYTHON=sys.executable,
               XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path))
    proc = subprocess.run(["nvim", "--headless", "--clean", "-c", "luafile " + os.path.join(ROOT, "tests", "nvim_hover.lua")],
                          env=env, capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert out.exists(), proc.stderr[-2000:]
    value = out.read_text()
    assert not value.startswith("ERROR"), value
    start = value.index("```c\n") + 5
    result = value[start:value.index("\n```", start)]
    assert contains(gcc_result_tokens(HELLO, headers_flags()), tokens(result)), value
    assert "module_init → __initcall" in value


@pytest.mark.asyncio
async def test_bad_initialization_options_are_said_and_defaults_kept(client):
    await start(client, os.path.dirname(HELLO), {"lto": "yes", "colour": True})
    assert "unknown initialization option(s): colour" in client.messages[-1].message
    text = await open_doc(client, HELLO)
    line = text.splitlines().index("module_init(hello_init);")
    assert "CONFIG_LTO_CLANG=n" in (await hover(client, HELLO, line, 0)).contents.value


@pytest.mark.asyncio
async def test_worker_stops_a_cancelled_job_at_its_next_check():
    """The client's $/cancelRequest cancels the request's task; the job on the worker
    thread then stops at its next interrupt check, and the next job runs."""
    import threading
    from macrotrace.lsp.jobs import Worker
    worker = Worker()
    started = threading.Event()
    checks = []

    def long_job(interrupt):
        started.set()
        for _ in range(100000):
            interrupt()
            checks.append(1)
            threading.Event().wait(0.001)
        return "finished"

    task = asyncio.ensure_future(worker.run("file:///a.c", 1, long_job))
    while not started.is_set():
        await asyncio.sleep(0.01)
    task.cancel()
    assert await worker.run("file:///b.c", 1, lambda interrupt: "next") == "next"
    assert worker.stopped == 1 and len(checks) < 100000
    # and a job of an older version than an edit stops the same way
    started.clear()
    stale = asyncio.ensure_future(worker.run("file:///a.c", 2, long_job))
    while not started.is_set():
        await asyncio.sleep(0.01)
    worker.document_changed("file:///a.c", 3)
    from macrotrace.lsp.jobs import Stale
    with pytest.raises(Stale):
        await stale
    worker.shutdown()


@pytest.mark.asyncio
async def test_cancel_request_answers_request_cancelled(client, tmp_path):
    src = tmp_path / "slow.c"
    src.write_text(SLOW_C)
    await start(client, str(tmp_path), {"flags": ["--no-bundled-headers"], "cache": False})
    await open_doc(client, str(src))
    params = types.HoverParams(types.TextDocumentIdentifier(uri_of(src)), types.Position(3, 8))
    pending = asyncio.ensure_future(client.protocol.send_request_async("textDocument/hover", params,
                                                                       msg_id="slow-hover"))
    await asyncio.sleep(0.3)
    client.protocol.notify("$/cancelRequest", types.CancelParams(id="slow-hover"))
    with pytest.raises(JsonRpcException) as caught:
        await pending
    assert caught.value.code == -32800          # RequestCancelled
