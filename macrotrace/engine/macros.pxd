# Cython declarations augmenting macros.py (see engine/compiled.py): a macro
# definition as an extension type, read by the expander as C struct members.
cimport cython


@cython.final
cdef class MacroDef:
    cdef public object name
    cdef public object params
    cdef public bint variadic
    cdef public bint fun_like
    cdef public list body
    cdef public object site
    cdef public object conditions
    cdef public object builtin
    cdef public object spelling
    cdef public bint from_command_line
    cdef public object fp
