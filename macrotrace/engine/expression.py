"""Evaluating ``#if``/``#elif`` expressions with gcc's integer semantics.

The engine has already macro-expanded the line and replaced ``defined``,
``__has_include`` and ``__has_attribute``-style operators by numbers.  What is left is
an integer constant expression evaluated in intmax_t/uintmax_t (64 bits here):
unsigned-ness spreads through the usual arithmetic conversions, signed overflow
wraps (gcc only pedwarns), a negative shift count shifts the other way, division by
zero is an error only where the operand is evaluated, and any identifier left is 0.
"""

from .tokens import CHAR, EOF, IDENT, NUMBER, PADDING, PUNCT

BITS = 64
MASK = (1 << BITS) - 1
SIGN = 1 << (BITS - 1)


class ExpressionError(Exception):
    def __init__(self, message, token=None):
        super().__init__(message)
        self.message = message
        self.token = token


class Value:
    __slots__ = ("v", "unsigned")

    def __init__(self, v, unsigned=False):
        v &= MASK
        if not unsigned and v & SIGN:
            v -= 1 << BITS
        self.v = v
        self.unsigned = unsigned

    def as_unsigned(self):
        return self.v & MASK


def _int(tok):
    text = tok.text
    low = text.lower()
    if low.startswith("0x"):
        base, body, allowed = 16, low[2:], "0123456789abcdef"
        if "." in body or "p" in body:
            raise ExpressionError("floating constant in preprocessor expression", tok)
    elif low.startswith("0b"):
        base, body, allowed = 2, low[2:], "01"
    else:
        base, body, allowed = 10, low, "0123456789"
        if "." in body or "e" in body:
            raise ExpressionError("floating constant in preprocessor expression", tok)
    i = 0
    while i < len(body) and body[i] in allowed:
        i += 1
    number = body[:i]
    suffix = text[len(text) - (len(body) - i):] if len(body) > i else ""
    if not number:
        raise ExpressionError('invalid suffix "%s" on integer constant' % text[1:], tok)
    if base == 10 and len(number) > 1 and number[0] == "0":
        bad = [c for c in number if c in "89"]
        if bad:
            raise ExpressionError('invalid digit "%s" in octal constant' % bad[0], tok)
        base = 8
    s = suffix.lower()
    if s not in ("", "u", "l", "ul", "lu", "ll", "ull", "llu") or "lL" in suffix or "Ll" in suffix:
        raise ExpressionError('invalid suffix "%s" on integer constant' % suffix, tok)
    value = int(number, base)
    unsigned = "u" in s
    if value > MASK:
        value &= MASK          # gcc: "integer constant is too large for its type" (a pedwarn)
        unsigned = True
    elif value > MASK >> 1:
        unsigned = True        # gcc: "integer constant is so large that it is unsigned"
    return Value(value, unsigned)


_ESCAPES = {"n": 10, "t": 9, "v": 11, "b": 8, "r": 13, "f": 12, "a": 7, "\\": 92, "'": 39,
            '"': 34, "?": 63, "e": 27, "E": 27}


def _char(tok):
    text = tok.text
    prefix = text[:text.index("'")]
    body = text[len(prefix) + 1:-1]
    if prefix in ("", "u8"):
        width, unsigned_type = 8, False
    elif prefix == "L":
        width, unsigned_type = 32, False
    elif prefix == "u":
        width, unsigned_type = 16, True
    else:
        width, unsigned_type = 32, True
    chars = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            code = ord(c)
            if width == 8 and code > 127:
                chars.extend(c.encode("utf-8"))
            else:
                chars.append(code)
            i += 1
            continue
        i += 1
        e = body[i] if i < len(body) else ""
        if e in _ESCAPES:
            chars.append(_ESCAPES[e])
            i += 1
        elif e in "01234567":
            j = i
            while j < len(body) and j < i + 3 and body[j] in "01234567":
                j += 1
            chars.append(int(body[i:j], 8) & ((1 << width) - 1))
            i = j
        elif e == "x":
            j = i + 1
            while j < len(body) and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                raise ExpressionError("\\x used with no following hex digits", tok)
            chars.append(int(body[i + 1:j], 16) & ((1 << width) - 1))
            i = j
        elif e in "uU":
            n = 4 if e == "u" else 8
            code = int(body[i + 1:i + 1 + n], 16)
            if width == 8:
                chars.extend(chr(code).encode("utf-8"))
            else:
                chars.append(code)
            i += 1 + n
        else:
            chars.append(ord(e))
            i += 1
    if not chars:
        raise ExpressionError("empty character constant", tok)
    if width == 8:
        if len(chars) == 1:
            v = chars[0] & 0xFF
            if v & 0x80:
                v -= 0x100           # plain char is signed on x86-64
            return Value(v)
        value = 0
        for c in chars[-4:] if len(chars) > 4 else chars:
            value = ((value << 8) | (c & 0xFF)) & 0xFFFFFFFF
        if value & 0x80000000:
            value -= 1 << 32         # a multi-character constant is an int
        return Value(value)
    value = chars[-1] & ((1 << width) - 1)
    if not unsigned_type and value & (1 << (width - 1)):
        value -= 1 << width
    return Value(value, unsigned_type)


class _Parser:
    def __init__(self, tokens):
        self.toks = [t for t in tokens if t.kind not in (PADDING, EOF)]
        self.pos = 0
        self.skip = 0            # >0 inside an operand that is not evaluated

    def peek(self):
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def op(self):
        t = self.peek()
        return t.op if t is not None and t.kind == PUNCT else None

    def parse(self):
        if not self.toks:
            raise ExpressionError("#if with no expression")
        v = self.comma()
        t = self.peek()
        if t is not None:
            if t.is_op(")"):
                raise ExpressionError("missing '(' in expression", t)
            if t.is_op(":"):
                raise ExpressionError("':' without preceding '?'", t)
            raise ExpressionError('missing binary operator before token "%s"' % t.text, t)
        return v

    def comma(self):
        v = self.cond()
        while self.op() == ",":
            self.pos += 1
            v = self.cond()
        return v

    def cond(self):
        c = self.binary(0)
        if self.op() != "?":
            return c
        q = self.peek()
        self.pos += 1
        take = c.v != 0
        if not take:
            self.skip += 1
        a = self.comma()
        if not take:
            self.skip -= 1
        if self.op() != ":":
            raise ExpressionError("'?' without following ':'", q)
        self.pos += 1
        if take:
            self.skip += 1
        b = self.cond()
        if take:
            self.skip -= 1
        unsigned = a.unsigned or b.unsigned
        chosen = a if take else b
        return Value(chosen.v, unsigned)

    LEVELS = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", ">", "<=", ">="),
              ("<<", ">>"), ("+", "-"), ("*", "/", "%")]

    def binary(self, level):
        if level == len(self.LEVELS):
            return self.unary()
        ops = self.LEVELS[level]
        left = self.binary(level + 1)
        while self.op() in ops:
            tok = self.peek()
            op = tok.op
            self.pos += 1
            if op in ("&&", "||"):
                short = (left.v == 0) if op == "&&" else (left.v != 0)
                if short:
                    self.skip += 1
                right = self.binary(level + 1)
                if short:
                    self.skip -= 1
                result = (left.v != 0 and right.v != 0) if op == "&&" else (left.v != 0 or right.v != 0)
                left = Value(int(result))
                continue
            if self.peek() is None:
                raise ExpressionError("operator '%s' has no right operand" % op, tok)
            right = self.binary(level + 1)
            left = self.apply(op, left, right, tok)
        return left

    def apply(self, op, a, b, tok):
        if op in ("<<", ">>"):
            n = b.v
            if not b.unsigned and n < 0:
                op = ">>" if op == "<<" else "<<"
                n = -n
            if op == "<<":
                return Value(0 if n >= BITS else a.v << n, a.unsigned)
            if n >= BITS:
                return Value(-1 if (not a.unsigned and a.v < 0) else 0, a.unsigned)
            x = a.as_unsigned() >> n if a.unsigned else a.v >> n
            return Value(x, a.unsigned)
        unsigned = a.unsigned or b.unsigned
        x, y = (a.as_unsigned(), b.as_unsigned()) if unsigned else (a.v, b.v)
        if op in ("==", "!=", "<", ">", "<=", ">="):
            r = {"==": x == y, "!=": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
            return Value(int(r))
        if op in ("/", "%"):
            if y == 0:
                if self.skip:
                    return Value(0, unsigned)
                raise ExpressionError("division by zero in #if", tok)
            q = abs(x) // abs(y)
            if (x < 0) != (y < 0):
                q = -q
            return Value(q if op == "/" else x - q * y, unsigned)
        r = {"+": x + y, "-": x - y, "*": x * y, "&": x & y, "|": x | y, "^": x ^ y}[op]
        return Value(r, unsigned)

    def unary(self):
        t = self.peek()
        if t is None:
            raise ExpressionError("#if with no expression" if self.pos == 0 else
                                  "operator '%s' has no right operand" % self.toks[self.pos - 1].text,
                                  self.toks[self.pos - 1] if self.pos else None)
        if t.kind == PUNCT:
            op = t.op
            if op in ("+", "-", "~", "!"):
                self.pos += 1
                v = self.unary()
                if op == "+":
                    return v
                if op == "-":
                    return Value(-v.v, v.unsigned)
                if op == "~":
                    return Value(~v.v, v.unsigned)
                return Value(int(v.v == 0))
            if op == "(":
                self.pos += 1
                if self.op() == ")":
                    raise ExpressionError("missing expression between '(' and ')'", t)
                v = self.comma()
                if self.op() != ")":
                    nxt = self.peek()
                    if nxt is None:
                        raise ExpressionError("missing ')' in expression", t)
                    raise ExpressionError('missing \')\' in expression', nxt)
                self.pos += 1
                return v
            if op in (")", ":", "?", "*", "/", "%", "<<", ">>", "<", ">", "<=", ">=", "==", "!=",
                      "&", "^", "|", "&&", "||", ","):
                prev = self.toks[self.pos - 1] if self.pos else None
                if prev is None or (prev.kind == PUNCT and prev.op == "("):
                    if op == ")":
                        raise ExpressionError("missing expression between '(' and ')'", t)
                    raise ExpressionError("operator '%s' has no left operand" % t.text, t)
                raise ExpressionError("operator '%s' has no right operand" % prev.text, prev)
            raise ExpressionError('token "%s" is not valid in preprocessor expressions' % t.text, t)
        self.pos += 1
        if t.kind == NUMBER:
            return _int(t)
        if t.kind == CHAR:
            return _char(t)
        if t.kind == IDENT:
            return Value(0)
        raise ExpressionError('token "%s" is not valid in preprocessor expressions' % t.text, t)


def evaluate(tokens):
    """The value of a controlling expression (a Python int in its C type's range)."""
    v = _Parser(tokens).parse()
    return v.as_unsigned() if v.unsigned else v.v
