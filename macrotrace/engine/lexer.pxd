# Cython declarations augmenting lexer.py (see engine/compiled.py): lex_span's loop
# with C integers for positions, lines and flags, its scanner on C characters
# (Py_UCS4), and the Token it makes as the compiled extension type.  lexer.py stays
# plain Python.
cimport cython
from macrotrace.engine.tokens cimport Token, new_token

cdef long BOL, DIGRAPH, DIRECTIVE, INDENTED, PREV_WHITE, UNTERMINATED
cdef dict _DOUBLED, _WITH_EQ


@cython.locals(line_start=Py_ssize_t, last_line=Py_ssize_t, n_splices=Py_ssize_t,
               next_splice=Py_ssize_t, flags=long, gi=Py_ssize_t, hash_line=bint, in_dir=bint,
               hash_at=Py_ssize_t, marking=bint, col=Py_ssize_t, tok=Token, k=Py_ssize_t,
               end=Py_ssize_t, newlines=Py_ssize_t, NL=Py_ssize_t, PUNCT_=Py_ssize_t,
               OPEN_LITERAL=Py_ssize_t, OPEN_BLOCK=Py_ssize_t, LINE_COMMENT=Py_ssize_t,
               RAW=Py_ssize_t, OPEN_RAW=Py_ssize_t,
               IDENT2=Py_ssize_t, line=Py_ssize_t, sp=Py_ssize_t, start=Py_ssize_t, value=str, last=Py_ssize_t,
               n=Py_ssize_t, pos=Py_ssize_t, ws=Py_ssize_t, end_line=Py_ssize_t, c=Py_UCS4, quote=Py_UCS4,
               fast=bint, dollars=bint, exp_p=bint, IDENT_=Py_ssize_t, NUMBER_=Py_ssize_t,
               STRING_=Py_ssize_t, CHAR_=Py_ssize_t, BLOCK_=Py_ssize_t, names=dict, known=str,
               digraphs=bint, scope=bint, scanned=bint, hash_tok=Token, name_tok=Token)
cpdef Py_ssize_t lex_span(str text, splices, spliced, start, line, sp, filename, lang, list tokens, list diags,
                          directive_ends=*, directives=*, unterminated=*, line_starts=*,
                          bint chunk=*, stop=*, list where=*) except? -1


@cython.locals(n=Py_ssize_t, k=Py_ssize_t, j=Py_ssize_t)
cpdef bint _blank_splice(str text) except -1


@cython.locals(n=Py_ssize_t, k=Py_ssize_t, c=Py_UCS4)
cpdef Py_ssize_t next_event(str text, Py_ssize_t pos, bint digraphs, bint raw) except? -2


@cython.locals(n=Py_ssize_t, k=Py_ssize_t, end=Py_ssize_t, c=Py_UCS4)
cpdef tuple line_opening(str text, Py_ssize_t pos, bint digraphs, bint dollars)


@cython.locals(c=Py_UCS4, end=Py_ssize_t)
cdef Py_ssize_t _past_blanks(str text, Py_ssize_t pos, Py_ssize_t n)


@cython.locals(c=Py_UCS4, d=Py_UCS4)
cpdef str punctuator(str text, Py_ssize_t pos, Py_ssize_t n, bint digraphs, bint scope)


@cython.locals(c=Py_UCS4, k=Py_ssize_t)
cpdef bint _pp_number(str s, Py_ssize_t n, lang)


@cython.locals(c=Py_UCS4)
cdef inline Py_ssize_t blanks_end(str text, Py_ssize_t k, Py_ssize_t n)


@cython.locals(c=Py_UCS4)
cdef inline Py_ssize_t name_end(str text, Py_ssize_t k, Py_ssize_t n, bint dollars)


@cython.locals(c=Py_UCS4)
cdef inline Py_ssize_t number_end(str text, Py_ssize_t k, Py_ssize_t n, bint dollars, bint exp_p)
