"""The #if evaluator, differentially against gcc.

For an expression E gcc is asked, in one file with many ``#if`` blocks, for E's truth
value, for its type (``((E) * 0 - 1) < 0`` is true only when E is signed) and for
each of its 64 bits (``((E) >> k) & 1``); that pins down E's exact value in its C
type.  When gcc rejects ``#if E``, the evaluator must raise ExpressionError with
the message of gcc's first error.  One gcc process serves a whole batch.
"""

import os
import re
import shutil
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macrotrace.engine import tokens
from macrotrace.engine.expression import ExpressionError, evaluate
from macrotrace.engine.lexer import lex_fragment

GCC = shutil.which("gcc")
needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is not on PATH")
MASK = (1 << 64) - 1


def probes(expr):
    """E itself, "E is signed", then E's bits from 0 to 63."""
    bits = ["((%s) >> %d) & 1" % (expr, k) for k in range(64)]
    return [expr, "((%s) * 0 - 1) < 0" % expr] + bits


def gcc_batch(exprs):
    """gcc's verdict on each expression: ("error", message) or ("ok", truth, value, unsigned)."""
    blocks = [(i, p) for i, e in enumerate(exprs) for p in probes(e)]
    text = "".join("#if %s\nt\n#else\nf\n#endif\n" % p for _, p in blocks)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.c")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        proc = subprocess.run([GCC, "-E", "-P", "-undef", "-std=gnu11", "-nostdinc",
                               "-fno-diagnostics-show-caret", path],
                              capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    answers = proc.stdout.split()
    assert len(answers) == len(blocks), proc.stderr[:2000]
    errors = {}
    for m in re.finditer(r"^.*?probe\.c:(\d+):\d+: error: (.*)$", proc.stderr, re.M):
        errors.setdefault((int(m.group(1)) - 1) // 5, m.group(2).strip())
    results = []
    per = len(probes("0"))
    for i in range(len(exprs)):
        first = i * per
        if first in errors:
            results.append(("error", errors[first]))
            continue
        bad = [errors[b] for b in range(first, first + per) if b in errors]
        assert not bad, "gcc accepts %r but not a probe of it: %s" % (exprs[i], bad)
        bits = sum(1 << k for k in range(64) if answers[first + 2 + k] == "t")
        signed = answers[first + 1] == "t"
        value = bits - (1 << 64) if signed and bits >> 63 else bits
        results.append(("ok", answers[first] == "t", value, not signed))
    return results


def ours(expr):
    """The evaluator's verdict, in gcc_batch's form."""
    try:
        value = evaluate(lex_fragment(expr))
    except ExpressionError as e:
        return ("error", e.message)
    signed = evaluate(lex_fragment(probes(expr)[1]))
    return ("ok", value != 0, value, not signed)


def same(mine, theirs):
    if mine[0] == theirs[0] == "error":
        # gcc appends the iconv reason to "converting ... to execution character set"
        return theirs[1] == mine[1] or theirs[1].startswith(mine[1] + ":")
    return mine == theirs


# ----------------------------------------------------------------- the table
INTEGERS = [
    "0", "1", "42", "00", "0u", "0x0", "0x1F", "0XfF", "017", "0b101", "0B11", "0b0",
    "10u", "10U", "10l", "10L", "10ll", "10LL", "10ul", "10lu", "10LLu", "10uLL", "10Ull",
    "10llU", "10UL", "10lU",
    "9223372036854775807", "9223372036854775808", "18446744073709551615",
    "18446744073709551616", "27670116110564327424", "99999999999999999999",
    "340282366920938463463374607431768211457", "18446744073709551616u",
    "0xffffffffffffffff", "0x7fffffffffffffff", "0x8000000000000000", "0x10000000000000000",
    "0x18000000000000000", "01777777777777777777777", "0777777777777777777777",
    "02000000000000000000000", "0b" + "1" * 64, "0b1" + "0" * 63, "0b1" + "0" * 64,
    "-9223372036854775808", "-9223372036854775807 - 1", "0u - 1", "-1u", "-0x1",
]
BAD_NUMBERS = [
    "1lL", "1Ll", "1lul", "1uu", "1lll", "1ulL", "0x", "0b", "0b2", "08", "09u", "0b12",
    "1i", "1j", "1ui", "1abc", "1_", "0xg", "1z", "1wb", "0x1k", "1df", "1.0", "1e3", "1E+3",
    "0x1p3", ".5", "1.", "1e", "1e+", "1..2", "0x1.", "0x.p1", "0x1.p", "1.0x", "1.0f",
    "1.0dd", "1.0dD", "0x1.0p1df", "0b1.0", "0b1e2", "1k", "1r", "1uk", "1ULLk", "1hr", "1lk",
    "08k", "1.0f33", "1.0f32", "1.0f32x", "1.0f64x", "1.0f96", "1.0f16", "1.0bf16",
    "1.0q", "1.0w", "1.0fi", "1.0il", "1.0ff", "1e5.3", "0xe+1", "09.5", "1e-5",
]
CHARACTERS = [
    "'a'", "'a' == 97", "'\\n' == 10", "'\\t' == 9", "'\\\\' == 92", "'\\'' == 39",
    "'\\\"' == 34", "'\\?' == 63", "'\\a' == 7", "'\\b' == 8", "'\\f' == 12", "'\\r' == 13",
    "'\\v' == 11", "'\\e' == 27", "'\\E' == 27", "'\\0' == 0", "'\\377'", "'\\200'",
    "'\\177'", "'\\x41' == 65", "'\\xff'", "'\\x100'", "'\\x7f'", "'\\400'", "'\\1234'",
    "'\"'", "'ab'", "'abcd'", "'abcde'", "'\\377\\377\\377\\377'", "'\\200ab'", "'a\\0'",
    "L'a'", "L'\\xffffffff'", "L'\\x80000000'", "L'ab'", "L'\\377'", "u'\\xffff'",
    "U'\\xffffffff'", "u'a'", "U'a'", "u'ab'", "'\\q'", "'\\('", "'\\u00e9'", "L'\\u00e9'",
    "u'\\U0001F600'", "'\\U0001F600'", "U'\\U0001F600'", "'\\u0024'", "'\\U00110000'",
    "U'\\U7FFFFFFF'", "'\u00e9'", "L'\u00e9'", "u'\U0001F600'", "'\\\u00e9'", "'\u00e9\\n'",
]
BAD_CHARACTERS = [
    "''", "L''", "u''", "'\\x'", "L'\\x'", "'\\u0041'", "'\\u00'", "'\\U0001F6'", "'\\uD800'",
    "'\\U80000000'", "u'\\U00110000'", "'ab", "L'\\\u00e9'",
]
OPERATORS = [
    "1 + 2 * 3 == 7", "(1 + 2) * 3", "10 - 3 - 2", "100 / 10 / 5", "2 * 3 % 4", "1 << 2 + 1",
    "1 < 2 == 1", "3 == 3 == 1", "1 & 3 ^ 2 | 8", "6 & 3 == 3", "1 || 0 && 0", "0 && 1 || 1",
    "!0 + 1", "~0", "-~0", "!!5", "- -1", "+3", "~0u", "-(-9223372036854775807 - 1)",
    "1 ? 2 : 3", "0 ? 2 : 3", "1 ? 2 : 0 ? 3 : 4", "0 ? 1 : 0 ? 3 : 4", "0 ? 1 : 1 ? 3 : 4",
    "1 ? 0 ? 5 : 6 : 7", "(1, 2)", "1, 0", "0, 1", "(0, 1) ? 5 : 6", "1 ? 2, 3 : 4",
    "0 ? 2 : 3, 4", "1, 2 ? 3 : 4", "1 ? 2 : 3, 0", "(1, 2, 3)", "2 || 3", "2 && 3",
    "-1 || 0", "0 || 0", "1 + 2 == 3 && 4 < 5", "1 | 2 ^ 3 & 4", "(1 | 2) ^ (3 & 4)",
    "-1 ? 5 : 6", "0x8000000000000000 ? 1 : 2", "!-1", "!0u",
]
ARITHMETIC = [
    "9223372036854775807 + 1", "(9223372036854775807 + 1) < 0", "-9223372036854775807 - 2",
    "9223372036854775807 * 2", "-7 / 2", "-7 % 2", "7 / -2", "7 % -2", "-7 / -2", "-7 % -2",
    "-7 / 2u", "-7 % 2u", "(-9223372036854775807 - 1) / -1", "(-9223372036854775807 - 1) % -1",
    "0xffffffffffffffff / 2", "-1 / 1u", "-1 % 10u", "2 * -3", "-2 * -3", "0x8000000000000000 * 2",
    "4294967296 * 4294967296", "4294967296 * 4294967295", "-4294967296 * 4294967296",
    "18446744073709551615 + 1", "0 - 1u", "5u - 7", "3 * 0xffffffffffffffff",
    "-1 < 1u", "-1 > 0u", "0u - 1 == -1", "1u == 1", "-1 <= -1", "-2 >= -1", "-1 < -2",
    "-1 == 0xffffffffffffffff", "(1 ? -1 : 0u) < 0", "(0 ? 0u : -1) < 0", "(1 ? -1 : 0) < 0",
    "(1 ? 1 : 0u) - 2 < 0", "(1 || 0u) - 2 < 0", "(1u == 1) - 2 < 0", "!0u - 2 < 0",
    "(1 < 2u) - 2 < 0", "(1, 0u) - 1 < 0", "(0u, 0) - 1 < 0", "~0u >> 63", "-(1u)",
    "(1 ? -1 : (-1/0u)) < 0", "(0 ? (-1/0u) : -1) < 0", "(1 ? -1 : (1u/0)) < 0",
    "(1 ? -1 : (1u%0)) < 0", "(1 ? -1 : (-1/0)) < 0", "(0 ? 0u/0 : 0) - 1 < 0",
    "-1 & 0xff", "-1 | 0u", "5 ^ -1", "0x5555555555555555 ^ 0xaaaaaaaaaaaaaaaa",
]
SHIFTS = [
    "1 << 63", "(1 << 63) < 0", "1 << 64", "1 << 65", "1 << 1000", "-1 << 1", "-1 >> 1",
    "-1 >> 63", "-1 >> 64", "-1 >> 100", "-8 >> 1", "1u << 63 >> 63", "0x8000000000000000 >> 63",
    "(1 << 63) >> 63", "1 << -1", "4 >> -1", "4 << -2", "-1 >> -1", "-4 << -1",
    "1 << (-9223372036854775807 - 1)", "-1 >> (-9223372036854775807 - 1)",
    "1 << 0xffffffffffffffff", "-1 >> 0xffffffffffffffff", "-1 >> 64u", "1u << -1",
    "-16 >> 2u", "3 << 62", "(3 << 62) < 0", "1 << 63u", "2u >> -1", "-1 << 63",
    "-1 << 64", "0x8000000000000000 << 1", "(-1 >> 1) < 0", "(-1u >> 1) < 0", "1 >> 0",
]
IDENTIFIERS = ["foo", "foo + 1", "!foo", "true", "false", "true || false", "foo ? 1 : 2", "-foo"]
SYNTAX_ERRORS = [
    "", "1 +", "+", "1 + * 2", "* 2", "(", ")", "()", "(1", "1)", "(1))", "((1)", "1 2",
    "1 (2)", "(1) 2", "1 !", "1 ~ 2", "1 ?", "1 ? 2", "1 ? 2 :", "? 1 : 2", "1 : 2", ": 2",
    "1 ? 2 : 3 : 4", "(1 ? 2)", "1 ? (2 : 3)", "\"str\"", "L\"str\"", "1 = 1", "foo = 1",
    "1 += 1", "foo++", "{", "1 ; 2", "1 [2]", "1 . 2", "@", "`", "1 ## 2", "1 -> 2",
    "1 ... 2", "<:", "1 <: 2", "foo(1)", "foo bar", "1/0", "1%0", "1 / (2 - 2)", "0 || 1/0",
    "1 && 1/0", "(1/0)", "0 ? 1 : 1/0", "1 ? 1/0 : 2", "1/0 + 1.0", "1/0 1.0", "(1/0",
    "1 + 1.0 +", "1.0 +", "1, /", "(,1)", "1 ,", ",", "1 <", "!", "-", "~", "1 &&",
    "0 && 1.0", "1 || ''", "0 && 08", "0 ? 1.0 : 1", "1 ? 1 : '\\x'", "(1 ? 2 : 3", "1 ? 2 :)",
    "0 ? (1 : 2)", "1 || (0 ? 1/0 : 2/0)", "(1)(2)", "1 - - ", "1 <<", "1 ? : 2",
    "(1, 2", "((((1))))", "1 ? 2 : (3, 4 : 5)", "1 / 0u", "0 % 0",
]
ELIDED = [
    "1 || 1/0", "0 && 1/0", "0 ? 1/0 : 2", "1 ? 2 : 1/0", "1 ? 2 : 1 % 0", "0 && (1/0)",
    "(0 ? 1/0 : 2)", "0 && 1/0 || 1", "1 || 1/0 && 0", "0 ? 1/0, 2 : 3", "1 ? 2 : 3 / 0, 4",
    "0 && (1 ? 1/0 : 0)", "1 || (0 || 1/0)", "0 ? 0 ? 1/0 : 2/0 : 3", "1 ? 2 : 0 ? 1/0 : 3",
]
TABLE = INTEGERS + BAD_NUMBERS + CHARACTERS + BAD_CHARACTERS + OPERATORS + ARITHMETIC + \
    SHIFTS + IDENTIFIERS + SYNTAX_ERRORS + ELIDED


@pytest.fixture(scope="module")
def gcc_table():
    return gcc_batch(TABLE)


@needs_gcc
@pytest.mark.parametrize("index", range(len(TABLE)), ids=lambda i: TABLE[i] or "<empty>")
def test_table_against_gcc(gcc_table, index):
    expr = TABLE[index]
    assert same(ours(expr), gcc_table[index]), \
        "%r: macrotrace %r, gcc %r" % (expr, ours(expr), gcc_table[index])


def test_table_covers_every_kind_of_verdict():
    assert len(TABLE) >= 120 and len(set(TABLE)) == len(TABLE)


# ----------------------------------------------------------------- random expressions
INTERESTING = [0, 1, 2, 3, 7, 8, 31, 32, 63, 64, 65, 127, 128, 255, 256, 2**31 - 1, 2**31,
               2**32 - 1, 2**32, 2**62, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 2**63 + 5]
SUFFIXES = ["", "", "", "", "u", "U", "l", "L", "ll", "LL", "ul", "lu", "ULL", "llu", "Lu"]
CHARS = ["'a'", "'\\377'", "'\\0'", "'ab'", "'abcd'", "'\\xff'", "L'\\xffffffff'", "L'a'",
         "u'\\xffff'", "U'\\xffffffff'", "'\\n'", "'\\e'", "'\\u00e9'", "'\\200\\0\\0\\0'"]
BINARY = ["*", "/", "%", "+", "-", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&", "^",
          "|", "&&", "||"]


@st.composite
def literals(draw):
    n = draw(st.one_of(st.sampled_from(INTERESTING), st.integers(0, 100),
                       st.integers(0, 2**64 + 2**40)))
    form = draw(st.sampled_from(["%d", "%d", "0x%x", "0X%X", "0%o", "0b{:b}"]))
    text = form.format(n) if "{" in form else form % n
    return text + draw(st.sampled_from(SUFFIXES))


atoms = st.one_of(literals(), literals(), literals(), st.sampled_from(CHARS),
                  st.sampled_from(["x", "foo", "true", "false"]))


def compound(sub):
    return st.one_of(
        st.tuples(st.sampled_from(["-", "+", "~", "!"]), sub).map(" ".join),
        st.tuples(sub, st.sampled_from(BINARY), sub).map(" ".join),
        st.tuples(sub, sub, sub).map(lambda t: "%s ? %s : %s" % t),
        sub.map("(%s)".__mod__),
        st.tuples(sub, sub).map(lambda t: "(%s, %s)" % t),
    )


expressions = st.recursive(atoms, compound, max_leaves=10)
# Token soup, mostly malformed: the first error must be the one gcc reports first.
SOUP = ["0", "1", "7", "0u", "x", "1.0", "08", "'a'", "(", ")", "?", ":", ",", "+", "-", "*",
        "/", "%", "<<", "<", "==", "&", "||", "&&", "!", "~", "=", '"s"']
soups = st.lists(st.sampled_from(SOUP), min_size=1, max_size=10).map(" ".join)


@needs_gcc
@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(expressions, expressions, expressions, soups), min_size=50, max_size=50))
def test_random_expressions_against_gcc(exprs):
    for expr, theirs in zip(exprs, gcc_batch(exprs)):
        mine = ours(expr)
        assert same(mine, theirs), "%r: macrotrace %r, gcc %r" % (expr, mine, theirs)


# ----------------------------------------------------------------- the interface
def test_padding_is_skipped_and_eof_ends_the_expression():
    toks = lex_fragment("1 + 2 * 3")
    padded = [tokens.padding(None)]
    for t in toks:
        padded += [t, tokens.padding(t)]
    padded += [tokens.eof_token(), tokens.Token(tokens.PUNCT, ")")]
    assert evaluate(padded) == 7


def test_only_padding_is_no_expression():
    with pytest.raises(ExpressionError) as info:
        evaluate([tokens.padding(None), tokens.eof_token()])
    assert info.value.message == "#if with no expression"


def test_the_error_names_the_offending_token():
    toks = lex_fragment("1 + (2 / 0)")
    with pytest.raises(ExpressionError) as info:
        evaluate(toks)
    assert info.value.token is toks[4] and str(info.value) == "division by zero in #if"
    toks = lex_fragment("(1 + 2")
    with pytest.raises(ExpressionError) as info:
        evaluate(toks)
    assert info.value.token is toks[0]


def test_values_come_back_in_their_c_type():
    assert evaluate(lex_fragment("-1")) == -1
    assert evaluate(lex_fragment("-1u")) == MASK
    assert evaluate(lex_fragment("1 ? -1 : 0u")) == MASK
    assert evaluate(lex_fragment("(-9223372036854775807 - 1) / -1")) == -2**63
    assert evaluate(lex_fragment("'\\377'")) == -1
    assert evaluate(lex_fragment("U'\\xffffffff'")) == 2**32 - 1


def test_assertions_are_refused_rather_than_guessed():
    # gcc knows #cpu(x86_64) unless -undef; the engine keeps no assertions.
    with pytest.raises(ExpressionError):
        evaluate(lex_fragment("#cpu(x86_64)"))
