"""The lexer's hand-written scanner (lexer.FAST_SCAN, on when the engine is compiled)
gives exactly the tokens of the token regex alone: same kinds, spellings, flags, lines,
columns, diagnostics and side tables, on real kernel headers, on every language's
options, and on random text made of the characters where lexing is tricky.

Both scanners run in this process, whichever engine it loaded (the scanner is plain
Python too, only slower there); test_compiled.py checks compiled against pure."""

import glob
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macrotrace.engine import lang as langs
from macrotrace.engine import lexer
from macrotrace.engine.tokens import DIGRAPH, DIGRAPHS

HEADERS = sorted(glob.glob("/usr/src/linux-headers-*-common/include/linux/*.h"))[:400]

LANGS = [langs.lang_options(std) for std in ("gnu11", "c89", "gnu89", "c99", "c11", "c2x", "gnu2x")] + [
    langs.lang_options(language=langs.ASSEMBLER), langs.lang_options(dollars=False),
    langs.lang_options("c11", trigraphs=True)]


def _lex(text, lang, fast, stop_chunks=False):
    """Everything lex_span gives for ``text``, with the scanner on or off."""
    saved = lexer.FAST_SCAN
    lexer.FAST_SCAN = fast
    try:
        text, splices, spliced = lexer.normalize(text, lang.trigraphs)
        out = []
        at, line, sp = 0, 1, 0
        while True:
            tokens, diags, ends, directives, unterminated, starts = [], [], {}, [], [], {}
            end = lexer.lex_span(text, splices, spliced, at, line, sp, "f.h", lang, tokens, diags, ends,
                                 directives, unterminated, starts, chunk=stop_chunks)
            out.append((end, [(t.kind, t.text, t.flags, t.line, t.col, t.source) for t in tokens],
                        [(d.line, d.col, d.message) for d in diags], ends, directives,
                        [t.col for t in unterminated], starts))
            if not stop_chunks or end >= len(text):
                return out
            # the next chunk from where this one stopped (as source.Source reads a file)
            line = 1 + text.count("\n", 0, end) + sum(1 for s in splices if s <= end)
            sp = sum(1 for s in splices if s <= end)
            at = end
    finally:
        lexer.FAST_SCAN = saved


def _same(text, lang=langs.DEFAULT, stop_chunks=False):
    assert _lex(text, lang, True, stop_chunks) == _lex(text, lang, False, stop_chunks)


@pytest.mark.skipif(not HEADERS, reason="Debian's linux-headers-amd64 is not installed")
def test_kernel_headers_lex_the_same():
    # (what a cold kernel unit lexes: thousands of defines, comments, numbers, strings)
    for path in HEADERS:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            text = fh.read()
        _same(text, stop_chunks=True)


@pytest.mark.parametrize("lang", LANGS, ids=lambda lg: "%s-%s-%s" % (lg.name, lg.dollars, lg.trigraphs))
def test_tricky_spellings_lex_the_same_in_every_language(lang):
    text = r"""#define A(x) L"s" u8"s" u'c' U"s" u8'c' R"d(raw
)d" R"(x)" LR"(y)" foo"bar" x'y'
0x1p-3 1e+5 1E-5 .5e+ 12abc$ 1.2.3 0x1P+ 1_000 a$b $x \u00e9t\u00E9 caf\u00e9 é 1é
<: :> <% %> %: %:%: :: ::: <::> ... .. . ->* ->> >>= <<= ## # ? ~ @ ` \ $
a/*c*/b/*
multi */c // line \
spliced
"unterminated
'x
"a\"b" 'a\'' "\\" '\\' "\
" a /* open
"""
    _same(text, lang)
    _same(text, lang, stop_chunks=True)


def test_a_text_without_a_final_newline_and_trailing_blanks():
    for text in (" \\\n", "a  ", "a\t\f\v", "x /*", "'", '"\\', "R\"(", "1e", "..", "#if x\n#endif   "):
        saved = lexer.FAST_SCAN
        for fast in (True, False):
            lexer.FAST_SCAN = fast
            try:
                assert lexer.lex_span(text, [], [], 0, 1, 0, "f", langs.DEFAULT, [], []) == len(text)
            finally:
                lexer.FAST_SCAN = saved
        _same(text)


PIECES = ["a", "Z", "_", "$", "0", "9", "1e", "0x", "p+", "e-", ".", "..", "...", "/", "*", "/*", "*/",
          "//", "\n", " ", "\t", "\f", "\v", '"', "'", "\\", "\\\n", "L", "u8", "u", "U", "R", "R\"(",
          ")\"", "<", ":", "%", ">", "#", "##", "%:", "=", "-", "+", "&", "|", "@", "`", "é", "\\u00e9",
          "\\U0001F600", "\x00", "\x7f", "??=", "\r\n", "\r"]


@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from(LANGS))
def test_random_text_lexes_the_same(pieces, lang):
    text = "".join(pieces)
    _same(text, lang)
    _same(text, lang, stop_chunks=True)


def _normalize_by_regex(text):
    """Phase 2 as one regex pass: the text without its splices, where each was in the
    result, and what it removed (normalize's answer, after its phase 1)."""
    import re
    out, splices, spliced, last = [], [], [], 0
    for m in re.finditer(r"\\[ \t\f\v]*\n", text):
        out.append(text[last:m.start()])
        splices.append(sum(len(p) for p in out))
        spliced.append(m.group())
        last = m.end()
    out.append(text[last:])
    return "".join(out), splices, spliced


@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.lists(st.sampled_from(["a", "\\", "\\\n", "\\ \n", "\\\t\n", "\n", " ", "\\\\\n", "x\\"]),
                max_size=30))
def test_line_splices_found_as_by_the_regex(pieces):
    text = "".join(pieces) + "\n"
    assert lexer.normalize(text) == _normalize_by_regex(text)


@pytest.mark.parametrize("spelling", ["ab_1", "_", "L", "u8", "R", "defined", "a$b", "$", "1ab", "0x1p",
                                      "+=", "%:%:", "a b", " a", "ab\\u00e9", "\\u0061", "é", "L'a'",
                                      'u8"s"', "a\n", "/", "//", "x-", "0xdead000000000000UL", "1e+5",
                                      "0x1p-3", "1e", "1.2.3", ".5", ".5e+", "1$", "1\\u00e9", "->", "<::",
                                      "::", ":::", "...", "..", "/*", "/=", "<<=", "%:%", "<%", "##", "@",
                                      "1+", "e+1", "1 2"])
@pytest.mark.parametrize("lang", LANGS[:2] + LANGS[-3:-1], ids=lambda lg: "%s-%s" % (lg.name, lg.dollars))
def test_a_pasted_spelling_relexed_as_the_regex_lexes_it(spelling, lang):
    # relex_single takes a plain ASCII name, a punctuator or a pp-number without the
    # regex: the same token
    _relexed_as_by_the_regex(spelling, lang)


@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5), st.sampled_from(LANGS))
def test_random_pasted_spellings_relex_as_by_the_regex(pieces, lang):
    _relexed_as_by_the_regex("".join(pieces), lang)


@pytest.mark.parametrize("lang", LANGS, ids=lambda lg: "%s-%s-%s" % (lg.name, lg.dollars, lg.trigraphs))
def test_the_token_regex_groups_are_read_from_its_text(lang):
    # the lexer numbers the regex's groups without compiling it
    rx = lexer._regex(lang)
    groups = lexer._group_numbers(lexer._pattern(lang))
    assert groups == dict(rx.groupindex) and len(groups) == rx.groups


def _relexed_as_by_the_regex(spelling, lang):
    got = lexer.relex_single(spelling, lang)
    m = lexer._regex(lang).match(spelling)
    one = m is not None and m.end() == len(spelling) and m.start(m.lastindex) == 0 \
        and m.lastgroup not in ("nl", "block", "open_block", "line_comment", "open_literal", "open_raw")
    if not one:
        assert got is None
    elif got is not None:
        kind = lexer._KIND[m.lastgroup]
        assert (got.kind, got.source or got.text, got.flags & ~DIGRAPH) == (kind, spelling, 0)
        assert bool(got.flags & DIGRAPH) == (kind == "punct" and spelling in DIGRAPHS)


# -- skipping a group: lexer.next_event (the scan condscan uses compiled) against the
# regex it stands for, and what a skip finds with either

def _events_by_regex(text, lang):
    from macrotrace.engine.condscan import _patterns
    events = _patterns(lang)[0]
    out, pos = [], 0
    while True:
        m = events.search(text, pos)
        if m is None:
            return out
        out.append(m.start())
        pos = m.start() + 1


def _events_by_scan(text, lang):
    out, pos = [], 0
    while True:
        q = lexer.next_event(text, pos, lang.digraphs, lang.rliterals)
        if q < 0:
            return out
        out.append(q)
        pos = q + 1


def _skips(text, lang, fast):
    """What condscan finds in ``text`` from each line start (its conditional lines, the
    unterminated literals met, the error), the event scan on or off."""
    from macrotrace.engine.condscan import LexError, conditional_lines
    saved = lexer.FAST_SCAN
    lexer.FAST_SCAN = fast
    try:
        text = lexer.normalize(text, lang.trigraphs)[0]
        out = []
        for start in [0] + [k + 1 for k, c in enumerate(text) if c == "\n"][:60]:
            literals = []
            try:
                found = list(conditional_lines(text, start, lang, literals))
                error = None
            except LexError as e:
                found, error = None, (e.offset, e.message)
            out.append((found, literals, error))
        return out
    finally:
        lexer.FAST_SCAN = saved


SKIP_PIECES = ["\n", " ", "\t", "\v", "#", "%:", "%", ":", "/", "*", "/*", "*/", "//", '"', "'", "R",
               'R"', 'R"x(', ')x"', "u8R", "if", "endif", "else", "ifdef x", "a", "\\", "\\\n", "??="]


@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SKIP_PIECES), max_size=40), st.sampled_from(LANGS))
def test_random_text_skips_the_same(pieces, lang):
    text = "".join(pieces)
    assert _events_by_scan(text, lang) == _events_by_regex(text, lang)
    assert _skips(text, lang, True) == _skips(text, lang, False)


@pytest.mark.skipif(not HEADERS, reason="Debian's linux-headers-amd64 is not installed")
def test_kernel_headers_skip_the_same():
    for path in HEADERS[:150]:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            text = lexer.normalize(fh.read())[0]
        for lang in (langs.DEFAULT, LANGS[1]):
            assert _events_by_scan(text, lang) == _events_by_regex(text, lang), path


# -- a line's start in a skipped group: lexer.line_opening (condscan's, compiled) against
# the regex it stands for

LINE_PIECES = [" ", "\t", "\f", "\v", "#", "##", "%:", "%:%:", "%", ":", "/*", "*/", "/* c */", "/",
               "if", "ifdef", "elif", "endif", "define", "x1", "_", "$", "\u00e9", "\\u00e9", "\\",
               "1", "\n", '"']


def _openings(text, lang):
    """(scan, regex) of each line start of ``text``: where the match ends, the name and
    where it is (or an unterminated comment's offset, end -1); the scan's None (the regex
    decides) only where a name holds a UCN or a character beyond ASCII."""
    from macrotrace.engine.condscan import _patterns
    opening = _patterns(lang)[1].match
    out = []
    for start in [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]:
        m = opening(text, start)
        if m.group("open") is not None:
            want = (-1, None, m.start("open"))
        else:
            name = m.group("name")
            want = (m.end(), name, m.start("name") if name is not None else 0)
        got = lexer.line_opening(text, start, lang.digraphs, lang.dollars)
        if got is None:
            assert "\\" in text[start:] or not text[start:].isascii()
            continue
        out.append((got, want))
    return out


@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=30), st.sampled_from(LANGS))
def test_random_line_starts_read_as_the_regex(pieces, lang):
    for got, want in _openings("".join(pieces) + "\n", lang):
        assert got == want


@pytest.mark.skipif(not HEADERS, reason="Debian's linux-headers-amd64 is not installed")
def test_kernel_header_line_starts_read_as_the_regex():
    for path in HEADERS[:150]:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            text = lexer.normalize(fh.read())[0]
        for got, want in _openings(text, langs.DEFAULT):
            assert got == want, path


@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["\\", " ", "\t", "\f", "\v", "\n", "a", "\\\n", "\\ \n"]), max_size=30))
def test_blank_splices_found_as_the_regex_finds_them(pieces):
    text = "".join(pieces)
    assert lexer._blank_splice(text) == (lexer._BLANK_SPLICE.search(text) is not None)
    assert lexer.normalize(text) == _normalize_by_regex(text)


def _normalize_by_regex(text):
    saved = lexer.FAST_SCAN
    lexer.FAST_SCAN = False
    try:
        return lexer.normalize(text)
    finally:
        lexer.FAST_SCAN = saved


# -- the identifier table (lexer.name_at: a C table compiled, a dict in pure Python)

NAME_CHARS = "abcxyzAZ_$09" + "é字😀"


@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.lists(st.text(NAME_CHARS, min_size=1, max_size=12), min_size=1, max_size=30),
       st.sampled_from(["", " ", "é ", "字 ", "😀 "]))
def test_a_name_is_one_interned_string_for_its_spelling(names, filler):
    # the same names in texts of each width (1, 2, 4 bytes a character): each found is
    # the spelling, and the very string sys.intern gives for it, however often written
    import sys
    text = filler + " ".join(names + names[::-1]) + filler
    at = len(filler)
    for name in names + names[::-1]:
        got = lexer.name_at(text, at, at + len(name))
        assert got == name and got is sys.intern(name)
        at += len(name) + 1


def test_the_identifier_table_grows_and_is_bounded():
    # past half full the table grows (names kept); past MAX_NAMES it starts empty again
    import sys
    names = ["n%d_x" % k for k in range(lexer.MAX_NAMES + 10)]
    text = " ".join(names)
    at = 0
    for name in names:
        assert lexer.name_at(text, at, at + len(name)) is sys.intern(name)
        at += len(name) + 1
    assert 0 < lexer.names_count() <= lexer.MAX_NAMES
    assert lexer.name_at(text, 0, len(names[0])) is sys.intern(names[0])      # (found again)


# -- how an identifier prints (printer.plain_name: a C test on the string compiled)

@settings(max_examples=int(os.environ.get("MACROTRACE_FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.text("abcAZ_$09\\uUé字😀", min_size=1, max_size=12))
def test_a_name_prints_as_spelled_when_ascii_without_a_ucn(name):
    # the compiled test against what it replaces, on names of each width, with and
    # without a backslash; and what the printer makes of them
    from macrotrace.engine import printer
    from macrotrace.engine.tokens import IDENT, Token
    assert printer.plain_name(name) == (name.isascii() and "\\" not in name)
    tok = Token(IDENT, name, 0, 1, 1, "<t>")
    spelled = name if name.isascii() and "\\" not in name else printer.ucn_spelling(name)
    assert printer.printed(tok) == spelled
