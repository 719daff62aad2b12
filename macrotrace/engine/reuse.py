"""The preprocessor's side of per-header reuse (segments.py says what a segment is).

A mixin of ``preprocessor.Preprocessor``: the file stack, the printer, the warnings and
the guards stay the preprocessor's; these methods are the only ones that record a
header's segments or replay them.  When the run has no segment store (no cache, pcpp's
hooks overridden, a listener that wants every ``#define``) nothing here runs, and a
header is pushed and lexed as before.

The flow: ``push_file`` of a header makes a lazy ``FileState`` (no tokens, ``seg``
set); when ``next`` reaches it, ``segment_start`` looks for a recorded segment whose
dependencies hold and applies its effect, then runs the ``#include`` it ended with (the
nested header is looked up the same way) or pops the file at its end, and so on; at the
first starting point with nothing recorded, the file is lexed, read as usual from
there, and recorded until its next boundary (``end_recording``).
"""

import marshal
import os

from . import counters, defcode, depcheck, state
from .events import hears
from .segments import Recording
from .defcode import kept_row
from .state import Pending, branch_of
from .tokens import IDENT, Token

# builtins whose value depends on more than the segment's dependencies
UNRECORDABLE = frozenset(("__DATE__", "__TIME__", "__TIMESTAMP__", "__BASE_FILE__"))
# listener hooks a replayed segment would not call
_DIRECTIVE_HOOKS = ("macro_defined", "macro_undefined", "conditional")


class SegmentReuse:

    def _segments_setup(self, store):
        listener_hooks = any(hears(self.listener, h) for h in _DIRECTIVE_HOOKS)
        self.segments = store if store is not None and not self.overridden \
            and not listener_hooks else None
        self._rec = None             # the segment being recorded (segments.Recording)
        self._branch_rows = {}       # id(Branch) -> (it, its row): kept (defcode.kept_row)
        self.replayed_tokens = 0     # tokens printed by replayed segments (--max-output bound)

    # ---------------------------------------------------------------- reading lazily
    def read_once(self, path, digest):
        """Note that ``path`` was read (``files_read``, once per path)."""
        if self._digests.get(path) != digest:
            self._digests[path] = digest
            self.files_read.append((path, digest))

    def _lazy_file(self, path, chain_index, from_tok):
        """A header's FileState, not lexed: its contents' sha1 is known (from the file,
        or from the store when the file's stat says it is the file hashed before)."""
        f = self._FileState(path, chain_index)
        f.lazy = True
        store = self.segments
        cached = self.file_cache.get(path)
        if cached is not None and path in self._digests:
            f.cached, f.digest = cached, self._digests[path]
        else:
            st = None
            if not (self.unsaved and os.path.realpath(path) in self.unsaved):
                try:
                    st = os.stat(path)
                except OSError:
                    pass                 # (file_bytes says what is wrong)
            f.digest = store.known_digest(path, st) if st is not None else None
            if f.digest is None:
                f.data = self.file_bytes(path, from_tok)
                f.digest = state.digest(f.data)
                if st is not None:
                    store.note_stat(path, f.digest, st)
            self.read_once(path, f.digest)
        f.seg = not store.entry(path, f.digest).get("warns")
        if not f.seg:
            self._load_tokens(f)
        return f

    def _load_tokens(self, f):
        """Lex ``f`` now: a segment of it is read, not replayed."""
        f.seg = False
        if not f.lazy:
            return
        f.lazy = False
        if f.cached is not None:
            f.src = f.cached
        else:
            data = f.data
            if data is None:
                data = self.file_bytes(f.path)
                digest = state.digest(data)
                if digest != f.digest:          # changed since it was looked at
                    f.digest = digest
                    self.read_once(f.path, digest)
            # (a header whose lexer warns, an unterminated quote, is marked as it is
            # read: Engine._read)
            f.src = self._tokenize(f.path, data, f.digest)     # (hashed: not again)
        f.cached = f.data = None
        self.seek(f, f.chunk.start)     # (where a replayed segment left it)

    # ---------------------------------------------------------------- the flow
    def _segment_ready(self):
        rec = self.recorder
        return (self.expander.idle() and self.pushback is None and not self._imacros
                and (rec is None or not rec.traces))

    def segment_start(self):
        """The top file is at a segment's start: replay what was recorded for as long as
        it holds, then read and record from the first point where nothing does."""
        files = self.files
        store = self.segments
        while len(files) > 1:
            f = files[-1]
            if not self._segment_ready() or f.offset() is None:   # (not at a line start)
                self._load_tokens(f)
                return
            start = (f.offset(), self._file_state(f))
            variant = self._find_variant(f, start)
            if variant is None:
                store.misses += 1
                self._load_tokens(f)
                self._begin_recording(f, start)
                return
            store.hits += 1
            end = self._replay(f, variant)
            if end[0] == "eof":
                self.pop_file()
                continue
            _, name, angled, next_, line, col, text = end
            self.include(f, Token(IDENT, text, 0, line, col, f.path), name, angled, next_)

    def _file_state(self, f):
        """A file's own state at a starting point, as a plain value (its includer's name,
        which differs from unit to unit for the headers a unit includes, is a check of the
        segments that read it: a line marker returning to it)."""
        rows = f.rows if f.lazy else _ifstack_rows(f.ifstack, self._branch_rows)   # (not read: as set)
        return rows, f.guard, f.guard_state, f.line_delta, f.presumed, tuple(f.markers), f.chain_index

    def _set_file_state(self, f, pos, saved):
        ifstack, f.guard, f.guard_state, f.line_delta, f.presumed, markers = saved[:6]
        self.seek(f, pos)
        f.markers = list(markers)
        if f.lazy and ifstack == f.rows:
            return              # (the #if groups open as the last segment left them: kept)
        IfEntry = self._IfEntry
        f.ifstack = []
        for taken_any, seen_else, last, rows in ifstack:
            conds = [branch_of(r) for r in rows]
            e = IfEntry(conds[0], taken_any)
            e.conditions, e.seen_else, e.last = conds, seen_else, last
            f.ifstack.append(e)
        f.rows = ifstack

    def _outer_chain(self):
        """The #if branches the includers of the top file are in (a segment's
        definitions carry them first, then their own file's)."""
        return tuple(self.condition_chain(self.files[:-1]))

    # ---------------------------------------------------------------- recording
    def _looked_up(self, name):
        """A directive looked at whether ``name`` is defined."""
        reads = self.expander.reads
        if reads is not None:
            reads.add(name)

    def _unrecordable(self):
        if self._rec is not None:
            self._rec.tainted = True

    def _begin_recording(self, f, start):
        p = self.printer
        exp = self.expander
        rec = Recording(f.path, f.digest, start,
                        (p.printed, p.pending_space) if p is not None else None)
        rec.counter = exp.counter
        rec.depth = len(self.files)
        rec.outer = self._outer_chain()
        rec.parts = len(p.parts) if p is not None else 0
        rec.count = p.count if p is not None else 0
        rec.warnings = len(self.warnings)
        if p is not None:
            p.marks.clear()             # (the parts holding __COUNTER__ values: counters.py)
        exp.reads, exp.written, exp.used = rec.reads, rec.written, rec.used
        self._rec = rec

    def end_recording(self, end):
        """The top file's segment ends with ``end`` (("inc", ...) or ("eof",)): store it
        when it can be described by its dependencies."""
        rec = self._rec
        self._rec = None
        exp = self.expander
        exp.reads = exp.written = exp.used = None
        f = self.files[-1]
        p = self.printer
        if (rec is None or rec.tainted or f.path != rec.path or not self._segment_ready()
                or f.offset() is None
                or rec.used & UNRECORDABLE or (p is None) != (rec.psig is None)
                or p is not None and len(p.parts) < rec.parts):
            return
        table = exp.macros
        written = rec.written
        names = tuple(rec.reads)
        fps = depcheck.read_fingerprints(table, names, written, self._encoder.segment_blobs)
        checks = list(rec.checks)
        if "__INCLUDE_LEVEL__" in rec.used:
            checks.append(("level", rec.depth))
        # (each blob noted for the unit's own state, which stores it as it is)
        defs = defcode.segment_defs(table, written, len(rec.outer), self._branch_rows,
                                    self._encoder.segment_blobs, rec.outer)
        chunk = psig_end = reloc = None
        ntok = 0
        warnings = tuple((w.message, w.file, w.line) for w in self.warnings[rec.warnings:])
        if p is not None:
            chunk = "".join(p.parts[rec.parts:])
            if "__COUNTER__" in rec.used and rec.used <= counters.SAFE_BUILTINS and not warnings:
                reloc = counters.relocation(p.parts, rec.parts, p.marks, chunk, rec.counter,
                                            exp.counter, names, fps, written)
            p.parts[rec.parts:] = [chunk] if chunk else []
            if chunk and rec.psig[0] and chunk[0] != "\n":
                return                  # (its first line did not start as _replay assumes)
            psig_end = (p.printed, p.pending_space)
            ntok = p.count - rec.count
        if "__COUNTER__" in rec.used:
            # its values printed, relocatable (counters.py); else __COUNTER__ exactly
            checks.append(("counter", rec.counter) if reloc is None else
                          ("relocated", rec.counter, reloc[1]))
        effect = (end, f.offset(), self._file_state(f), defs, chunk, psig_end, ntok, warnings,
                  exp.counter if "__COUNTER__" in rec.used else None, rec.once_add,
                  None if reloc is None else (rec.counter, reloc[0]))
        # the effect stays a marshal blob until a run replays it: loading a header's
        # variants then costs little more than reading the file (marshal's version 2,
        # without references: an effect is read back in half the time, ~1,000 a unit)
        self.segments.add(rec.path, rec.digest, rec.start,
                          (rec.psig, chunk is not None) + depcheck.pack(names, fps)
                          + (tuple(checks), marshal.dumps(effect, 2)))

    # ---------------------------------------------------------------- replaying
    def _find_variant(self, f, start):
        variants = self.segments.variants(f.path, f.digest, start)
        if not variants:
            return None
        p = self.printer
        now = (p.printed, p.pending_space) if p is not None else None
        table = self.expander.macros
        for v in variants:
            psig, has_output, names, fps, checks, _ = v
            if p is not None and (not has_output or psig[1] != now[1]):
                continue
            if depcheck.fingerprints_match(table, names, fps) and (not checks or self._checks_hold(f, checks)):
                return v
        return None

    def _checks_hold(self, f, checks):
        find = self.search.find
        for c in checks:
            kind = c[0]
            if kind == "skip":
                _, name, angled, start, path, guard, once = c
                if (find(name, angled, f.dir, start)[0] != path or self.guards.get(path) != guard
                        or self._skip_once(path, False) != once):
                    return False
            elif kind == "has":
                _, name, angled, start, found = c
                if (find(name, angled, f.dir, start)[0] is not None) != found:
                    return False
            elif kind == "counter":
                if self.expander.counter != c[1]:
                    return False
            elif kind == "relocated":
                if not counters.names_hold(self.expander.macros, c[2], c[1], self.expander.counter):
                    return False
            elif kind == "level":
                if len(self.files) != c[1]:
                    return False
            elif kind == "includer":
                if f.includer != c[1]:
                    return False
        return True

    def _replay(self, f, variant):
        """Apply a segment's effect to the run; how it ended."""
        (end, pos, fstate, defs, chunk, psig_end, ntok, warnings, counter, once_add, reloc) = \
            marshal.loads(self.segments.effect(variant))
        if reloc is not None and reloc[0] != self.expander.counter:
            c0, places = reloc          # (its values printed from __COUNTER__ as it is now)
            now = self.expander.counter
            chunk = counters.relocated(chunk, places, now)
            counter = now + (counter - c0)
        exp = self.expander
        if defs:
            if not isinstance(exp.macros, state.LazyMacros):
                exp.restore(state.lazy(exp.macros), exp.counter)
            outer = self._outer_chain()
            for name, blob, fp in defs:
                if blob is None:
                    exp.undefine(name)
                else:
                    exp.define_pending(name, Pending(blob, outer, fp))
        p = self.printer
        if p is not None:
            if chunk:
                # the segment's first line began with a new line only if one was open
                # (Printer.line_change): as the output stands now, not as it stood
                was_open = variant[0][0]
                if was_open and not p.printed:
                    chunk = chunk[1:]
                elif p.printed and not was_open:
                    chunk = "\n" + chunk
                p.parts.append(chunk)
                p.printed = psig_end[0]
            p.pending_space = psig_end[1]
            p.prev = p.source = None
            p.count += ntok
            self.replayed_tokens += ntok
        for message, file, line in warnings:
            self.warn_at(message, file, line)
        if counter is not None:
            exp.set_counter(counter)
        if once_add:
            self.once.add(f.path)
        self._set_file_state(f, pos, fstate)
        return end


def _ifstack_rows(ifstack, rows):
    """A file's open #if groups as a plain value (``FileState.rows``); ``rows`` keeps each
    branch's row (id(branch) -> (branch, row)), made once however often it is asked."""
    return tuple([(e.taken_any, e.seen_else, e.last, tuple([kept_row(rows, c) for c in e.conditions]))
                  for e in ifstack])
