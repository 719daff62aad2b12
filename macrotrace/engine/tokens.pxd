# Cython declarations augmenting tokens.py (see engine/compiled.py): the token as
# an extension type whose fields are C struct members.  tokens.py stays plain Python.
cimport cython

cdef dict _KINDS


# not tracked by the garbage collector (no GC header, link or untrack per token: a
# kernel unit makes ~500,000): a token refers to strings, integers and, for padding,
# an older token it was made after, so tokens form no cycle; and the memory of tokens
# freed is kept for the next ones (copies and padding come and go at every expansion)
@cython.final
@cython.no_gc
@cython.freelist(1024)
cdef class Token:
    cdef public str kind
    cdef public object text
    cdef public long flags
    cdef public long line
    cdef public long col
    cdef public object file
    cdef public object source
    cdef public long argno

    @cython.locals(t=Token)
    cpdef Token copy(self, flags=*)
    cpdef bint is_op(self, op)


@cython.locals(t=Token)
cpdef Token padding(source)


@cython.locals(t=Token)
cpdef Token new_token(str kind, text, long flags, long line, long col, file)
