# Cython declarations augmenting depcheck.py (see engine/compiled.py).
cimport cython


@cython.locals(at=Py_ssize_t, name=object, e=object, efp=object, t=object)
cpdef bint fingerprints_match(object table, str names, bytes fps)


@cython.locals(name=object, e=object, out=list, fp=object, seg=object)
cpdef tuple read_fingerprints(object table, tuple names, dict written, dict known)


@cython.locals(fp=object, out=list)
cpdef tuple pack(tuple names, tuple fps)
