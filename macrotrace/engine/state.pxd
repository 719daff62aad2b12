# Cython declarations augmenting state.py (see engine/compiled.py): the loop that takes
# a unit's macro table apart to store it (~16,000 entries a cold kernel unit).
cimport cython


@cython.locals(names=list, data=list, outer_of=list, fps=list, own=list, blobs=dict,
               outers=dict, stored=dict, initial=dict, segment_blobs=dict, last=Py_ssize_t,
               last_chain=object, name=object, m=object, t=object, outer=object, entry=object,
               seg=tuple, src=object, cached=object)
cpdef tuple _entries(object encoder, object macros)
