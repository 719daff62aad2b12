"""Macro definitions: parsing a ``#define`` line into a replacement list.

The replacement list is stored the way gcc stores it, because the expander follows
gcc's algorithm: parameters become MACRO_ARG tokens (with STRINGIFY when they are the
operand of ``#``), the ``#`` and ``##`` operators disappear, and the left operand of a
``##`` carries PASTE_LEFT.  ``__VA_OPT__`` stays in the list; the expander tracks it.
"""

from .tokens import DIGRAPH, DIGRAPHS, IDENT, MACRO_ARG, PASTE_LEFT, PREV_WHITE, PUNCT, STRINGIFY, Token


class DefinitionError(Exception):
    """A malformed #define; ``token`` is where gcc would point."""

    def __init__(self, message, token=None):
        super().__init__(message)
        self.message = message
        self.token = token


class MacroDef:
    """One macro definition, user-written or builtin.

    ``site`` is (file, line) of the definition; ``conditions`` is the chain of
    ``#if``-family decisions that made this definition the active one (filled in by the
    directive processor, read by the trace).  ``builtin`` names the dynamic builtins
    (``__LINE__``...); their ``body`` is empty.
    """

    __slots__ = ("name", "params", "variadic", "fun_like", "body", "site", "conditions",
                 "builtin", "spelling", "from_command_line", "fp")

    def __init__(self, name, params=None, variadic=False, body=(), site=None, builtin=None,
                 spelling=""):
        self.name = name
        self.params = params or []
        self.variadic = variadic
        self.fun_like = params is not None
        self.body = list(body)
        self.site = site
        self.conditions = ()
        self.builtin = builtin
        self.spelling = spelling
        self.from_command_line = False
        self.fp = None             # segments.fingerprint, computed when first needed

    @property
    def signature(self):
        if not self.fun_like:
            return self.name
        params = list(self.params)
        if self.variadic:
            params[-1] = "..." if params[-1] == "__VA_ARGS__" else params[-1] + "..."
        return "%s(%s)" % (self.name, ", ".join(params))

    def definition_text(self):
        """The definition as ``#define`` would show it (normalised white space)."""
        return ("%s %s" % (self.signature, self.spelling)).rstrip()

    def same_as(self, other):
        """gcc's redefinition rule: same parameters, same tokens, same white space."""
        if (self.fun_like, self.variadic, self.params) != (other.fun_like, other.variadic, other.params):
            return False
        if len(self.body) != len(other.body):
            return False
        for a, b in zip(self.body, other.body):
            if a.kind is not b.kind or a.text != b.text or a.argno != b.argno:
                return False
            if (a.flags ^ b.flags) & (PREV_WHITE | PASTE_LEFT | STRINGIFY):
                return False
        return True

    def __repr__(self):
        return "MacroDef(%s)" % self.definition_text()


def _parse_params(tokens, i, name_tok):
    """Parse ``(a, b, c...)`` starting after the '('.  Returns (params, variadic, next_i)."""
    params = []
    variadic = False
    n = len(tokens)
    expect_name = True
    while True:
        if i >= n:
            raise DefinitionError("missing ')' in macro parameter list", name_tok)
        tok = tokens[i]
        if tok.is_op(")") and (not params or not expect_name or variadic):
            if expect_name and params and not variadic:
                raise DefinitionError("parameter name missing", tok)
            return params, variadic, i + 1
        if variadic:
            raise DefinitionError("missing ')' in macro parameter list", tok)
        if expect_name:
            if tok.kind is IDENT:
                # __VA_ARGS__ as a named parameter: gcc only warns (a pedwarn)
                if tok.text in params:
                    raise DefinitionError('duplicate macro parameter "%s"' % tok.text, tok)
                params.append(tok.text)
                expect_name = False
                i += 1
                if i < n and tokens[i].is_op("..."):
                    variadic = True
                    i += 1
                continue
            if tok.is_op("..."):
                if "__VA_ARGS__" in params:
                    raise DefinitionError('duplicate macro parameter "__VA_ARGS__"', tok)
                params.append("__VA_ARGS__")
                variadic = True
                i += 1
                continue
            if tok.is_op(")") and not params:
                return params, variadic, i + 1
            raise DefinitionError('expected parameter name, found "%s"' % tok.text, tok)
        if tok.is_op(","):
            expect_name = True
            i += 1
            continue
        raise DefinitionError('expected \',\' or \')\', found "%s"' % tok.text, tok)


def parse_define(tokens, site=None, asm=False):
    """Build a MacroDef from the tokens after ``#define`` (the directive name excluded).
    In assembler (``asm``) a ``#`` that no parameter follows is an ordinary token."""
    if not tokens:
        raise DefinitionError("no macro name given in #define directive")
    name_tok = tokens[0]
    if name_tok.kind is not IDENT:
        raise DefinitionError("macro names must be identifiers", name_tok)
    if name_tok.text == "defined":
        raise DefinitionError('"defined" cannot be used as a macro name', name_tok)
    i = 1
    params = None
    variadic = False
    if len(tokens) > 1:
        paren = tokens[1]
        if paren.is_op("(") and not paren.flags & PREV_WHITE:
            params, variadic, i = _parse_params(tokens, 2, name_tok)
    raw_body = tokens[i:]
    # (MacroDef(name, params, variadic, body, site, spelling=...) without the type call
    # and its copy of the body: ~16,000 definitions a kernel unit)
    m = MacroDef.__new__(MacroDef)
    m.name = name_tok.text
    m.params = params if params is not None else []
    m.variadic = variadic
    m.fun_like = params is not None
    m.body = _build_body(raw_body, params, variadic, name_tok, asm)
    m.site = site or (name_tok.file, name_tok.line)
    m.conditions = ()
    m.builtin = None
    m.spelling = spell_body(raw_body)
    m.from_command_line = False
    m.fp = None
    return m


def spell_body(raw_body):
    n = len(raw_body)
    if n < 2:               # (no body, or one token: most definitions, no list to join)
        return raw_body[0].text if n else ""
    out = []
    for k, t in enumerate(raw_body):
        if k and t.flags & PREV_WHITE:
            out.append(" ")
        out.append(t.text)
    return "".join(out)


def _build_body(raw, params, variadic, name_tok, asm=False):
    body = []
    fun_like = params is not None
    index = {p: k for k, p in enumerate(params or ())}
    n = len(raw)
    i = 0
    vaopt_depth = 0      # paren depth inside __VA_OPT__(...), 0 when outside
    vaopt_pending = False
    while i < n:
        tok = raw[i]
        op = None                   # (one look a token, not five)
        if tok.kind is PUNCT:
            op = DIGRAPHS[tok.text] if tok.flags & DIGRAPH else tok.text
        if fun_like and op == "#":
            nxt = raw[i + 1] if i + 1 < n else None
            if nxt is None or nxt.kind is not IDENT or nxt.text not in index:
                if asm:             # gcc: "Let assembler get away with murder"
                    body.append(tok)
                    i += 1
                    continue
                raise DefinitionError("'#' is not followed by a macro parameter", tok)
            arg = Token(MACRO_ARG, nxt.text, STRINGIFY | (tok.flags & PREV_WHITE), nxt.line, nxt.col, nxt.file)
            arg.argno = index[nxt.text]
            body.append(arg)
            i += 2
            continue
        if op == "##":
            if not body or i + 1 >= n:
                raise DefinitionError("'##' cannot appear at either end of a macro expansion", tok)
            if vaopt_pending or (vaopt_depth == 1 and body[-1].is_op("(") and body[-2].text == "__VA_OPT__"):
                raise DefinitionError("'##' cannot appear at either end of __VA_OPT__", tok)
            if vaopt_depth and i + 1 < n and raw[i + 1].is_op(")") and vaopt_depth == 1:
                raise DefinitionError("'##' cannot appear at either end of __VA_OPT__", tok)
            last = body[-1]
            body[-1] = last.copy(last.flags | PASTE_LEFT)
            i += 1
            continue
        if tok.kind is IDENT and fun_like and tok.text in index:
            arg = Token(MACRO_ARG, tok.text, tok.flags, tok.line, tok.col, tok.file)
            arg.argno = index[tok.text]
            body.append(arg)
            i += 1
            continue
        if variadic and tok.kind is IDENT and tok.text == "__VA_OPT__":
            if vaopt_depth or vaopt_pending:
                raise DefinitionError("__VA_OPT__ may not appear in a __VA_OPT__", tok)
            vaopt_pending = True
        elif vaopt_pending:
            if op != "(":
                raise DefinitionError("__VA_OPT__ must be followed by an open parenthesis", tok)
            vaopt_pending = False
            vaopt_depth = 1
        elif vaopt_depth:
            if op == "(":
                vaopt_depth += 1
            elif op == ")":
                vaopt_depth -= 1
        body.append(tok)
        i += 1
    if vaopt_pending or vaopt_depth:
        raise DefinitionError("unterminated __VA_OPT__", name_tok)
    if body:
        first = body[0]
        if first.flags & PREV_WHITE:
            body[0] = first.copy(first.flags & ~PREV_WHITE)
    return body

