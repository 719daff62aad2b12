# Cython declarations augmenting depcheck.py (see engine/compiled.py).
cimport cython


@cython.locals(at=Py_ssize_t, name=object, e=object, efp=object, t=object)
cpdef bint fingerprints_match(object table, str names, bytes fps)


@cython.locals(name=object, e=object, out=list, fp=object, seg=object)
cpdef tuple read_fingerprints(object table, tuple names, dict written, dict known)


cpdef tuple pack(tuple names, tuple fps)


# (depcheck.py's _py_joined_fps and dict.get, in C)
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.dict cimport PyDict_GetItemWithError
from cpython.ref cimport PyObject
from libc.string cimport memcpy, memset

cdef object FP_SIZE


cdef inline bytes _joined_fps(tuple fps):
    cdef Py_ssize_t i, n = len(fps), size = FP_SIZE
    cdef object fp
    cdef bytes out = PyBytes_FromStringAndSize(NULL, size * n)
    cdef char *p = PyBytes_AS_STRING(out)
    for i in range(n):
        fp = fps[i]
        if fp is None:
            memset(p + size * i, 0, size)       # (UNDEFINED)
        elif type(fp) is bytes and PyBytes_GET_SIZE(fp) == size:
            memcpy(p + size * i, PyBytes_AS_STRING(fp), size)
        else:
            raise ValueError("a fingerprint is not %d bytes" % size)
    return out


cdef inline object _raw_get(object table, object name):
    cdef PyObject *v
    if not isinstance(table, dict):
        raise TypeError("a macro table is not a dict")
    v = PyDict_GetItemWithError(table, name)
    if v is NULL:
        return None
    return <object>v
