# Cython declarations augmenting counters.py (see engine/compiled.py).
cimport cython


# (counters.py's _py_joined_length in C: the parts are the printer's strings)
cdef inline Py_ssize_t _joined_length(list parts, Py_ssize_t start, Py_ssize_t end) except -1:
    cdef Py_ssize_t k, n = 0
    cdef object part
    if start < 0:
        raise IndexError("outside the parts")
    if end > len(parts):
        end = len(parts)
    for k in range(start, end):
        part = parts[k]
        if type(part) is not str:
            raise TypeError("a printed part is not a string")
        n += len(<str>part)
    return n
