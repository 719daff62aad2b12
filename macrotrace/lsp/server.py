"""The language server (pygls over stdio): hovers, code actions, commands, diagnostics.

Every trace goes through the command line's pipeline: ``Settings.run_config`` (the
CLI's own flag handling) → ``tracing.run_trace`` → the trace model → ``views``.
Open documents are traced from the editor's text (``RunConfig.unsaved``), not the
disk.  Errors in the code (a missing header, ``#error``) become diagnostics and hover
messages; nothing a document contains stops the server.
"""

import asyncio
import collections
import logging
import os
import sys
import tempfile

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from ..config import SWITCHES, ConfigError
from ..engine.diagnostics import PreprocessError
from ..tracing import run_trace
from . import document, views
from .defines import defined_at, real_source
from .jobs import Stale, Worker
from .settings import Settings

log = logging.getLogger("macrotrace.lsp")

COMMANDS = {
    "toggle": "macrotrace.toggle",                    # [a switch: "lto" | "prel32" | "module"...]
    "kernel_tree": "macrotrace.setKernelTree",        # [DIR or null]
    "configure": "macrotrace.configure",              # [{initialization options}]
    "film": "macrotrace.showFilm",                    # [uri, line, character]
    "under": "macrotrace.traceUnder",                 # [uri, line, character, {switch: bool}?]
}
DEBOUNCE = 0.3          # seconds of quiet after an edit before the file is preprocessed again
KEPT_TRACES = 64


class Problem(Exception):
    """What went wrong, for a hover or a message (a one-line error of the run)."""


class MacrotraceServer(LanguageServer):
    def __init__(self):
        super().__init__("macrotrace", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()
        self.worker = Worker()
        self.traces = collections.OrderedDict()    # key -> Trace (or DefinedAt), least recently used first
        self.generation = 0                        # bumped by every edit of any document
        self.pending = {}                          # uri -> the debounced diagnostics task

    # -- documents ------------------------------------------------------------
    def doc(self, uri):
        return self.workspace.get_text_document(uri)

    def unsaved(self):
        """(real path, text) of every open document: traces read these, not the disk."""
        out = []
        for uri, doc in list(self.workspace.text_documents.items()):
            path = to_fs_path(uri)
            if path:
                out.append((os.path.realpath(path), doc.source))
        return tuple(out)

    def deferred_config(self, uri, macro=None, line=None, settings=None):
        """A function making the RunConfig (on the worker) from the settings and the
        open documents as they are now."""
        path = to_fs_path(uri)
        if not path or not uri.startswith("file:"):
            raise Problem("macrotrace traces files on disk; %s is not one" % uri)
        settings, unsaved = settings or self.settings, self.unsaved()
        return lambda: settings.run_config(path, macro, line, unsaved)

    # -- traces ---------------------------------------------------------------
    def trace_sync(self, config, interrupt):
        """run_trace, its errors turned into Problem (a message for the user)."""
        try:
            trace, _ = run_trace(config, None, interrupt)
        except (ConfigError, PreprocessError, OSError) as e:
            raise Problem(str(e))
        except (RecursionError, MemoryError) as e:
            raise Problem("macrotrace: the input is too deep or too large to follow (%s)" % type(e).__name__)
        return trace

    async def invocation(self, uri, line, character, settings=None):
        """(trace, invocation, name start, name end) at the position, or None."""
        doc = self.doc(uri)
        text = doc.source
        hit = document.word_at(text, line, character)
        if hit is None or document.in_directive(text, line):
            return None
        name, start, end = hit
        settings = settings or self.settings
        # the configuration is made on the worker too: a run changes the working
        # directory, and relative flags must not be read while it is elsewhere
        config = self.deferred_config(uri, name, line + 1, settings)
        trace = await self.remembered(("trace", uri, self.generation, settings, name, line), uri,
                                      lambda stop: self.trace_sync(config(), stop))
        for inv in trace.invocations:
            if inv.line == line + 1 and inv.column == start + 1:
                return trace, inv, start, end
        return None

    async def remembered(self, key, uri, work):
        """``work(interrupt)`` on the worker, its result kept for ``key`` (which holds
        the edit generation: any edit makes new keys)."""
        value = self.traces.get(key)
        if value is not None:
            self.traces.move_to_end(key)
            return value
        value = await self.worker.run(uri, self.doc(uri).version, work)
        self.traces[key] = value
        while len(self.traces) > KEPT_TRACES:
            self.traces.popitem(last=False)
        return value

    def settings_line(self, trace=None):
        origin = trace.config.get("origin") if trace is not None else None
        if trace is not None:
            return views.config_line(trace.config, views.ORIGINS.get(origin, origin))
        return self.settings.describe()

    # -- diagnostics ----------------------------------------------------------
    def schedule_diagnostics(self, uri, delay=DEBOUNCE):
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._diagnose(uri, delay))

    async def _diagnose(self, uri, delay):
        version = None
        try:
            await asyncio.sleep(delay)
            doc = self.doc(uri)
            version = doc.version
            config = self.deferred_config(uri)
            diagnostics = await self.worker.run(uri, version, lambda stop: self._diagnose_sync(config(), stop))
        except (asyncio.CancelledError, Stale):
            return
        except (Problem, ConfigError) as e:
            diagnostics = [_diagnostic(0, str(e), types.DiagnosticSeverity.Error)]
        except Exception as e:          # never take the server down
            log.exception("diagnostics of %s", uri)
            diagnostics = [_diagnostic(0, "macrotrace: internal error: %s: %s" % (type(e).__name__, e),
                                       types.DiagnosticSeverity.Error)]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics, version=version))

    def _diagnose_sync(self, config, interrupt):
        """Preprocess the file: its warnings and its first error, on its own lines (an
        error in a header it includes is put on line 1, naming the header)."""
        real = real_source(config)
        cwd = config.cwd or os.getcwd()
        warnings = []

        def place(file, line):
            if file and line and os.path.realpath(os.path.join(cwd, file)) == real:
                return line - 1, ""
            return 0, ("%s:%s: " % (file, line) if file else "")

        try:
            run_trace(config, warnings.append, interrupt)
            error = None
        except PreprocessError as e:
            error = e
        except (ConfigError, OSError) as e:
            return [_diagnostic(0, str(e), types.DiagnosticSeverity.Error)]
        out = []
        for w in warnings:
            line, where = place(w.file, w.line)
            out.append(_diagnostic(line, where + w.message, types.DiagnosticSeverity.Warning))
        if error is not None:
            line, where = place(error.file, error.line)
            out.append(_diagnostic(line, where + error.message, types.DiagnosticSeverity.Error))
        return out

    def refresh_all(self):
        self.generation += 1
        for uri in list(self.workspace.text_documents):
            self.schedule_diagnostics(uri, 0)


def _diagnostic(line, message, severity):
    return types.Diagnostic(range=types.Range(types.Position(line, 0), types.Position(line + 1, 0)),
                            message=message, severity=severity, source="macrotrace")


server = MacrotraceServer()


@server.feature(types.INITIALIZE)
def initialize(ls, params):
    try:
        ls.settings = Settings.from_options(params.initialization_options)
    except ConfigError as e:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, "macrotrace: %s" % e))


async def did_open_or_save(ls, params):
    ls.generation += 1
    ls.schedule_diagnostics(params.text_document.uri, 0)


server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open_or_save)
server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_open_or_save)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls, params):
    ls.generation += 1
    ls.worker.document_changed(params.text_document.uri, params.text_document.version)
    ls.schedule_diagnostics(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls, params):
    ls.generation += 1
    task = ls.pending.pop(params.text_document.uri, None)
    if task is not None:
        task.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                        diagnostics=[]))


def _guarded(handler):
    """Run a request: a stale document is ContentModified; a problem in the code or the
    flags is a message; a bug in macrotrace is logged and reported, never fatal."""
    import functools

    @functools.wraps(handler)
    async def run(ls, params):
        try:
            return await handler(ls, params)
        except Stale as e:
            raise JsonRpcContentModified(str(e))
        except (Problem, ConfigError) as e:
            return handler.on_problem(ls, params, str(e)) if hasattr(handler, "on_problem") else None
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.exception("%s failed", handler.__name__)
            message = "macrotrace: internal error: %s: %s" % (type(e).__name__, e)
            return handler.on_problem(ls, params, message) if hasattr(handler, "on_problem") else None
    return run


def _from_client(ls, uri, pos):
    """A position the client sent (UTF-16 code units by default, or the encoding
    negotiated at initialize) in code points of the line, as document.py counts."""
    doc = ls.doc(uri)
    p = doc.position_codec.position_from_client_units(doc.lines, pos)
    return types.Position(p.line, p.character)


def _to_client(ls, uri, range_):
    """A range in code points, in the client's units."""
    doc = ls.doc(uri)
    return doc.position_codec.range_to_client_units(doc.lines, range_)


async def _hover(ls, params):
    uri = params.text_document.uri
    pos = _from_client(ls, uri, params.position)
    text = ls.doc(uri).source
    name = document.defined_name(text, pos.line, pos.character)
    if name is not None:
        config = ls.deferred_config(uri)
        found = await ls.remembered(("define", uri, ls.generation, ls.settings, pos.line), uri,
                                    lambda stop: _defined_sync(config(), pos.line + 1, stop))
        return _markdown(views.define_hover(name, found, ls.settings_line()))
    hit = await ls.invocation(uri, pos.line, pos.character)
    if hit is None:
        return None
    trace, inv, start, end = hit
    return _markdown(views.invocation_hover(trace, inv, ls.settings_line(trace)),
                     _to_client(ls, uri, types.Range(types.Position(pos.line, start),
                                                     types.Position(pos.line, end))))


def _defined_sync(config, line, interrupt):
    try:
        return defined_at(config, line, interrupt)
    except (ConfigError, PreprocessError, OSError) as e:
        raise Problem(str(e))


_hover.on_problem = lambda ls, params, message: _markdown("**macrotrace:** " + message)
server.feature(types.TEXT_DOCUMENT_HOVER)(_guarded(_hover))


def _markdown(text, range_=None):
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=range_)


async def _code_action(ls, params):
    uri = params.text_document.uri
    pos = _from_client(ls, uri, params.range.start)
    hit = await ls.invocation(uri, pos.line, pos.character)
    if hit is None:
        # inside an invocation's arguments: the invocation they belong to
        outer = document.enclosing_call(ls.doc(uri).source, pos.line, pos.character)
        if outer is not None:
            pos = types.Position(*outer)
            hit = await ls.invocation(uri, pos.line, pos.character)
    if hit is None:
        return None
    trace, inv, start, _ = hit
    text = ls.doc(uri).source
    actions = []
    end = document.extent(text, pos.line, start, inv.source)
    if end is not None and not inv.cut:
        where = _to_client(ls, uri, types.Range(types.Position(pos.line, start),
                                                types.Position(*document.position_of(text, end))))
        for title, new in (("Expand one level", views.one_level(inv)), ("Expand fully", inv.result)):
            if new is None:
                continue
            edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(range=where, new_text=new)]})
            actions.append(types.CodeAction(title="%s: %s" % (title, inv.source if len(inv.source) < 40
                                                              else trace.macro),
                                            kind=types.CodeActionKind.RefactorInline, edit=edit))
    args = [uri, pos.line, start]
    actions.append(types.CodeAction(title="Show the expansion film", kind=types.CodeActionKind.Empty,
                                    command=types.Command("Show the expansion film", COMMANDS["film"], arguments=args)))
    actions.append(types.CodeAction(title="Trace under configuration…", kind=types.CodeActionKind.Empty,
                                    command=types.Command("Trace under configuration…", COMMANDS["under"], arguments=args)))
    return actions


server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.RefactorInline, types.CodeActionKind.Empty]))(_guarded(_code_action))


# -- commands ----------------------------------------------------------------

def _settings_changed(ls, what):
    ls.refresh_all()
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Info,
                                                   "macrotrace: %s — %s" % (what, ls.settings.describe())))
    return _settings_dict(ls.settings)


def _settings_dict(settings):
    return settings.as_dict()


@server.command(COMMANDS["toggle"])
def toggle(ls, *args):
    if len(args) != 1 or not isinstance(args[0], str):
        return _command_error(ls, "macrotrace.toggle takes one of: %s" % ", ".join(s.field for s in SWITCHES))
    try:
        ls.settings = ls.settings.toggled(args[0])
    except ConfigError as e:
        return _command_error(ls, str(e))
    return _settings_changed(ls, "%s %s" % (args[0], "on" if args[0] in ls.settings.switches else "off"))


@server.command(COMMANDS["kernel_tree"])
def set_kernel_tree(ls, *args):
    tree = args[0] if args else None
    if tree is not None and (not isinstance(tree, str) or not os.path.isfile(os.path.join(tree, "Makefile"))):
        return _command_error(ls, "%s: not a kernel tree (no Makefile)" % tree)
    ls.settings = Settings.from_options({"kernelTree": tree}, ls.settings)
    return _settings_changed(ls, "kernel tree %s" % (tree or "cleared"))


@server.command(COMMANDS["configure"])
def configure(ls, *args):
    try:
        ls.settings = Settings.from_options(args[0] if args else {}, ls.settings)
    except ConfigError as e:
        return _command_error(ls, str(e))
    return _settings_changed(ls, "configured")


def _command_error(ls, message):
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, "macrotrace: %s" % message))
    return {"error": message}


def _position_args(args):
    if len(args) < 3 or not isinstance(args[0], str) or not all(isinstance(a, int) for a in args[1:3]):
        raise Problem("expected arguments [uri, line, character]")
    return args[0], args[1], args[2]


@server.command(COMMANDS["film"])
async def show_film(ls, *args):
    """Write the HTML report of the invocation's trace and ask the client to open it."""
    from ..render import html
    try:
        uri, line, character = _position_args(args)
        hit = await ls.invocation(uri, line, character)
        if hit is None:
            raise Problem("no macro invocation at %d:%d" % (line + 1, character + 1))
        trace = hit[0]
        out_dir = ls.settings.report_dir or os.path.join(tempfile.gettempdir(), "macrotrace-lsp")
        os.makedirs(out_dir, exist_ok=True)
        stem = os.path.splitext(os.path.basename(to_fs_path(uri)))[0]
        path = os.path.join(out_dir, "%s-%s-%d.html" % (stem, trace.macro, line + 1))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(html.render(trace))
    except Stale as e:
        raise JsonRpcContentModified(str(e))
    except (Problem, ConfigError, OSError) as e:
        return _command_error(ls, str(e))
    target = from_fs_path(path)
    window = ls.client_capabilities.window
    if not (window and window.show_document and window.show_document.support):
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info,
                                                       "macrotrace: the expansion film is in %s" % path))
        return {"path": path, "uri": target, "shown": False}
    shown = await ls.window_show_document_async(types.ShowDocumentParams(uri=target, external=True))
    return {"path": path, "uri": target, "shown": bool(shown and shown.success)}


def _combination_title(combo):
    on = [s.label for s in SWITCHES if combo[s.field]]
    return "+".join(on) if on else "none of %s" % ", ".join(s.label for s in SWITCHES)


@server.command(COMMANDS["under"])
async def trace_under(ls, *args):
    """Trace the invocation under a configuration of the kernel switches: the one given
    as a fourth argument, or the one the user picks from a list of all of them."""
    import itertools
    try:
        uri, line, character = _position_args(args)
        if len(args) > 3 and isinstance(args[3], dict):
            combo = {s.field: bool(args[3].get(s.field, False)) for s in SWITCHES}
        else:
            combos = [dict(zip([s.field for s in SWITCHES], values))
                      for values in itertools.product((False, True), repeat=len(SWITCHES))]
            titles = [_combination_title(c) for c in combos]
            picked = await ls.window_show_message_request_async(types.ShowMessageRequestParams(
                type=types.MessageType.Info, message="macrotrace: trace under which configuration?",
                actions=[types.MessageActionItem(t) for t in titles]))
            if picked is None:
                return None
            combo = combos[titles.index(picked.title)]
        settings = ls.settings.with_switches(combo)
        hit = await ls.invocation(uri, line, character, settings)
        if hit is None:
            raise Problem("no invocation at %d:%d under %s" % (line + 1, character + 1, settings.describe()))
    except Stale as e:
        raise JsonRpcContentModified(str(e))
    except (Problem, ConfigError) as e:
        return _command_error(ls, str(e))
    trace, inv = hit[0], hit[1]
    chain = views.spine(inv, trace)
    message = "%s under %s (%d steps): %s\n%s" % (inv.source, _combination_title(combo), len(inv.steps) - 1,
                                                  inv.result, views.ARROW.join(chain))
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, message))
    return {"configuration": trace.config.get("switches"), "result": inv.result, "spine": chain,
            "steps": len(inv.steps) - 1}


def serve(log_file=None, verbose=False):
    """Serve on stdin/stdout until the client says exit (``macrotrace lsp``)."""
    level = logging.DEBUG if verbose else logging.WARNING
    if log_file:
        logging.basicConfig(filename=log_file, level=level)
    else:
        logging.basicConfig(stream=sys.stderr, level=level)
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr         # a stray print must not corrupt the protocol stream
    server.start_io(sys.stdin.buffer, protocol_out)
    server.worker.shutdown()
    return 0
