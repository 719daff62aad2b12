# Cython declarations augmenting defcode.py (see engine/compiled.py): a definition's
# tokens read as C struct members (a cold kernel unit encodes ~16,000 definitions).
cimport cython
from macrotrace.engine.tokens cimport Token


cpdef object fingerprint(object m)


@cython.locals(t=Token, k=Py_ssize_t, texts=list, numbers=list, rare=object, kind=object,
               text=object, f=object, home=object, spelled=object, line=long, col=long,
               wide=bint)
cpdef bytes encode(object m, object conditions)


@cython.locals(t=Token, i=Py_ssize_t, at=Py_ssize_t, n=Py_ssize_t, body=list)
cpdef tuple decode(object blob)
