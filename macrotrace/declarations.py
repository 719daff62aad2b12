"""What an expansion declares: parsing a traced invocation's final text as C.

The kernel's expansions are GNU C, which pycparser does not read: ``gnu_c.py`` rewrites
each declaration into the C pycparser reads (attributes and asm labels taken out and
recorded, ``typeof`` and statement expressions held by placeholders), top-level
``asm("...")`` blocks are followed by ``asm_entries.py`` (the PREL32 initcall entries,
the export table: the labels they define, their sections, the relocations they emit),
and ``_Static_assert`` is recorded as such. Type names pycparser does not know
(``initcall_t``) are declared as typedefs until the text parses.

A text that declares nothing says what it is instead, in words: "an expression, not a
declaration", "a statement, not a declaration", "an initializer, not a declaration".
"""

import re

from pycparser import c_ast, c_generator, c_parser
from pycparser.c_parser import ParseError

from .asm_entries import asm_labels, data_type, relative_target
from .engine.lexer import lex
from .engine.printer import render
from .gnu_c import ASM, ASM_QUALIFIERS, Rewrite, balanced
from .trace.model import Declaration

_GEN = c_generator.CGenerator()
_STATEMENT_WORDS = {"do", "if", "while", "for", "return", "switch", "goto", "break", "continue"}


def _unescape(literal):
    """The characters of a C string literal token (prefix and quotes removed)."""
    body = literal[literal.index('"') + 1:-1]
    return body.encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")


def _strings(tokens):
    return "".join(_unescape(t.text) for t in tokens if t.kind == "string")


def split_items(tokens):
    """Top-level declarations: split at ';' outside brackets, and after a function body."""
    items, cur, depth = [], [], 0
    for k, t in enumerate(tokens):
        cur.append(t)
        if t.kind != "punct":
            continue
        op = t.op
        if op in "([{":
            depth += 1
        elif op in ")]}":
            depth -= 1
            if op == "}" and depth == 0 and cur and cur[0].text not in ("typedef", "struct", "union", "enum") \
                    and not (k + 1 < len(tokens) and tokens[k + 1].is_op(";")) and "=" not in [x.text for x in cur]:
                items.append(cur)
                cur = []
        elif op == ";" and depth == 0:
            items.append(cur)
            cur = []
    if [t for t in cur if not t.is_op(";")]:
        items.append(cur)
    return [[t for t in item if not (t.is_op(";") and t is item[-1])] for item in items if item]


_PARSER = None
_TYPEDEFS = []      # names a parse needed as invented typedefs (most come back every time)
NOT_A_DECLARATION = "not a declaration"
EXPRESSION = "an expression, not a declaration"
STATEMENT = "a statement, not a declaration"
INITIALIZER = "an initializer, not a declaration"


def _parse(text, typedefs=()):
    """pycparser AST of ``text`` and how many typedefs were put before it, inventing
    typedefs for unknown type names.

    One parser serves every call (building one cost more than most parses), and the
    names earlier texts needed as types are offered first when this text uses them,
    which spares the failed attempt that would find them again."""
    global _PARSER
    if _PARSER is None:
        _PARSER = c_parser.CParser()
    parser = _PARSER
    words = set(re.findall(r"[A-Za-z_]\w*", text))
    typedefs = list(typedefs) + [n for n in _cast_types(text) if n not in typedefs]
    known = [n for n in _TYPEDEFS if n in words and n not in typedefs]
    try:
        return _parse_with(parser, text, list(typedefs) + known)
    except ParseError:
        if not known:
            raise
    return _parse_with(parser, text, list(typedefs))


def _parse_with(parser, text, typedefs):
    typedefs = list(typedefs)
    for _ in range(16):
        src = "".join("typedef int %s;\n" % n for n in typedefs) + text
        try:
            return parser.parse(src, filename="<expansion>"), len(typedefs)
        except ParseError as e:
            word_text = _unknown_type_name(src, str(e))
            if not word_text or word_text in typedefs:
                raise
            typedefs.append(word_text)
            if word_text not in _TYPEDEFS and len(_TYPEDEFS) < 1000:
                _TYPEDEFS.append(word_text)
    raise ParseError("could not parse")


# "(NAME) x", "(NAME *)": NAME can only be a type there (a cast or a compound literal)
_CAST = re.compile(r"\(\s*([A-Za-z_]\w*)\s*(?:\)\s*(?=[A-Za-z_0-9{~!\"'])|\*[\s*]*\))")


def _cast_types(text):
    return list(dict.fromkeys(n for n in _CAST.findall(text) if n not in _C_WORDS))


def _unknown_type_name(src, message):
    """The name at (or just before) a parse error's position: likely a type name."""
    m = re.match(r".*?:(\d+):(\d+):", message)
    if not m:
        # no position: a cast or compound literal of an unknown type, "(T) {" / "(T *)"
        casts = re.findall(r"\(\s*([A-Za-z_]\w*)\s*(?:\*[\s*]*)?\)", src)
        return next((c for c in casts if c not in _C_WORDS and "typedef int %s;" % c not in src), None)
    line, col = int(m.group(1)), int(m.group(2))
    lines = src.splitlines()
    line_text = lines[line - 1] if line - 1 < len(lines) else ""
    word = re.match(r"[A-Za-z_]\w*", line_text[col - 1:])
    if word is not None and word.group() not in _C_WORDS:
        return word.group()
    prev = [w for w in re.findall(r"[A-Za-z_]\w*", line_text[:col - 1]) if w not in _C_WORDS]
    return prev[-1] if prev else None


_C_WORDS = set("""auto break case char const continue default do double else enum extern float for
goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Bool _Complex _Alignas _Alignof _Atomic _Noreturn
_Static_assert _Thread_local typedef""".split())


def _attr_text(name, args):
    return name if not args else "%s(%s)" % (name, render(args))


def _asm_entries(tokens):
    """Rows for a top-level ``asm("...")``: one per label it defines."""
    j = 1
    while j < len(tokens) and tokens[j].kind == "ident" and tokens[j].text in ASM_QUALIFIERS:
        j += 1
    text = _strings(tokens[j:])
    rows = []
    for label, section, data in asm_labels(text) or [("", None, [])]:
        target = relative_target(data)
        rows.append(Declaration(name=label, kind="asm entry", type=data_type(data),
                                storage=["local label"] if label else [], attributes=[], section=section,
                                initializer=("%s - ." % target) if target else None,
                                relocation=("R_X86_64_PC32 against %s" % target) if target else None,
                                asm=text.strip()))
    return rows


def _is_asm(item):
    if item[0].kind != "ident" or item[0].text not in ASM:
        return False
    j = 1
    while j < len(item) and item[j].kind == "ident" and item[j].text in ASM_QUALIFIERS:
        j += 1
    return j < len(item) and item[j].is_op("(") and balanced(item, j) == len(item)


def _nothing(note):
    return Declaration(name="", kind=NOT_A_DECLARATION, type="", storage=[], attributes=[], note=note)


def _unread(item):
    """A row for text that is neither declarations nor a statement, saying where."""
    return Declaration(name="", kind="unparsed", type="", storage=[], attributes=[],
                       note="macrotrace could not read %s as C declarations" % _quote(item))


def _quote(item):
    text = render(item)
    return "`%s`" % (text if len(text) <= 60 else text[:57] + "...")


def _what_it_is(item):
    """EXPRESSION, STATEMENT or INITIALIZER when the tokens read as one, else None."""
    first = item[0]
    if first.kind == "ident" and first.text in _STATEMENT_WORDS:
        return STATEMENT
    rewrite = Rewrite(item)
    text = render(rewrite.tokens)
    ast = _parses("void __macrotrace_f(void) { %s; }" % text, rewrite.typedefs)
    if ast is not None:
        body = ast.ext[-1].body.block_items or []
        if len(body) == 1 and not isinstance(body[0], _STATEMENTS):
            return EXPRESSION
        if body and not any(isinstance(b, c_ast.Decl) for b in body):
            return STATEMENT
    if first.is_op("{") and _parses("int __macrotrace_v = %s;" % text, rewrite.typedefs) is not None:
        return INITIALIZER
    return None


_STATEMENTS = (c_ast.Decl, c_ast.Compound, c_ast.If, c_ast.For, c_ast.While, c_ast.DoWhile, c_ast.Switch,
               c_ast.Return, c_ast.Goto, c_ast.Label, c_ast.Break, c_ast.Continue)


def _parses(text, typedefs):
    try:
        return _parse(text, typedefs)[0]
    except ParseError:
        return None


def _declared(item):
    """The rows for one declaration item, or None when it does not parse as one."""
    rewrite = Rewrite(item)
    plain_tokens, attrs = rewrite.tokens, rewrite.attributes
    if not plain_tokens:
        return []
    try:
        ast, invented = _parse(render(plain_tokens) + ";", rewrite.typedefs)
    except ParseError:
        return None
    section = alias = copy = None
    for name, args in attrs:
        if name == "section":
            section = _strings(args)
        elif name == "alias":
            alias = _strings(args)
        elif name == "copy":
            copy = render(args)
    attr_texts = [_attr_text(n, a) for n, a in attrs if n != "asm_label"]
    rows = []
    for ext in ast.ext[invented:]:
        if isinstance(ext, c_ast.FuncDef):
            d = ext.decl
            kind = "function definition"
        elif isinstance(ext, c_ast.Decl):
            d = ext
            kind = "function" if isinstance(d.type, c_ast.FuncDecl) else "variable"
            if d.name is None:
                kind = "type"
        elif isinstance(ext, c_ast.Typedef):
            d = ext
            kind = "typedef"
        elif isinstance(ext, c_ast.StaticAssert):
            rows.append(Declaration(name="", kind="static_assert", type="", storage=[], attributes=[],
                                    initializer=rewrite.restore(_GEN.visit(ext.cond))))
            continue
        else:
            continue
        if kind == "type":
            type_text = _GEN.visit(d.type)
            rows.append(Declaration(name=getattr(d.type, "name", None) or "", kind="type",
                                    type=rewrite.restore(_one_line(type_text.split("{")[0])),
                                    storage=[], attributes=attr_texts))
            continue
        if alias:
            kind = "alias"
        type_text = _GEN.visit(d.type) if not isinstance(d.type, c_ast.FuncDecl) else \
            _GEN.visit(c_ast.Decl(None, [], [], [], [], d.type, None, None))
        init = _GEN.visit(d.init) if getattr(d, "init", None) is not None else None
        rows.append(Declaration(name=d.name or "", kind=kind, type=rewrite.restore(_one_line(type_text)),
                                storage=list(getattr(d, "storage", [])) + list(getattr(d, "funcspec", None) or []),
                                attributes=attr_texts, section=section, initializer=rewrite.restore(init),
                                alias_of=alias, copy_of=copy,
                                used="used" in [n for n, _ in attrs]))
    return rows


def _one_line(text):
    """A type as pycparser's generator prints it (struct members on lines), on one line."""
    return re.sub(r"\s+", " ", text).strip()


def _item_rows(item):
    head = item[0]
    if _is_asm(item):
        return _asm_entries(item)
    if head.kind == "ident" and head.text in ("_Static_assert", "static_assert") and len(item) > 2:
        return [Declaration(name="", kind="static_assert", type="", storage=[], attributes=[],
                            initializer=render(item[2:-1]))]
    if not (head.is_op("(") or head.is_op("{") or head.text in _STATEMENT_WORDS):
        rows = _declared(item)
        if rows is not None:
            return rows
    what = _what_it_is(item)
    return [_nothing(what)] if what else [_unread(item)]


def declarations(result_text):
    """The declarations in an expansion's final text, as a list of Declaration. Text
    that declares nothing gives one row of kind "not a declaration" saying what it is
    (an expression, a statement); text that cannot be read, a row of kind "unparsed"."""
    tokens, _ = lex(result_text, "<expansion>")
    decls = []
    for item in split_items(tokens):
        if not item:
            continue
        try:
            rows = _item_rows(item)
        except (RecursionError, AssertionError, TypeError, AttributeError, IndexError):
            rows = [_unread(item)]          # pycparser's limits (very deep nesting)
        for row in rows:
            if row.kind == NOT_A_DECLARATION and decls and decls[-1].kind == NOT_A_DECLARATION \
                    and decls[-1].note == row.note:
                continue
            decls.append(row)
    return decls
