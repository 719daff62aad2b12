# Cython declarations augmenting expander.py (see engine/compiled.py): the expander,
# its contexts and arguments as extension types, and typed locals in the hot loop
# (get_token, collect_args, expand_arg, replace_args, paste_all...).  expander.py stays
# plain Python; nothing here changes what it does.
cimport cython
from macrotrace.engine.tokens cimport Token, padding
from macrotrace.engine.macros cimport MacroDef
from macrotrace.engine.printer cimport Printer
from macrotrace.engine.reader cimport Reader

# the token kinds and flags, read at every token: C values, not module lookups
cdef str CHAR, IDENT, EOF, MACRO_ARG, NUMBER, OTHER, PADDING, PUNCT, STRING
cdef long COUNTER_DIGITS, DIGRAPH, NO_EXPAND, PASTE_LEFT, PREV_WHITE, STRINGIFY
cdef dict DIGRAPHS
cdef Token AVOID_PASTE, ENDARG

# the names ever made a macro (define, define_pending, restore), a set of interned strings
# keyed by address (each held; at most a quarter full): get_token looks an interned name
# up in the macro table only when it is here; past MAX_NAMED names, or given a key that is not a str, the set
# stops answering "no" (every name is looked up again, as before)
cdef extern from *:
    """
    static PyObject **mt_named = NULL;
    static Py_ssize_t mt_named_mask = -1, mt_named_used = 0;
    static int mt_named_off = 0;

    /* (addresses of strings made one after another are close: multiplied, not masked
       alone, they do not fall in one run of full slots a missing name would walk) */
    static CYTHON_INLINE Py_ssize_t mt_named_at(PyObject *s) {
        unsigned long long h = (unsigned long long)(size_t)s * 0x9E3779B97F4A7C15ull;
        return (Py_ssize_t)((size_t)(h >> 32) & (size_t)mt_named_mask);
    }

    /* 1 when s may be a macro's name: always, unless s is an interned str never noted */
    static CYTHON_INLINE int mt_maybe_named(PyObject *s) {
        Py_ssize_t i;
        if (mt_named_off || !PyUnicode_CheckExact(s) || !PyUnicode_CHECK_INTERNED(s)) return 1;
        if (mt_named == NULL) return 0;
        for (i = mt_named_at(s); mt_named[i] != NULL; i = (i + 1) & mt_named_mask)
            if (mt_named[i] == s) return 1;
        return 0;
    }

    static int mt_note_named(PyObject *name, Py_ssize_t max_names) {
        Py_ssize_t i, k, size;
        PyObject **old;
        if (mt_named_off) return 0;
        if (!PyUnicode_CheckExact(name) || mt_named_used >= max_names) {
            mt_named_off = 1;               /* (the names stay held: a few MB at most) */
            return 0;
        }
        Py_INCREF(name);
        PyUnicode_InternInPlace(&name);     /* (the one interned string of this spelling) */
        if (mt_named != NULL) {
            for (i = mt_named_at(name); mt_named[i] != NULL; i = (i + 1) & mt_named_mask)
                if (mt_named[i] == name) { Py_DECREF(name); return 0; }
        }
        if (mt_named == NULL || 4 * (mt_named_used + 1) > mt_named_mask + 1) {
            size = mt_named == NULL ? 8192 : 4 * (mt_named_mask + 1);
            old = mt_named;
            mt_named = (PyObject **)PyMem_Calloc((size_t)size, sizeof(PyObject *));
            if (mt_named == NULL) { mt_named = old; Py_DECREF(name); PyErr_NoMemory(); return -1; }
            k = mt_named_mask + 1;
            mt_named_mask = size - 1;
            for (i = 0; old != NULL && i < k; i++) {
                PyObject *s = old[i];
                Py_ssize_t j;
                if (s == NULL) continue;
                for (j = mt_named_at(s); mt_named[j] != NULL; j = (j + 1) & mt_named_mask) ;
                mt_named[j] = s;
            }
            PyMem_Free(old);
        }
        for (i = mt_named_at(name); mt_named[i] != NULL; i = (i + 1) & mt_named_mask) ;
        mt_named[i] = name;
        mt_named_used++;
        return 0;
    }
    """
    bint _c_maybe_named "mt_maybe_named"(object name)
    int _c_note_named "mt_note_named"(object name, Py_ssize_t max_names) except -1

cdef bint _C_NAMED
cdef Py_ssize_t _MAX_NAMED


# (not tracked by the garbage collector: a context or an argument refers to token lists,
# a macro's name, line numbers and a trace's expansion id, none of which refers back)
@cython.final
@cython.no_gc
cdef class Context:
    cdef public list tokens
    cdef public Py_ssize_t pos
    cdef public object macro
    cdef public long line
    cdef public list lines
    cdef public object exp


@cython.final
@cython.no_gc
cdef class MacroArg:
    cdef public object tokens
    cdef public object lines
    cdef public object expanded
    cdef public object stringified
    cdef public bint omitted


cdef long VAOPT_INCLUDE, VAOPT_DROP, VAOPT_BEGIN, VAOPT_END


@cython.final
cdef class VaOpt:
    cdef public object expander
    cdef public bint variadic
    cdef public MacroArg arg
    cdef public long state
    cdef public long update_kind

    @cython.locals(arg=MacroArg, t=Token)
    cpdef long update(self, Token tok) except? -2


@cython.locals(last=Token)
cpdef _finish_arg(list args, list toks, list lines, long line)

@cython.locals(out=list, source=Token, backslashes=long, flags=long, t=Token, text=str)
cpdef Token stringify_arg(toks)

cpdef _spelled(Token tok)

@cython.locals(arg=MacroArg)
cpdef MacroArg new_arg(tokens, lines)

@cython.locals(ctx=Context)
cpdef Context new_context(tokens, macro, long line, lines, exp)


@cython.final
cdef class Expander:
    cdef public object macros
    cdef public object hooks
    cdef public object base
    cdef public Reader reader
    cdef public list contexts
    cdef public set disabled
    cdef public long prevent_expansion
    cdef public long parsing_args
    cdef public bint in_directive
    cdef public bint about_to_expand
    cdef public long invocation_line
    cdef public object invocation_token
    cdef public bint top_most_fun_like
    cdef public long cur_line
    cdef public object counter
    cdef public object recorder
    cdef public list diagnostics
    cdef public long expansions
    cdef public object max_expansions
    cdef public dict _paste_cache
    cdef public object lang
    cdef public long ignore_pragma
    cdef public long nesting
    cdef public set reads
    cdef public object written
    cdef public object used
    cdef public object _named_table

    @cython.locals(ctxs=list, top=Context)
    cpdef push_context(self, tokens, macro=*, long line=*, lines=*, exp=*)

    @cython.locals(ctxs=list, ctx=Context, top=Context)
    cpdef pop_context(self)

    @cython.locals(depth=Py_ssize_t, ctx=Context)
    cpdef backup(self)

    @cython.locals(saved_about=bint, ctxs=list, ctx=Context, pos=Py_ssize_t, tok=Token,
                   line=long, m=MacroDef, top=Context)
    cpdef Token get_token(self)

    @cython.locals(tok=Token, p=Printer, bounded=bint, cap=long)
    cpdef tuple pump(self, Reader sink, long count, limit)

    @cython.locals(out=list, tok=Token, kind=str)
    cpdef tuple read_to_operator(self)

    @cython.locals(tok=Token)
    cpdef Token get_token_no_padding(self)

    @cython.locals(m=MacroDef, tok=Token, line=long)
    cpdef enter_macro_context(self, m, tok, line, ctx=*)

    @cython.locals(tok=Token, pad=Token)
    cpdef funlike_invocation(self, MacroDef m, name_tok, exp)

    @cython.locals(nparams=Py_ssize_t, args=list, raw=list, spans=list, toks=list,
                   lines=list, depth=Py_ssize_t, start=Py_ssize_t, tok=Token, line=long,
                   kind=str, argc=Py_ssize_t, first=long)
    cpdef collect_args(self, MacroDef m, name_tok, open_tok, exp)

    @cython.locals(toks=list, lines=list, expanded=list, tok=Token)
    cpdef expand_arg(self, MacroArg arg)

    @cython.locals(body=list, in_directive=bint, prev_paste=bint, src=Token, arg=MacroArg,
                   buff=list, k=Py_ssize_t, last=Py_ssize_t, t=Token, want=long,
                   skip=Py_ssize_t, last_src=Token, vaopt=VaOpt, vs=long)
    cpdef replace_args(self, MacroDef m, list args, name_tok, exp)

    @cython.locals(body=list, t=Token)
    cpdef paste_body(self, MacroDef m, exp)

    @cython.locals(out=list, i=Py_ssize_t, n=Py_ssize_t, in_directive=bint, t=Token,
                   lhs0=Token, lhs=Token, rhs=Token, pasted=Token)
    cpdef paste_all(self, buff, exp, name_tok)

    @cython.locals(tok=Token)
    cpdef Token paste_tokens(self, Token lhs, Token rhs)
