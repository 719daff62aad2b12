# Cython declarations augmenting depcheck.py (see engine/compiled.py).
cimport cython


@cython.locals(i=Py_ssize_t, name=object, fp=object, e=object, efp=object, t=object)
cpdef bint fingerprints_match(object table, tuple names, tuple fps)
