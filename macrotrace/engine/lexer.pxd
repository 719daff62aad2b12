# Cython declarations augmenting lexer.py (see engine/compiled.py): lex_span's loop
# with C integers for positions, lines and flags, its scanner on C characters
# (Py_UCS4), and the Token it makes as the compiled extension type.  lexer.py stays
# plain Python.
cimport cython
from macrotrace.engine.tokens cimport Token, new_token

cdef long BOL, DIGRAPH, DIRECTIVE, INDENTED, PREV_WHITE, UNTERMINATED
cdef str IDENT       # (the kind tested at every token: a C value)
cdef dict DIGRAPHS
cdef dict _DOUBLED, _WITH_EQ

# the identifier table (see lexer.py's name_at): open addressing on C pointers, FNV-1a
# of the name's characters where they stand in the text, at most half full (grown 4x),
# emptied past max_names; each slot holds a reference to an interned string
cdef extern from *:
    """
    static PyObject **mt_names = NULL;
    static Py_ssize_t mt_names_mask = -1, mt_names_used = 0;

    static Py_uhash_t mt_name_hash(int kind, const void *data, Py_ssize_t start, Py_ssize_t end) {
        Py_uhash_t h = 2166136261u;
        Py_ssize_t k;
        if (kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *p = (const Py_UCS1 *)data;
            for (k = start; k < end; k++) h = (h ^ p[k]) * 16777619u;
        } else {
            for (k = start; k < end; k++) h = (h ^ PyUnicode_READ(kind, data, k)) * 16777619u;
        }
        return h;
    }

    /* the slot for a new name of hash h (one is free: the table is at most half full) */
    static Py_ssize_t mt_name_slot(Py_uhash_t h) {
        Py_ssize_t i = (Py_ssize_t)(h & (Py_uhash_t)mt_names_mask);
        while (mt_names[i] != NULL) i = (i + 1) & mt_names_mask;
        return i;
    }

    /* size empty slots (a power of two); the names kept are put back, or dropped */
    static int mt_names_resize(Py_ssize_t size, int keep) {
        PyObject **old = mt_names;
        Py_ssize_t old_size = mt_names_mask + 1, k;
        mt_names = (PyObject **)PyMem_Calloc((size_t)size, sizeof(PyObject *));
        if (mt_names == NULL) { mt_names = old; PyErr_NoMemory(); return -1; }
        mt_names_mask = size - 1;
        if (!keep) mt_names_used = 0;
        for (k = 0; k < old_size; k++) {
            PyObject *s = old[k];
            if (s == NULL) continue;
            if (keep) {
                mt_names[mt_name_slot(mt_name_hash(PyUnicode_KIND(s), PyUnicode_DATA(s), 0,
                                                   PyUnicode_GET_LENGTH(s)))] = s;
            } else {
                Py_DECREF(s);
            }
        }
        PyMem_Free(old);
        return 0;
    }

    /* text[start:end], one interned string per spelling (a new reference) */
    static PyObject *mt_name_at(PyObject *text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t max_names) {
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t n = end - start, i, k;
        Py_uhash_t h;
        PyObject *s;
        if (mt_names == NULL && mt_names_resize(4096, 0) < 0) return NULL;
        h = mt_name_hash(kind, data, start, end);
        for (i = (Py_ssize_t)(h & (Py_uhash_t)mt_names_mask); (s = mt_names[i]) != NULL;
             i = (i + 1) & mt_names_mask) {
            if (PyUnicode_GET_LENGTH(s) != n) continue;
            if (kind == PyUnicode_1BYTE_KIND && PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND) {
                if (memcmp(PyUnicode_1BYTE_DATA(s), (const Py_UCS1 *)data + start, (size_t)n) != 0) continue;
            } else {
                for (k = 0; k < n; k++)
                    if (PyUnicode_READ(kind, data, start + k) != PyUnicode_READ_CHAR(s, k)) break;
                if (k < n) continue;
            }
            Py_INCREF(s);
            return s;
        }
        s = PyUnicode_Substring(text, start, end);
        if (s == NULL) return NULL;
        PyUnicode_InternInPlace(&s);
        if (mt_names_used >= max_names || 2 * (mt_names_used + 1) > mt_names_mask + 1) {
            if (mt_names_used >= max_names ? mt_names_resize(4096, 0) < 0
                                           : mt_names_resize(4 * (mt_names_mask + 1), 1) < 0) {
                Py_DECREF(s);
                return NULL;
            }
            i = mt_name_slot(h);
        }
        Py_INCREF(s);
        mt_names[i] = s;
        mt_names_used++;
        return s;
    }

    static Py_ssize_t mt_names_count(void) { return mt_names_used; }

    /* the scanner's loops (lexer.py's blanks_end, name_end, number_end) on the text's
       characters: a 1-byte text (nearly every source file) read as bytes */
    #define MT_CHAR(kind, data, k) ((kind) == PyUnicode_1BYTE_KIND ? \
        (Py_UCS4)((const Py_UCS1 *)(data))[k] : PyUnicode_READ(kind, data, k))
    #define MT_ALNUM(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9'))

    static Py_ssize_t mt_blanks_end(PyObject *text, Py_ssize_t k, Py_ssize_t n) {
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        for (; k < n; k++) {
            Py_UCS4 c = MT_CHAR(kind, data, k);
            if (c != ' ' && c != '\t' && c != '\f' && c != '\v') break;
        }
        return k;
    }

    static Py_ssize_t mt_name_end(PyObject *text, Py_ssize_t k, Py_ssize_t n, int dollars) {
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        for (; k < n; k++) {
            Py_UCS4 c = MT_CHAR(kind, data, k);
            if (!(MT_ALNUM(c) || c == '_' || (c == '$' && dollars))) break;
        }
        return k;
    }

    static Py_ssize_t mt_number_end(PyObject *text, Py_ssize_t k, Py_ssize_t n, int dollars, int exp_p) {
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        while (k < n) {
            Py_UCS4 c = MT_CHAR(kind, data, k), d;
            if ((c == 'e' || c == 'E' || (exp_p && (c == 'p' || c == 'P'))) && k + 1 < n
                    && ((d = MT_CHAR(kind, data, k + 1)) == '+' || d == '-'))
                k += 2;
            else if (MT_ALNUM(c) || c == '_' || c == '.' || (c == '$' && dollars))
                k++;
            else
                break;
        }
        return k;
    }
    """
    str _c_name_at "mt_name_at"(str text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t max_names)
    Py_ssize_t _c_names_count "mt_names_count"()
    Py_ssize_t _c_blanks_end "mt_blanks_end"(str text, Py_ssize_t k, Py_ssize_t n)
    Py_ssize_t _c_name_end "mt_name_end"(str text, Py_ssize_t k, Py_ssize_t n, bint dollars)
    Py_ssize_t _c_number_end "mt_number_end"(str text, Py_ssize_t k, Py_ssize_t n, bint dollars, bint exp_p)

cdef bint _C_HELPERS
cdef Py_ssize_t _MAX_NAMES

cpdef str name_at(str text, Py_ssize_t start, Py_ssize_t end)


@cython.locals(line_start=Py_ssize_t, last_line=Py_ssize_t, n_splices=Py_ssize_t,
               next_splice=Py_ssize_t, flags=long, gi=Py_ssize_t, hash_line=bint, in_dir=bint,
               hash_at=Py_ssize_t, marking=bint, col=Py_ssize_t, tok=Token, k=Py_ssize_t,
               end=Py_ssize_t, newlines=Py_ssize_t, NL=Py_ssize_t, PUNCT_=Py_ssize_t,
               OPEN_LITERAL=Py_ssize_t, OPEN_BLOCK=Py_ssize_t, LINE_COMMENT=Py_ssize_t,
               RAW=Py_ssize_t, OPEN_RAW=Py_ssize_t,
               IDENT2=Py_ssize_t, line=Py_ssize_t, sp=Py_ssize_t, start=Py_ssize_t, value=str, last=Py_ssize_t,
               n=Py_ssize_t, pos=Py_ssize_t, ws=Py_ssize_t, end_line=Py_ssize_t, c=Py_UCS4, quote=Py_UCS4,
               fast=bint, dollars=bint, exp_p=bint, IDENT_=Py_ssize_t, NUMBER_=Py_ssize_t,
               STRING_=Py_ssize_t, CHAR_=Py_ssize_t, BLOCK_=Py_ssize_t,
               digraphs=bint, scope=bint, scanned=bint, hash_tok=Token, name_tok=Token, at=Py_ssize_t)
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
