# Cython declarations augmenting defcode.py (see engine/compiled.py): a definition and
# its tokens read as C struct members (a cold kernel unit encodes ~16,000 definitions).
cimport cython
from macrotrace.engine.tokens cimport Token
from macrotrace.engine.macros cimport MacroDef


@cython.locals(raw=str, params=str, flags=str, where=str, site=object, fp=object, blob=bytes)
cpdef object fingerprint(MacroDef m)


@cython.locals(data=bytes)
cpdef object blob_fingerprint(object blob)


@cython.locals(numbers=list, v=cython.ulonglong, shift=cython.int, n=Py_ssize_t,
               byte=cython.ulonglong)
cdef tuple _read_varints(bytes data, Py_ssize_t at, Py_ssize_t count)


@cython.locals(values=list, at=Py_ssize_t)
cdef tuple _compact_head(bytes data)


@cython.locals(values=list, at=Py_ssize_t)
cdef Py_ssize_t _compact_end(bytes data) except -1


@cython.locals(t=Token, k=Py_ssize_t, at=Py_ssize_t, start=Py_ssize_t, first=Py_ssize_t,
               texts=list, numbers=bytearray, body=list, rare=object, kind=str, params=object,
               spelling=object, text=object, f=object, home=object, spelled=object, line=long,
               col=long, wide=bint, large=long)
cpdef bytes encode(MacroDef m, object conditions, object stored=*)


@cython.locals(out=bytearray)
cdef bytearray _buffer(Py_ssize_t size)


cdef Py_ssize_t _size(unsigned long long v) noexcept


cdef Py_ssize_t _put(bytearray out, Py_ssize_t at, unsigned long long v) except -1


cdef Py_ssize_t _code(object kind) except -1


@cython.locals(m=MacroDef, defs=list, own=list, i=Py_ssize_t, conds=object, blob=bytes,
               shared=dict, entry=tuple, own_rows=tuple)
cpdef tuple segment_defs(object table, object written, Py_ssize_t n_outer, dict rows,
                         dict known, object outer)


@cython.locals(entry=object)
cpdef object kept_row(dict rows, object c)


cpdef tuple decode(object blob)


@cython.locals(k=Py_ssize_t, p=object, text=bytes, flags=long, size=Py_ssize_t,
               begin=Py_ssize_t)
cdef bytes _compact(MacroDef m, long line, object params, bytearray out, Py_ssize_t start,
                    Py_ssize_t end, list texts, bytes stored)


@cython.locals(t=Token, i=Py_ssize_t, at=Py_ssize_t, n=Py_ssize_t, body=list)
cpdef list _tokens(object numbers, str texts, object home)
