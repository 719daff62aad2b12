# Cython declarations augmenting macros.py (see engine/compiled.py): a macro
# definition as an extension type, read by the expander as C struct members.
cimport cython

# the token kinds and flags a definition's tokens are read with: C values, not module
# lookups (and flags tested on C integers, not int objects) a token of each body
cdef str IDENT, MACRO_ARG, PUNCT
cdef long DIGRAPH, PASTE_LEFT, PREV_WHITE, STRINGIFY
cdef dict DIGRAPHS


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


# a definition's replacement list built on C integers and the compiled Token (a kernel
# unit defines ~16,000 macros)
from macrotrace.engine.tokens cimport Token


@cython.locals(tok=Token, nxt=Token, arg=Token, last=Token, i=Py_ssize_t, n=Py_ssize_t,
               fun_like=bint, vaopt_depth=Py_ssize_t, vaopt_pending=bint, body=list, index=dict,
               op=str, first=Token)
cpdef list _build_body(raw, params, variadic, name_tok, bint asm=*)


@cython.locals(t=Token, k=Py_ssize_t, out=list, n=Py_ssize_t)
cpdef str spell_body(raw_body)


@cython.locals(tok=Token, n=Py_ssize_t, variadic=bint, expect_name=bint, params=list)
cpdef tuple _parse_params(tokens, Py_ssize_t i, name_tok)


@cython.locals(name_tok=Token, paren=Token, i=Py_ssize_t, m=MacroDef)
cpdef parse_define(tokens, site=*, bint asm=*)
