"""GNU C tokens to the C that pycparser reads, and back.

The kernel's expansions are GNU C. ``to_plain_c`` rewrites one declaration's tokens:
``__attribute__((...))`` lists (in any position) and asm labels are taken out and
returned; GNU spellings of keywords (``__inline__``, ``__volatile__``, ``__thread``...)
become the standard ones; ``__extension__`` and address-space qualifiers (``__seg_gs``)
go; function bodies are emptied (they may hold anything). What pycparser has no syntax
for -- ``typeof(...)``, statement expressions, ``__builtin_offsetof`` and friends,
``_Generic``, range designators ``[a ... b]`` -- becomes a placeholder name, and
``restore`` puts the original text back into whatever pycparser's generator prints.
"""

import re

from .engine.printer import render
from .engine.tokens import IDENT, NUMBER

KEYWORDS = {
    "__inline__": "inline", "__inline": "inline",
    "__const": "const", "__const__": "const",
    "__volatile": "volatile", "__volatile__": "volatile",
    "__restrict": "restrict", "__restrict__": "restrict",
    "__signed": "signed", "__signed__": "signed",
    "__thread": "_Thread_local",
    "__alignof__": "_Alignof", "__alignof": "_Alignof",
    "__complex__": "_Complex",
}
DROPPED = {"__extension__", "__seg_gs", "__seg_fs", "__label__"}
ATTRIBUTE = {"__attribute__", "__attribute"}
ASM = {"asm", "__asm__", "__asm"}
ASM_QUALIFIERS = {"volatile", "__volatile__", "__volatile", "goto", "inline", "__inline__"}
TYPEOF = {"typeof", "__typeof__", "__typeof", "typeof_unqual", "__typeof_unqual__"}
# builtins whose arguments are types or otherwise no expression pycparser reads
OPAQUE_CALLS = {"__builtin_offsetof", "__builtin_types_compatible_p", "__builtin_va_arg",
                "_Generic", "__builtin_convertvector", "__builtin_shufflevector",
                "__builtin_has_attribute", "__builtin_tgmath"}

_PLACEHOLDER = re.compile(r"__macrotrace_(?:type|expr)_\d+|0x7eace[0-9]{6}")


def balanced(tokens, i):
    """Index after the bracketed group opening at tokens[i] (``(``, ``[`` or ``{``)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    depth = 0
    for j in range(i, len(tokens)):
        op = tokens[j].op if tokens[j].kind != IDENT else None
        if op in pairs:
            depth += 1
        elif op in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return j + 1
    return len(tokens)


def attribute_list(inner):
    """``__section__(".x"), __used__`` -> [(name, argument tokens)]."""
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


class Rewrite:
    """One declaration's tokens rewritten for pycparser (see the module docstring)."""

    def __init__(self, tokens):
        self.attributes = []        # [(name, argument tokens)], asm labels as ("asm_label", ...)
        self.typedefs = []          # placeholder names standing for types
        self.originals = {}         # placeholder name -> original text
        self.tokens = self._rewrite(tokens)

    def _placeholder(self, like, kind, text):
        """A name for a type or expression; for an index, a number (pycparser prints a
        name inside a designator's brackets as ``.name``)."""
        n = len(self.originals)
        name = "0x7eace%06d" % n if kind == "index" else "__macrotrace_%s_%d" % (kind, n)
        self.originals[name] = text
        if kind == "type":
            self.typedefs.append(name)
        t = like.copy()
        t.kind, t.text = (NUMBER, name) if kind == "index" else (IDENT, name)
        return t

    def _rewrite(self, tokens):
        out, i, depth, initializer = [], 0, 0, False
        n = len(tokens)
        while i < n:
            t = tokens[i]
            nxt = tokens[i + 1] if i + 1 < n else None
            opens = nxt is not None and nxt.is_op("(")
            if t.kind == IDENT:
                word = t.text
                if word in ATTRIBUTE and opens:
                    end = balanced(tokens, i + 1)
                    self.attributes.extend(attribute_list(tokens[i + 3:end - 2]))
                    i = end
                    continue
                if word in ASM and out:
                    j = i + 1
                    while j < n and tokens[j].kind == IDENT and tokens[j].text in ASM_QUALIFIERS:
                        j += 1
                    if j < n and tokens[j].is_op("("):
                        end = balanced(tokens, j)
                        self.attributes.append(("asm_label", tokens[j + 1:end - 1]))
                        i = end
                        continue
                if word in TYPEOF and opens:
                    end = balanced(tokens, i + 1)
                    out.append(self._placeholder(t, "type", render(tokens[i:end])))
                    i = end
                    continue
                if word in OPAQUE_CALLS and opens:
                    end = balanced(tokens, i + 1)
                    out.append(self._placeholder(t, "expr", render(tokens[i:end])))
                    i = end
                    continue
                if word in DROPPED:
                    i += 1
                    continue
                if word in KEYWORDS:
                    t = t.copy()
                    t.text = KEYWORDS[word]
                out.append(t)
                i += 1
                continue
            op = t.op
            if op == "(" and nxt is not None and nxt.is_op("{"):
                end = balanced(tokens, i)           # a statement expression
                out.append(self._placeholder(t, "expr", render(tokens[i:end])))
                i = end
                continue
            if op == "[":
                end = balanced(tokens, i)
                if any(x.is_op("...") for x in tokens[i + 1:end - 1]):
                    inner = tokens[i + 1:end - 1]   # a range designator [a ... b]
                    out.append(t)
                    out.append(self._placeholder(t, "index", render(inner)))
                    out.append(tokens[end - 1])
                    i = end
                    continue
            if op == "{" and depth == 0 and not initializer and out and out[-1].is_op(")"):
                end = balanced(tokens, i)           # a function body
                out.append(t)
                out.append(tokens[end - 1] if end - 1 > i and tokens[end - 1].is_op("}") else t)
                i = end
                continue
            if op in ("(", "[", "{"):
                depth += 1
            elif op in (")", "]", "}"):
                depth -= 1
            elif op == "=" and depth == 0:
                initializer = True
            elif op == "," and depth == 0:
                initializer = False
            out.append(t)
            i += 1
        return out

    def restore(self, text):
        """``text`` with every placeholder replaced by the original it stands for."""
        if text is None or not self.originals:
            return text
        return _PLACEHOLDER.sub(lambda m: self.originals.get(m.group(), m.group()), text)
