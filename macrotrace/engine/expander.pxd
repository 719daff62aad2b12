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
