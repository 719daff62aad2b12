# Cython declarations augmenting reader.py (see engine/compiled.py): an open file and
# the preprocessor's token source as extension types, ``next``'s loop on C members and
# the compiled Token.  reader.py stays plain Python.
cimport cython
from macrotrace.engine.macros cimport MacroDef, parse_define
from macrotrace.engine.printer cimport Printer
from macrotrace.engine.tokens cimport Token

cdef long BOL, DIRECTIVE, PREV_WHITE, _START, _CLOSED, _NOT
cdef str IDENT, NUMBER


@cython.final
cdef class FileState:
    cdef public list tokens
    cdef public Py_ssize_t pos
    cdef public object chunk
    cdef public object src
    cdef public object path
    cdef public object dir
    cdef public object chain_index
    cdef public list ifstack
    cdef public object guard
    cdef public long guard_state
    cdef public long line_delta
    cdef public object presumed
    cdef public object includer
    cdef public object markers
    cdef public object digest
    cdef public object data
    cdef public object cached
    cdef public bint lazy
    cdef public bint seg
    cdef public object rows
    cdef public tuple outer_chain


cdef class Reader:
    cdef public list files
    cdef public object pushback
    cdef public object last
    cdef public Printer printer
    cdef public object eof
    cdef public bint _preamble_pending
    cdef public object _chain_file
    cdef public object _chain_stack
    cdef public Py_ssize_t _chain_depth
    cdef public object _chain_top
    cdef public Py_ssize_t _chain_files
    cdef public tuple _chain_value
    cdef public long replayed_tokens    # (reuse.py: tokens printed by replayed segments)

    @cython.locals(files=list, f=FileState, stack=list, depth=Py_ssize_t, value=tuple, outer=tuple)
    cpdef tuple _chain(self)

    @cython.locals(files=list, f=FileState, tok=Token, flags=long)
    cpdef next(self, long parsing_args=*)

    cdef public dict _handlers

    @cython.locals(f=FileState, toks=list, i=Py_ssize_t, j=Py_ssize_t, n=Py_ssize_t,
                   line=list, t=Token)
    cpdef list directive_line(self, f, hash_tok)

    @cython.locals(f=FileState, line=list, name_tok=Token, args=list, name=str, handlers=dict)
    cpdef handle_directive(self, f, hash_tok)

    @cython.locals(name_tok=Token, args=list)
    cpdef do_define(self, f, name_tok, args)

    # (the preprocessor's: the expander and whether its listener hears definitions)
    cdef public object expander
    cdef public bint _hears_definitions
    cdef public bint _asm               # (the preprocessor's lang.asm)

    @cython.locals(macro=MacroDef)
    cpdef _install(self, macro, name_tok)
