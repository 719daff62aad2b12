# Cython declarations augmenting printer.py (see engine/compiled.py): the printer
# as an extension type (pcpp_api subclasses it in Python) and a typed ``token``.
cimport cython
from macrotrace.engine.tokens cimport Token

cdef str CHAR, EOF, IDENT, NUMBER, OTHER, PADDING, PRAGMA, PUNCT, STRING
cdef long COUNTER_DIGITS, DIGRAPH, PREV_WHITE
cdef dict DIGRAPHS


cdef set _EQ_FORMERS
cdef dict _FOLLOWERS

# an identifier printed as spelled: an ASCII string holding no backslash (a UCN)
cdef extern from *:
    """
    static CYTHON_INLINE int mt_plain_name(PyObject *s) {
        if (!PyUnicode_IS_ASCII(s)) return 0;
        return memchr(PyUnicode_1BYTE_DATA(s), '\\\\', (size_t)PyUnicode_GET_LENGTH(s)) == NULL;
    }
    """
    bint _c_plain_name "mt_plain_name"(str s)

cdef bint _C_HELPERS

cpdef bint plain_name(str text)


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
