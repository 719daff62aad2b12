# Cython declarations augmenting defcode.py (see engine/compiled.py): a definition and
# its tokens read as C struct members (a cold kernel unit encodes ~16,000 definitions).
cimport cython
from macrotrace.engine.tokens cimport Token
from macrotrace.engine.macros cimport MacroDef

# (C globals: read without a lookup of the module's dictionary)
cdef object IDENT, NUMBER, PUNCT, STRING
cdef Py_ssize_t _FIELDS
cdef long long _LARGE


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


@cython.locals(site=object, spelling=object, blob=bytes)
cpdef bytes encode(MacroDef m, object conditions, object stored=*)


@cython.locals(t=Token, k=Py_ssize_t, texts=list, rare=object, wide=bint, f=object,
               spelled=object, home=object, site=object, out=bytearray, at=Py_ssize_t)
cdef bytes _marshalled(MacroDef m, object conditions)


@cython.locals(t=Token)
cdef Py_ssize_t _put_numbers(bytearray out, Py_ssize_t at, list body) except -1


cdef inline Py_ssize_t _put_token(bytearray out, Py_ssize_t at, Token t) except -1


@cython.locals(out=bytearray)
cdef bytearray _buffer(Py_ssize_t size)


@cython.locals(t=Token, params=object, body=list, name=str, start=Py_ssize_t,
               out=bytearray, at=Py_ssize_t, chars=Py_ssize_t, same=object, large=long,
               f=object, kind=str, end=Py_ssize_t, p=str, n_text=Py_ssize_t,
               stop=Py_ssize_t, flags=long, size=Py_ssize_t, begin=Py_ssize_t, k=Py_ssize_t)
cdef bytes _compact(MacroDef m, str home, long line, str spelling, bytes stored)


# the buffer's bytes written in C (plain Python: defcode.py's _py_put_text,
# _py_put_bytes, _py_bytes_of); the caller made room for them (_buffer)
from libc.string cimport memcpy
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    void *PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)


cdef inline Py_ssize_t _put_bytes(bytearray out, Py_ssize_t at, bytes data) except -1:
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    if at < 0 or at + n > PyByteArray_GET_SIZE(out):
        raise IndexError("no room in the buffer")
    memcpy(PyByteArray_AS_STRING(out) + at, PyBytes_AS_STRING(data), n)
    return at + n


cdef inline Py_ssize_t _put_text(bytearray out, Py_ssize_t at, str text) except -1:
    cdef Py_ssize_t n
    if text is None:
        raise TypeError("a definition's text is not a string")
    if PyUnicode_IS_ASCII(text):            # (its characters are its UTF-8)
        n = PyUnicode_GET_LENGTH(text)
        if at < 0 or at + n > PyByteArray_GET_SIZE(out):
            raise IndexError("no room in the buffer")
        memcpy(PyByteArray_AS_STRING(out) + at, PyUnicode_DATA(text), n)
        return at + n
    return _put_bytes(out, at, text.encode("utf-8", "surrogatepass"))


cdef inline bytes _bytes_of(bytearray out, Py_ssize_t begin, Py_ssize_t end):
    if begin < 0 or end < begin or end > PyByteArray_GET_SIZE(out):
        raise IndexError("outside the buffer")
    return PyBytes_FromStringAndSize(PyByteArray_AS_STRING(out) + begin, end - begin)


cdef inline Py_ssize_t _size(unsigned long long v) noexcept:
    cdef Py_ssize_t n = 1
    while v >= 0x80:
        v >>= 7
        n += 1
    return n


cdef inline Py_ssize_t _put(bytearray out, Py_ssize_t at, unsigned long long v) except -1:
    cdef unsigned char *p = <unsigned char *>PyByteArray_AS_STRING(out)
    cdef Py_ssize_t n = PyByteArray_GET_SIZE(out)
    while v >= 0x80:
        if at < 0 or at >= n:
            raise IndexError("no room in the buffer")
        p[at] = (v & 0x7F) | 0x80
        v >>= 7
        at += 1
    if at < 0 or at >= n:
        raise IndexError("no room in the buffer")
    p[at] = <unsigned char>v
    return at + 1


cdef Py_ssize_t _code(object kind) except -1


@cython.locals(m=MacroDef, defs=list, own=tuple, conds=object, blob=bytes, entry=tuple,
               own_rows=tuple, last=object, plain=dict)
cpdef tuple segment_defs(object table, object written, Py_ssize_t n_outer, dict rows,
                         dict known, object outer)


@cython.locals(entry=object)
cpdef object kept_row(dict rows, object c)


cpdef tuple decode(object blob)


@cython.locals(t=Token, i=Py_ssize_t, at=Py_ssize_t, n=Py_ssize_t, body=list)
cpdef list _tokens(object numbers, str texts, object home)
