"""Evaluating ``#if``/``#elif`` controlling expressions with gcc's semantics.

The engine has already macro-expanded the line and replaced ``defined``,
``__has_include`` and the ``__has_attribute``-style operators by numbers.  What is
left is an integer expression evaluated in intmax_t/uintmax_t (64 bits on x86-64):

- a value is a 64-bit pattern plus an "unsigned" flag; an operand that is unsigned
  makes the result unsigned (the usual arithmetic conversions), signed overflow
  wraps (gcc only pedwarns), comparisons and logical operators give signed 0/1;
- a negative shift count shifts the other way, a count >= 64 gives 0 (or -1 for a
  negative signed value shifted right);
- division by zero is an error only where the operand is evaluated (gcc then
  keeps the left operand, flag included, which can make a ``?:`` signed);
- an identifier left over is 0, an assertion (``#cpu(x86_64)``) is not supported.

The parser is an operator-precedence parser shaped like gcc's (libcpp/expr.cc), so
that a malformed expression produces the same first error gcc reports: values
are read as they come, an operator is reduced only when one of lower priority
arrives, and ``?``, ``:`` and ``,`` share one priority with special cases.
"""

from .tokens import CHAR, EOF, IDENT, NUMBER, PADDING, PUNCT, eof_token

BITS = 64
MASK = (1 << BITS) - 1
SIGN = 1 << (BITS - 1)
DIGITS = "0123456789"
HEX = "0123456789abcdefABCDEF"


class ExpressionError(Exception):
    def __init__(self, message, token=None):
        super().__init__(message)
        self.message = message
        self.token = token


def _signed(bits):
    return bits - (1 << BITS) if bits & SIGN else bits


# ----------------------------------------------------------------- integer constants
def _fixed_point_suffix(s):
    """TR 18037 fixed-point suffix ([u][h|l|ll] then k or r): gcc reads it as floating."""
    if not s or s[-1] not in "kKrR":
        return False
    rest = s[1:-1] if s[0] in "uU" else s[:-1]
    return rest in ("", "h", "H", "l", "L", "ll", "LL")


def _float_suffix(s):
    """'decimal', 'binary', or None when gcc 12 rejects ``s`` as a floating suffix."""
    if len(s) == 2 and s[0] in "dD":
        if s in ("df", "dd", "dl", "DF", "DD", "DL"):
            return "decimal"
        if s[1] in "fFdDlL":
            return None
    if s and s[-1] in "kKrR":
        return "binary" if _fixed_point_suffix(s) else None
    types = imaginary = 0
    i = 0
    while i < len(s):
        c = s[i].lower()
        i += 1
        if c == "f" and i < len(s) and s[i] in "123456789":
            bits = 0
            while i < len(s) and s[i] in DIGITS and bits < 240:
                bits = bits * 10 + int(s[i])
                i += 1
            extended = i < len(s) and s[i] == "x"
            i += extended
            if bits > 240 or (extended and bits not in (32, 64, 128)) or \
                    (not extended and (bits % 32 and bits != 16 or bits == 96)):
                return None
            types += 1
        elif c in "fdlwq":
            types += 1
        elif c in "ij":
            imaginary += 1
        else:
            return None
    return "binary" if types <= 1 and imaginary <= 1 else None


def _int_suffix(s):
    """(unsigned, imaginary) for a valid integer suffix, else None."""
    low = s.lower()
    u, l, i = low.count("u"), low.count("l"), low.count("i") + low.count("j")
    if u + l + i != len(s) or u > 1 or l > 2 or i > 1:
        return None
    if l == 2 and "ll" not in s and "LL" not in s:
        return None
    return u == 1, i == 1


def _number(tok):
    """The (bits, unsigned) value of a pp-number, or the error gcc gives for it."""
    text = tok.text

    def fail(message):
        raise ExpressionError(message, tok)

    radix, start = 10, 0
    if text[0] == "0" and len(text) > 1:
        radix, start = 8, 1
        if text[1] in "xX" and text[2:3] and text[2] in HEX + ".":
            radix, start = 16, 2
        elif text[1] in "bB" and text[2:3] in ("0", "1"):
            radix, start = 2, 2
    i, max_digit, floating = start, 0, None
    while i < len(text):
        c = text[i]
        if c in DIGITS or (radix == 16 and c in HEX):
            max_digit = max(max_digit, int(c, 16))
        elif c == ".":
            if floating:
                fail("too many decimal points in number")
            floating = "point"
        elif c in ("eE" if radix <= 10 else "pP" if radix == 16 else ""):
            floating = "exponent"
            i += 1
            break
        else:
            break
        i += 1
    digits_end = i
    if not floating and radix != 16 and _fixed_point_suffix(text[i:]):
        fail("floating constant in preprocessor expression")
    if floating and radix == 8:
        radix = 10
    if max_digit >= radix:
        fail('invalid digit "%d" in %s constant'
             % (max_digit, "binary" if radix == 2 else "octal"))
    if floating:
        if radix == 2:
            fail('invalid prefix "0b" for floating constant')
        if radix == 16 and not any(c in HEX for c in text[start:digits_end]):
            fail("no digits in hexadecimal floating constant")
        if floating == "exponent":
            i += text[i:i + 1] in ("+", "-")
            if text[i:i + 1] == "" or text[i] not in DIGITS:
                fail("exponent has no digits")
            while i < len(text) and text[i] in DIGITS:
                i += 1
        elif radix == 16:
            fail("hexadecimal floating constants require an exponent")
        kind = _float_suffix(text[i:])
        if kind is None:
            fail('invalid suffix "%s" on floating constant' % text[i:])
        if kind == "decimal" and radix != 10:
            fail('invalid suffix "%s" with hexadecimal floating constant' % text[i:])
        fail("floating constant in preprocessor expression")
    suffix = _int_suffix(text[i:])
    if suffix is None:
        fail('invalid suffix "%s" on integer constant' % text[i:])
    unsigned, imaginary = suffix
    if imaginary:
        fail("imaginary number in preprocessor expression")
    digits = text[start:digits_end]
    value = int(digits, radix) if digits else 0
    if value > MASK:
        value &= MASK          # "integer constant is too large for its type": keeps its sign
    elif value & SIGN:
        unsigned = True        # "integer constant is so large that it is unsigned"
    return value, unsigned


# ----------------------------------------------------------------- character constants
_ESCAPES = {"n": 10, "t": 9, "v": 11, "b": 8, "r": 13, "f": 12, "a": 7, "e": 27, "E": 27}


def _utf8(code):
    """gcc's UTF-8 encoder (it still writes the 5- and 6-byte forms up to 2**31)."""
    if code < 0x80:
        return [code]
    n = 2
    while code >= 1 << (5 * n + 1):
        n += 1
    tail = [0x80 | (code >> 6 * k) & 0x3F for k in range(n - 1)][::-1]
    return [(0xFF00 >> n) & 0xFF | code >> 6 * (n - 1)] + tail


def _units(code, width, tok):
    """The code units of one character in the literal's encoding."""
    if width == 8:
        return _utf8(code)
    if width == 16 and code > 0xFFFF:
        if code > 0x10FFFF:
            raise ExpressionError("converting UCN to execution character set", tok)
        code -= 0x10000
        return [0xD800 | code >> 10, 0xDC00 | code & 0x3FF]
    return [code]


def _char(tok, short_wchar=False):
    """The (bits, unsigned) value of a character constant, x86-64 Linux ABI (with
    -fshort-wchar wchar_t is unsigned short)."""
    text = tok.text
    prefix = text[:text.index("'")]
    body = text[len(prefix) + 1:-1]
    width = {"": 8, "u8": 8, "u": 16, "L": 16 if short_wchar else 32}.get(prefix, 32)
    mask = (1 << width) - 1
    if not body:
        raise ExpressionError("empty character constant", tok)
    units = []
    i = 0
    while i < len(body):
        c = body[i]
        i += 1
        if c != "\\":
            code = ord(c)
            if 0xDC80 <= code <= 0xDCFF:        # a source byte that is not UTF-8 (rawbytes.py)
                if width != 8:
                    raise ExpressionError("converting to execution character set: Invalid or "
                                          "incomplete multibyte or wide character", tok)
                units.append(code - 0xDC00)     # a narrow constant keeps the byte
                continue
            units += _units(code, width, tok)
            continue
        c = body[i]
        i += 1
        if c in "01234567":
            j = i - 1
            while i < len(body) and i - j < 3 and body[i] in "01234567":
                i += 1
            units.append(int(body[j:i], 8) & mask)      # out of range: a pedwarn
        elif c == "x":
            j = i
            while i < len(body) and body[i] in HEX:
                i += 1
            if i == j:
                raise ExpressionError("\\x used with no following hex digits", tok)
            units.append(int(body[j:i], 16) & mask)     # out of range: a pedwarn
        elif c in "uU":
            j = i
            while i < len(body) and i - j < (4 if c == "u" else 8) and body[i] in HEX:
                i += 1
            spelling = "\\" + c + body[j:i]
            if i - j < (4 if c == "u" else 8):
                raise ExpressionError("incomplete universal character name " + spelling, tok)
            code = int(body[j:i], 16)
            if code < 0xA0 and code not in (0x24, 0x40, 0x60) or 0xD800 <= code <= 0xDFFF \
                    or code >= 0x80000000:
                raise ExpressionError(spelling + " is not a valid universal character", tok)
            units += _units(code, width, tok)
        elif ord(c) < 0x80:
            units.append(_ESCAPES.get(c, ord(c)))       # \\ \' \" \? and unknown ones
        elif width == 8:
            units += _utf8(ord(c))                      # gcc escapes the first byte only
        else:
            raise ExpressionError("converting escape sequence to execution character set",
                                  tok)
    if prefix == "u8":                                  # C2x: one unsigned char
        if len(units) != 1:
            raise ExpressionError("character constant too long for its type", tok)
        return units[0] & 0xFF, False
    if width == 8:
        value = 0
        for unit in units:
            value = (value << 8 | unit & 0xFF) & 0xFFFFFFFF
        bits = 32 if len(units) > 1 else 8              # a multi-character constant is an int
        unsigned = False
    else:
        value = units[-1] & mask                        # the last character counts
        bits, unsigned = width, prefix != "L" or short_wchar   # wchar_t is int, char16/32_t unsigned
    if not unsigned and value >> (bits - 1):
        value -= 1 << bits
    return value & MASK, unsigned


# ----------------------------------------------------------------- operators
PRIORITY = {"(": 1, "?": 4, ":": 4, ",": 4, "||": 5, "&&": 6, "|": 7, "^": 8, "&": 9,
            "==": 11, "!=": 11, "<": 12, ">": 12, "<=": 12, ">=": 12, "<<": 13, ">>": 13,
            "+": 14, "-": 14, "*": 15, "/": 15, "%": 15,
            "!": 16, "~": 16, "u+": 16, "u-": 16, ")": 0, "eof": 0}
PREFIX = ("(", "!", "~", "u+", "u-")                   # operators that take no left operand
RIGHT_ASSOC = ("?", ")", "eof") + PREFIX


def _shift(op, left, right):
    (a, a_unsigned), (n, n_unsigned) = left, right
    if not n_unsigned and n & SIGN:
        op, n = ("<<" if op == ">>" else ">>"), -n & MASK
    if op == "<<":
        return (a << n & MASK if n < BITS else 0), a_unsigned
    fill = MASK if not a_unsigned and a & SIGN else 0
    if n >= BITS:
        return fill, a_unsigned
    return (a >> n | fill << (BITS - n)) & MASK, a_unsigned


def _binary(op, left, right, tok, skip):
    a, b = left[0], right[0]
    unsigned = left[1] or right[1]
    if op in ("<<", ">>"):
        return _shift(op, left, right)
    if op == ",":
        return right
    if op in ("==", "!="):
        return int((a == b) == (op == "==")), False
    if not unsigned:
        a, b = _signed(a), _signed(b)
    if op in ("<", ">", "<=", ">="):
        return int({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]), False
    if op in ("/", "%"):
        if b == 0:
            if skip:
                return left
            raise ExpressionError("division by zero in #if", tok)
        q = abs(a) // abs(b)                            # truncate toward zero
        r = abs(a) - q * abs(b)
        value = (-q if (a < 0) != (b < 0) else q) if op == "/" else (-r if a < 0 else r)
    else:
        value = {"+": a + b, "-": a - b, "*": a * b, "&": a & b, "|": a | b, "^": a ^ b}[op]
    return value & MASK, unsigned


def _unary(op, operand):
    bits, unsigned = operand
    if op == "!":
        return int(bits == 0), False
    return {"u-": -bits & MASK, "~": ~bits & MASK, "u+": bits}[op], unsigned


# ----------------------------------------------------------------- the parser
class _Entry:
    """An operator on the stack, and the value that follows it."""
    __slots__ = ("op", "token", "value")

    def __init__(self, op, token):
        self.op, self.token, self.value = op, token, None


class _Parser:
    def __init__(self, short_wchar=False):
        self.short_wchar = short_wchar
        self.stack = [_Entry("eof", None)]
        self.skip = 0            # > 0 inside an operand that is not evaluated

    def parse(self, tokens):
        want_value = True
        stack = self.stack
        for tok in tokens:
            if tok.kind == PADDING:
                continue
            value = tok.kind in (NUMBER, CHAR, IDENT) or tok.is_op("#")
            if (value or tok.kind == PUNCT and tok.op in PREFIX) and not want_value:
                raise ExpressionError('missing binary operator before token "%s"' % tok.text, tok)
            if value:
                want_value = False
                stack[-1].value = self.operand(tok)
                continue
            op = "eof" if tok.kind == EOF else tok.op if tok.kind == PUNCT else None
            if op in ("+", "-") and want_value:
                op = "u" + op
            if op not in PRIORITY:
                raise ExpressionError('token "%s" is not valid in preprocessor expressions'
                                      % tok.text, tok)
            if want_value and op not in PREFIX:
                self.missing_operand(op, tok)
            self.reduce(op, tok)
            if op == "eof":
                break
            if op == ")":
                continue
            top = stack[-1]
            if op == ":":
                if top.op != "?":
                    raise ExpressionError("':' without preceding '?'", tok)
                self.skip += 1 if stack[-2].value[0] else -1
            elif (op == "||" and top.value[0]) or (op in ("&&", "?") and not top.value[0]):
                self.skip += 1
            want_value = True
            stack.append(_Entry(op, tok))
        bits, unsigned = stack[0].value
        return bits if unsigned else _signed(bits)

    def operand(self, tok):
        if tok.kind == NUMBER:
            return _number(tok)
        if tok.kind == CHAR:
            return _char(tok, self.short_wchar)
        if tok.kind == IDENT:
            return 0, False
        raise ExpressionError("assertions are not supported", tok)

    def missing_operand(self, op, tok):
        top = self.stack[-1]
        if op == ")" and top.op == "(":
            raise ExpressionError("missing expression between '(' and ')'", tok)
        if op == "eof" and top.op == "eof":
            raise ExpressionError("#if with no expression", None)
        if top.op not in ("eof", "("):
            raise ExpressionError("operator '%s' has no right operand" % top.token.text, top.token)
        if op not in (")", "eof"):
            raise ExpressionError("operator '%s' has no left operand" % tok.text, tok)

    def reduce(self, op, tok):
        """Apply the stacked operators that bind tighter than the incoming ``op``."""
        if op == "(":
            return
        stack = self.stack
        priority = PRIORITY[op] - (op not in RIGHT_ASSOC)
        while priority < PRIORITY[stack[-1].op]:
            top = stack[-1]
            if top.op == "?":
                if op in (",", ":"):            # they do not close a '?'
                    return
                raise ExpressionError("'?' without following ':'", top.token)
            stack.pop()
            below = stack[-1]
            if top.op == "(":
                if op != ")":
                    raise ExpressionError("missing ')' in expression", top.token)
                below.value = top.value
                return
            if top.op in PREFIX:
                below.value = _unary(top.op, top.value)
            elif top.op in ("&&", "||"):
                left, right = bool(below.value[0]), bool(top.value[0])
                if left == (top.op == "||"):
                    self.skip -= 1
                below.value = int(left or right if top.op == "||" else left and right), False
            elif top.op == ":":
                query = stack.pop()
                cond = stack[-1]
                if cond.value[0]:
                    self.skip -= 1
                chosen = query.value if cond.value[0] else top.value
                cond.value = chosen[0], query.value[1] or top.value[1]
            else:
                below.value = _binary(top.op, below.value, top.value, top.token, self.skip)
        if op == ")":
            raise ExpressionError("missing '(' in expression", tok)


def evaluate(tokens, short_wchar=False):
    """The value of a controlling expression: a Python int in its C type's range."""
    return _Parser(short_wchar).parse(list(tokens) + [eof_token()])
