# Cython declarations augmenting state.py (see engine/compiled.py): the loop that takes
# a unit's macro table apart to store it (~16,000 entries a cold kernel unit).
cimport cython


@cython.locals(names=list, data=list, outer_of=list, fps=list, own=list, blobs=dict,
               outers=dict, stored=dict, initial=dict, segment_blobs=dict, last=Py_ssize_t,
               last_chain=object, name=object, m=object, t=object, outer=object, entry=object,
               seg=tuple, src=object, cached=object)
cpdef tuple _entries(object encoder, object macros)


# (state.py's _py_lengths and _py_int32s in C: array("I") and array("i") are 4 bytes an
# item here, native order, as these write them)
from libc.string cimport memcpy
from libc.stdint cimport uint32_t, int32_t
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING


cdef inline bytes _lengths(list blobs):
    cdef Py_ssize_t i, k, n = len(blobs)
    cdef uint32_t v
    cdef bytes out = PyBytes_FromStringAndSize(NULL, 4 * n)
    cdef char *p = PyBytes_AS_STRING(out)
    for i in range(n):
        k = len(blobs[i])
        if k > 0xFFFFFFFF:
            raise OverflowError("unsigned int is greater than maximum")
        v = <uint32_t>k
        memcpy(p + 4 * i, &v, 4)
    return out


cdef inline bytes _int32s(list values):
    cdef Py_ssize_t i, n = len(values)
    cdef long k
    cdef int32_t v
    cdef bytes out = PyBytes_FromStringAndSize(NULL, 4 * n)
    cdef char *p = PyBytes_AS_STRING(out)
    for i in range(n):
        k = values[i]
        if k > 2147483647 or k < -2147483648:
            raise OverflowError("signed integer is out of range")
        v = <int32_t>k
        memcpy(p + 4 * i, &v, 4)
    return out
