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


# (counters.py's _py_value_runs and _py_names_runs in C: a text is read once, a run's
# digits made a number where they stand; a chunk is up to a few hundred kilobytes and
# the names a segment looked up are thousands)
from cpython.unicode cimport PyUnicode_KIND, PyUnicode_DATA, PyUnicode_READ, PyUnicode_1BYTE_KIND


cdef inline Py_ssize_t _width(Py_ssize_t c1):
    """The digits of ``c1 - 1``: a run longer than this is no value."""
    cdef Py_ssize_t top = c1 - 1, width = 1
    while top >= 10:
        top //= 10
        width += 1
    return width


cdef inline int _scan(str text, Py_ssize_t c0, Py_ssize_t c1, Py_ssize_t width, list out,
                      Py_ssize_t j) except -1:
    """Append to ``out`` each run of digits of ``text`` that is a value: (offset, length,
    k), or (j, offset, length, k) when ``j >= 0``."""
    cdef Py_ssize_t n = len(text), i = 0, at, v
    cdef int kind = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    cdef const unsigned char *b = <const unsigned char *>data
    cdef unsigned int ch, first
    while i < n:
        if kind == PyUnicode_1BYTE_KIND:
            while i < n and <unsigned int>(b[i] - 48) > 9:
                i += 1
            if i >= n:
                break
        else:
            ch = <unsigned int>PyUnicode_READ(kind, data, i)
            if ch < 48 or ch > 57:
                i += 1
                continue
        at = i
        first = <unsigned int>PyUnicode_READ(kind, data, i)
        v = 0
        while i < n:
            ch = <unsigned int>PyUnicode_READ(kind, data, i)
            if ch < 48 or ch > 57:
                break
            if i - at < width:
                v = v * 10 + <Py_ssize_t>(ch - 48)
            i += 1
        if i - at <= width and (i - at == 1 or first != 48) and c0 <= v < c1:
            if j < 0:
                out.append((at, i - at, v - c0))
            else:
                out.append((j, at, i - at, v - c0))
    return 0


cdef inline list _value_runs(str text, Py_ssize_t c0, Py_ssize_t c1):
    cdef list out = []
    if c0 < 0 or c1 <= c0:
        raise ValueError("no values")
    _scan(text, c0, c1, _width(c1), out, -1)
    return out


cdef inline list _names_runs(object names, Py_ssize_t c0, Py_ssize_t c1):
    cdef tuple t = names if type(names) is tuple else tuple(names)
    cdef Py_ssize_t j, width = _width(c1)
    cdef object name
    cdef list out = []
    if c0 < 0 or c1 <= c0:
        raise ValueError("no values")
    for j in range(len(t)):
        name = t[j]
        if type(name) is not str:
            raise TypeError("a name is not a string")
        _scan(<str>name, c0, c1, width, out, j)
    return out
