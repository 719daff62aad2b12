"""Caching the state reached after a file's leading directives.

Most of the time of a kernel run goes into the headers a file includes before its
first line of code; a second run on the same headers can start from there.  The
cache stores the macro table, ``__COUNTER__``, include guards and ``#pragma once``
files, the output so far, and the warnings, at the first token of the main file
that is not a directive.

It must never change a result, so an entry is used only when: the run's
configuration and macrotrace's own engine code are the same (the key), the main
file's leading directives are the same tokens, every file read has the same
contents (sha1), and every directory the include search looked into has the same
modification time (a new header that would now shadow an old one changes it).
Each macro is stored as its own ``marshal`` blob and decoded only when the expander
asks for it: a kernel unit defines ~16,000 macros and uses a few hundred after its
headers, and decoding them all would cost more than the cache saves.
"""

import gc
import glob
import hashlib
import marshal
import os

from .compiler import cache_dir
from .events import Condition
from .macros import MacroDef
from .tokens import Token

FORMAT = 1


def _engine_fingerprint():
    h = hashlib.sha1()
    for path in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "*.py"))):
        with open(path, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


class LazyMacros(dict):
    """The macro table, with definitions materialised on first lookup."""

    def __init__(self, data, convert):
        super().__init__(data)
        self._convert = convert

    def get(self, name, default=None):
        v = dict.get(self, name, default)
        if type(v) is bytes:
            v = self._convert(v)
            dict.__setitem__(self, name, v)
        return v

    def __getitem__(self, name):
        v = dict.__getitem__(self, name)
        if type(v) is bytes:
            v = self._convert(v)
            dict.__setitem__(self, name, v)
        return v

    def pop(self, name, *default):
        v = dict.pop(self, name, *default)
        return self._convert(v) if type(v) is bytes else v

    def values(self):
        return [self[k] for k in self]

    def items(self):
        return [(k, self[k]) for k in self]


def _dump_macros(macros):
    cond_index = {}
    conds = []

    def index(c):
        i = cond_index.get(id(c))
        if i is None:
            earlier = tuple(index(e) for e in c.earlier)
            i = len(conds)
            cond_index[id(c)] = i
            conds.append((c.directive, c.expression, c.file, c.line, c.taken, c.value, c.guard, earlier))
        return i

    out = []
    for name in macros:
        m = macros[name] if not isinstance(macros, LazyMacros) else macros.get(name)
        if m.builtin is not None:
            continue
        body = tuple((t.kind, t.text, t.flags, t.line, t.col, t.file, t.argno) for t in m.body)
        row = (name, tuple(m.params) if m.fun_like else None, m.variadic, tuple(m.site or ()),
               m.spelling, m.from_command_line, tuple(index(c) for c in m.conditions), body)
        out.append((name, marshal.dumps(row)))
    return out, conds


def _load_conditions(rows):
    conds = []
    for directive, expression, file, line, taken, value, guard, earlier in rows:
        c = Condition(directive, expression, file, line, taken, value, guard)
        c.earlier = tuple(conds[i] for i in earlier)
        conds.append(c)
    return conds


def _converter(conds):
    def convert(blob):
        name, params, variadic, site, spelling, cmdline, cond_ids, body = marshal.loads(blob)
        toks = []
        for kind, text, flags, line, col, file, argno in body:
            t = Token(kind, text, flags, line, col, file)
            t.argno = argno
            toks.append(t)
        m = MacroDef(name, list(params) if params is not None else None, variadic, (),
                     tuple(site) if site else None, spelling=spelling)
        m.body = toks
        m.from_command_line = cmdline
        m.conditions = tuple(conds[i] for i in cond_ids)
        return m
    return convert


def _preamble_signature(tokens, pos):
    h = hashlib.sha1()
    for t in tokens[:pos]:
        h.update(("%s\x00%d\x00%d\x01" % (t.text, t.flags & 0xFF, t.line)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class StateCache:
    def __init__(self, key_material, unsaved=None):
        self.unsaved = unsaved or {}    # real path -> text: an editor's buffers stand for files
        raw = repr((FORMAT, _engine_fingerprint(), key_material))
        self.key = hashlib.sha256(raw.encode()).hexdigest()[:24]
        self.path = os.path.join(cache_dir(), "state-%s.bin" % self.key)

    # -- saving ---------------------------------------------------------------
    def save(self, pp, main_tokens, pos, output):
        if pp.pushed_macros:
            return
        macros, conds = _dump_macros(pp.macros)
        # the main file is covered by the signature of its leading directives
        files = [(p, hashlib.sha1(d).hexdigest()) for p, d in pp.files_read if p != pp.main_path]
        dirs = []
        for d in sorted(pp.search.probed):
            try:
                dirs.append((d, os.stat(d).st_mtime_ns))
            except OSError:
                dirs.append((d, -1))
        state = {
            "format": FORMAT, "pos": pos, "preamble": _preamble_signature(main_tokens, pos),
            "macros": macros, "conditions": conds, "counter": pp.expander.counter,
            "guards": sorted(pp.guards.items()), "once": sorted(pp.once),
            "files": files, "dirs": dirs, "output": output,
            "warnings": [(w.message, w.file, w.line) for w in pp.warnings],
        }
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = "%s.%d" % (self.path, os.getpid())
            with open(tmp, "wb") as fh:
                marshal.dump(state, fh)
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            pass

    # -- loading --------------------------------------------------------------
    def load(self, main_tokens):
        """The cached state if it is still valid for these main-file tokens, else None."""
        # hundreds of thousands of small tuples: the cyclic GC would run many times
        # during the load and find nothing to collect
        enabled = gc.isenabled()
        gc.disable()
        try:
            with open(self.path, "rb") as fh:
                state = marshal.load(fh)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        finally:
            if enabled:
                gc.enable()
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            return None
        pos = state["pos"]
        if pos > len(main_tokens) or _preamble_signature(main_tokens, pos) != state["preamble"]:
            return None
        for d, mtime in state["dirs"]:
            try:
                if os.stat(d).st_mtime_ns != mtime:
                    return None
            except OSError:
                if mtime != -1:
                    return None
        for path, digest in state["files"]:
            text = self.unsaved.get(os.path.realpath(path)) if self.unsaved else None
            try:
                if text is not None:
                    data = text.encode("utf-8")
                else:
                    with open(path, "rb") as fh:
                        data = fh.read()
            except OSError:
                return None
            if hashlib.sha1(data).hexdigest() != digest:
                return None
        return state

    def restore(self, pp, state):
        conds = _load_conditions(state["conditions"])
        lazy = LazyMacros({}, _converter(conds))
        for name, m in pp.macros.items():
            if m.builtin is not None:
                dict.__setitem__(lazy, name, m)
        for name, blob in state["macros"]:
            dict.__setitem__(lazy, name, blob)
        pp.macros = lazy
        pp.expander.macros = lazy
        pp.expander.counter = state["counter"]
        pp.guards = dict(state["guards"])
        pp.once = set(state["once"])
        return state["pos"]
