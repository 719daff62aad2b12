# Cython declarations augmenting printer.py (see engine/compiled.py): the printer
# as an extension type (pcpp_api subclasses it in Python) and a typed ``token``.
cimport cython
from macrotrace.engine.tokens cimport Token

cdef str CHAR, EOF, IDENT, NUMBER, OTHER, PADDING, PRAGMA, PUNCT, STRING
cdef long COUNTER_DIGITS, DIGRAPH, PREV_WHITE
cdef dict DIGRAPHS


cdef set _EQ_FORMERS
cdef dict _FOLLOWERS


@cython.locals(ak=str, bk=str, c=Py_UCS4, op=str, text=str, follow=str)
cpdef bint avoid_paste(Token a, Token b)


cdef class Printer:
    cdef public list parts
    cdef public object prev
    cdef public object source
    cdef public bint pending_space
    cdef public bint printed
    cdef public bint pragmas
    cdef public long count
    cdef public list marks

    @cython.locals(kind=str, src=Token, prev=Token, parts=list, text=str)
    cpdef token(self, Token tok)
    cpdef line_change(self, Token tok)
    cpdef directive_line(self, text)


@cython.locals(parts=list, length=Py_ssize_t, prev=Token, source=Token, pending=bint,
               t=Token, kind=str, space=bint)
cdef _render(tokens, offsets)
