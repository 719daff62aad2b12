"""What an expansion declares: parsing a traced invocation's final text as C.

The kernel's expansions are GNU C, which pycparser does not read, so this module
takes out what pycparser cannot parse and records it itself: ``__attribute__((...))``
lists (section, used, alias, copy...), top-level ``asm("...")`` blocks (the PREL32
initcall entries: the section they switch to, the label they define, the relocation
they emit) and ``_Static_assert``.  Function bodies are emptied (they may hold
statement expressions); type names pycparser does not know (``initcall_t``) are
declared as typedefs until the text parses.
"""

import re

from pycparser import c_ast, c_generator, c_parser
from pycparser.c_parser import ParseError

from .engine.lexer import lex
from .engine.printer import render
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


def _balanced(tokens, i):
    """Index after the parenthesised group starting at tokens[i] == '('."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].is_op("("):
            depth += 1
        elif tokens[j].is_op(")"):
            depth -= 1
            if depth == 0:
                return j + 1
    return len(tokens)


def _attribute_list(inner):
    """``__section__(".x"), __used__`` -> [(name, args tokens)]."""
    out, cur, depth = [], [], 0
    for t in inner + [None]:
        if t is None or (t.is_op(",") and depth == 0):
            if cur:
                name = cur[0].text.strip("_") or cur[0].text
                args = cur[2:-1] if len(cur) > 1 and cur[1].is_op("(") else []
                out.append((name, args))
            cur = []
            continue
        if t.is_op("("):
            depth += 1
        elif t.is_op(")"):
            depth -= 1
        cur.append(t)
    return out


def strip_gnu(tokens):
    """Remove __attribute__((...)) and asm labels; return (tokens, attributes)."""
    out, attrs = [], []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "ident" and t.text in ("__attribute__", "__attribute") and i + 1 < len(tokens) \
                and tokens[i + 1].is_op("("):
            end = _balanced(tokens, i + 1)
            attrs.extend(_attribute_list(tokens[i + 3:end - 2]))
            i = end
            continue
        if t.kind == "ident" and t.text in ("asm", "__asm__", "__asm") and out and i + 1 < len(tokens) \
                and tokens[i + 1].is_op("("):
            end = _balanced(tokens, i + 1)
            attrs.append(("asm_label", tokens[i + 2:end - 1]))
            i = end
            continue
        if t.kind == "ident" and t.text in ("__inline__", "__inline"):
            t = t.copy()
            t.text = "inline"
        out.append(t)
        i += 1
    return out, attrs


def _empty_bodies(tokens):
    """Replace function bodies by {} (they may hold GNU statement expressions)."""
    out, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        if t.is_op("{") and out and out[-1].is_op(")"):
            depth = 0
            j = i
            while j < len(tokens):
                if tokens[j].is_op("{"):
                    depth += 1
                elif tokens[j].is_op("}"):
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append(t)
            out.append(tokens[j] if j < len(tokens) else t)
            i = j + 1
            continue
        out.append(t)
        i += 1
    return out


_PARSER = None
_TYPEDEFS = []      # names a parse needed as invented typedefs (most come back every time)


def _parse(text):
    """pycparser AST of ``text``, inventing typedefs for unknown type names.

    One parser serves every call (building one cost more than most parses), and the
    names earlier texts needed as types are offered first when this text uses them,
    which spares the failed attempt that would find them again."""
    global _PARSER
    if _PARSER is None:
        _PARSER = c_parser.CParser()
    parser = _PARSER
    words = set(re.findall(r"[A-Za-z_]\w*", text))
    known = [n for n in _TYPEDEFS if n in words]
    try:
        return _parse_with(parser, text, known)
    except ParseError:
        if not known:
            raise
    return _parse_with(parser, text, [])


def _parse_with(parser, text, typedefs):
    typedefs = list(typedefs)
    for _ in range(12):
        src = "".join("typedef int %s;\n" % n for n in typedefs) + text
        try:
            return parser.parse(src, filename="<expansion>"), len(typedefs)
        except ParseError as e:
            m = re.match(r".*?:(\d+):(\d+):", str(e))
            if not m:
                raise
            line, col = int(m.group(1)), int(m.group(2))
            line_text = src.splitlines()[line - 1] if line - 1 < len(src.splitlines()) else ""
            word = re.match(r"[A-Za-z_]\w*", line_text[col - 1:]) or None
            if word is None:
                # the unknown name may sit just before the error position
                prev = re.findall(r"[A-Za-z_]\w*", line_text[:col - 1])
                word_text = prev[-1] if prev else None
            else:
                word_text = word.group()
            if not word_text or word_text in typedefs:
                raise
            typedefs.append(word_text)
            if word_text not in _TYPEDEFS and len(_TYPEDEFS) < 1000:
                _TYPEDEFS.append(word_text)
    raise ParseError("could not parse")


def _attr_text(name, args):
    return name if not args else "%s(%s)" % (name, render(args))


def _asm_entry(tokens):
    text = _strings(tokens)
    section = label = target = None
    m = re.search(r'\.section\s+"?([^",\s]+)"?', text)
    if m:
        section = m.group(1)
    m = re.search(r"^\s*([A-Za-z_.$][\w.$]*)\s*:", text, re.M)
    if m:
        label = m.group(1)
    m = re.search(r"\.long\s+([A-Za-z_.$][\w.$]*)\s*-\s*\.", text)
    if m:
        target = m.group(1)
    data_type = "int (32-bit place-relative offset)" if target else "assembler data"
    return Declaration(name=label or "", kind="asm entry", type=data_type,
                       storage=["local label"], attributes=[], section=section,
                       initializer=("%s - ." % target) if target else None,
                       relocation=("R_X86_64_PC32 against %s" % target) if target else None,
                       asm=text.strip())


def declarations(result_text):
    """The declarations in an expansion's final text, as a list of Declaration."""
    tokens, _ = lex(result_text, "<expansion>")
    decls = []
    for item in split_items(tokens):
        if not item:
            continue
        head = item[0]
        if head.kind == "ident" and head.text in ("asm", "__asm__") and len(item) > 1 and item[1].is_op("("):
            decls.append(_asm_entry(item))
            continue
        if head.kind == "ident" and head.text in ("_Static_assert", "static_assert"):
            decls.append(Declaration(name="", kind="static_assert", type="", storage=[], attributes=[],
                                     initializer=render(item[2:-1])))
            continue
        plain_tokens, attrs = strip_gnu(_empty_bodies(item))
        if not plain_tokens or plain_tokens[0].is_op("(") or plain_tokens[0].is_op("{") \
                or plain_tokens[0].text in _STATEMENT_WORDS:
            continue            # an expression or a statement: it declares nothing
        text = render(plain_tokens) + ";"
        try:
            ast, invented = _parse(text)
        except ParseError as e:
            decls.append(Declaration(name="", kind="unparsed", type="", storage=[], attributes=[],
                                     initializer=None, note="pycparser: %s" % e))
            continue
        section = alias = copy = None
        for name, args in attrs:
            if name == "section":
                section = _strings(args)
            elif name == "alias":
                alias = _strings(args)
            elif name == "copy":
                copy = render(args)
        attr_texts = [_attr_text(n, a) for n, a in attrs if n != "asm_label"]
        for ext in ast.ext[invented:]:
            if isinstance(ext, c_ast.FuncDef):
                d = ext.decl
                kind = "function definition"
            elif isinstance(ext, c_ast.Decl):
                d = ext
                kind = "function" if isinstance(d.type, c_ast.FuncDecl) else "variable"
            else:
                continue
            if alias:
                kind = "alias"
            type_text = _GEN.visit(d.type) if not isinstance(d.type, c_ast.FuncDecl) else \
                _GEN.visit(c_ast.Decl(None, [], [], [], [], d.type, None, None))
            init = _GEN.visit(d.init) if getattr(d, "init", None) is not None else None
            decls.append(Declaration(name=d.name or "", kind=kind, type=type_text.strip(),
                                     storage=list(d.storage) + list(d.funcspec or []),
                                     attributes=attr_texts, section=section, initializer=init,
                                     alias_of=alias, copy_of=copy,
                                     used="used" in [n for n, _ in attrs]))
    return decls
