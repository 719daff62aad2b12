# cython: boundscheck=False, wraparound=False
# (compiled: every index in this module is checked by its code, and none is negative)
"""Translation phases 1-3: characters to preprocessing tokens, as gcc lexes them.

What gcc (``-std=gnu11``) does and this module matches:
- ``\\r\\n`` and lone ``\\r`` end lines; a backslash before a newline splices lines
  (white space between them is tolerated, as gcc does with a warning);
- no trigraphs (gnu modes ignore them);
- comments become white space; a block comment spanning lines does not end the line;
- pp-numbers (``1.5e+3``, ``0x1p-2``, ``12abc``), ``$`` in identifiers, prefixed string and
  character literals (``u8"" u"" U"" L""``, ``u'' U'' L''``; ``u8''`` only with
  ``u8_char`` (-std=c2x/gnu2x): before C2x ``u8'c'`` is the identifier ``u8`` then
  ``'c'``), raw strings ``R"x(...)x"``,
  digraphs, and a stray character as an OTHER token.
Other languages (``lang.LangOptions``: -std=c89, c99..., assembler) change some of these:
trigraphs, digraphs, literal prefixes, raw strings, ``$``, ``::``, ``p+`` exponents.
An unterminated string or character literal becomes one OTHER token running to the end
of its line, flagged UNTERMINATED; the caller decides whether it is an error (gcc does
not complain about them inside skipped ``#if 0`` blocks).
"""

import re
from itertools import accumulate
from sys import intern
from types import FunctionType

from .lang import DEFAULT
from .tokens import (BOL, CHAR, DIGRAPH, DIGRAPHS, DIRECTIVE, IDENT, INDENTED, NUMBER, OTHER,
                     PREV_WHITE, PUNCT, STRING, UNTERMINATED, Token, new_token)


# lex_span finds the common tokens (ASCII identifiers, numbers, punctuators, terminated
# literals, comments, blanks) with a scanner written out character by character, and
# leaves the rest (literal prefixes, raw strings, UCNs, non-ASCII, stray characters,
# what is unterminated) to the token regex, matched at the same place: the same tokens
# as the regex alone.  Compiled, the scanner is C and ~4x faster than re; in pure
# Python re is faster, so it runs alone there (tests turn the scanner on in both).
FAST_SCAN = not isinstance(Token.__init__, FunctionType)

_SPLICE = re.compile(r"\\[ \t\f\v]*\n")
_BLANK_SPLICE = re.compile(r"\\[ \t\f\v]+\n")     # a splice with blanks before its newline

_PUNCTUATORS = """... <<= >>= -> ++ -- << >> <= >= == != && || *= /= %= += -= &= ^= |= ##
    [ ] ( ) { } . & * + - ~ ! / % < > ^ | ? : ; = , #""".split()
_DIGRAPH_PUNCTUATORS = ["%:%:", "<:", ":>", "<%", "%>", "%:"]

# Each match is one token (or newline, or comment) with the blanks before it: one step
# of the lexer's loop per token, not two.  The most common tokens are tried first, with
# lookaheads that leave to the later branches what they must win: an identifier is not a
# literal's prefix (L"x"), a punctuator does not start a comment or a number (.5).
# ``ident2`` is the identifier that starts what looked like a raw string but is not one.
_TOKEN_PATTERN = r"""
    [ \t\f\v]*
   (?:(?P<nl>\n)
   |(?P<ident>(?!STRING_PREFIX"|CHAR_PREFIX'RLOOK)(?:ID_STARTUCN)(?:ID_CHARUCN)*)
   |(?P<punct>(?!\.[0-9]|/[*/])(?:PUNCTUATORS))
   |(?P<block>/\*.*?\*/)
   |(?P<open_block>/\*.*)
   |(?P<line_comment>//[^\n]*)
   |(?P<number>\.?[0-9](?:EXPONENT[+-]|NUMBER_CHARUCN)*)
   RAW
   |(?P<string>STRING_PREFIX"(?:[^"\\\n]|\\.)*")
   |(?P<char>CHAR_PREFIX'(?:[^'\\\n]|\\.)*')
   |(?P<open_literal>(?:STRING_PREFIX"|CHAR_PREFIX')[^\n]*)
   |(?P<ident2>(?:ID_STARTUCN)(?:ID_CHARUCN)*)
   |(?P<other>.))
    """
# a raw string's delimiter: gcc's d-chars, the basic source characters but for space,
# parentheses, backslash and control characters (no $, @, ` or non-ASCII)
_DELIMITER_CHARS = "A-Za-z0-9_{}\\[\\]#<>%:;.?*+\\-/^&|~!=,\"'"
_RAW = r"""|(?P<raw>STRING_PREFIXR"(?P<delim>[DCHARS]{0,16})\(.*?\)(?P=delim)")
   |(?P<open_raw>STRING_PREFIXR"[DCHARS]{0,16}\()""".replace("DCHARS", _DELIMITER_CHARS)


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"


def _char_class(ascii_chars, xid):
    """A regex class of the characters ``ascii_chars`` and, with ``xid``, every UTF-8
    letter: U+0080 and up but not U+D800..U+DFFF (bytes that are not UTF-8, rawbytes.py,
    are stray characters).  With ``xid`` it is written as its complement, the same set:
    re compiles a class spelled with the range up to U+10FFFF in ~5 ms (30 ms a run, at
    every start), the complement at once."""
    if not xid:
        return "[%s]" % re.escape(ascii_chars)
    left_out = "".join(chr(c) for c in range(128) if chr(c) not in ascii_chars)
    return r"[^%s\ud800-\udfff]" % re.escape(left_out)


def identifier_classes(lang):
    """(an identifier's first character, its other characters) in ``lang``, as regex
    classes (condscan.py reads directive names with them)."""
    letters = _LETTERS + ("$" if lang.dollars else "")
    return _char_class(letters, lang.xid), _char_class("0123456789" + letters, lang.xid)


def _pattern(lang):
    """The token regex's text for one language's options (see lang.py)."""
    letters = _LETTERS + ("$" if lang.dollars else "")
    string_prefix = "(?:u8|u|U|L)?" if lang.uliterals else "L?"
    char_prefix = ("(?:u8|u|U|L)?" if lang.u8_char else "(?:u|U|L)?") if lang.uliterals else "L?"
    puncts = _PUNCTUATORS + (_DIGRAPH_PUNCTUATORS if lang.digraphs else []) + (["::"] if lang.scope else [])
    pattern = (_TOKEN_PATTERN
               .replace("RAW", _RAW if lang.rliterals else "")
               .replace("RLOOK", '|STRING_PREFIXR"' if lang.rliterals else "")
               .replace("STRING_PREFIX", string_prefix)
               .replace("CHAR_PREFIX", char_prefix)
               .replace("EXPONENT", "[eEpP]" if lang.xnum else "[eE]")
               .replace("UCN", r"|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}" if lang.xid else "")
               .replace("ID_START", _char_class(letters, lang.xid))
               .replace("ID_CHAR", _char_class("0123456789" + letters, lang.xid))
               .replace("NUMBER_CHAR", _char_class("0123456789." + letters, lang.xid))
               .replace("PUNCTUATORS", "|".join(re.escape(p) for p in sorted(puncts, key=len, reverse=True))))
    return pattern


def _compile(lang):
    """The token regex for one language's options (see lang.py)."""
    return re.compile(_pattern(lang), re.VERBOSE | re.DOTALL)


def _group_numbers(pattern):
    """The token regex's ``groupindex``, read from its text without compiling it (a run
    whose scanner needs no regex compiles none: ~1% of a unit).  Its groups are all
    named (``(?P<name>``); tests/test_scanner.py checks this against ``re``."""
    return {part.split(">", 1)[0]: k for k, part in enumerate(pattern.split("(?P<")[1:], 1)}


def _literal_prefixes(lang):
    """(the identifiers that start a string or raw string literal when a ``"`` follows,
    those that start a character literal when a ``'`` follows), as the token regex's
    identifier lookahead has them: another identifier before a quote is an identifier."""
    strings = ["", "u8", "u", "U", "L"] if lang.uliterals else ["", "L"]
    chars = (["", "u8", "u", "U", "L"] if lang.u8_char else ["", "u", "U", "L"]) if lang.uliterals else ["", "L"]
    raws = [p + "R" for p in strings] if lang.rliterals else []
    return frozenset(strings[1:] + raws), frozenset(chars[1:])


_REGEXES = {}


def _regex(lang):
    rx = _REGEXES.get(lang)
    if rx is None:
        rx = _REGEXES[lang] = _compile(lang)
    return rx


_LEXING = {}


def _lexing(lang):
    """The token regex of ``lang``, the kind each of its groups makes, and the numbers of
    the groups the lexer's loop tells apart (looked up by the options' identity: lexing
    a chunk must cost little more than its tokens)."""
    got = _LEXING.get(id(lang))
    if got is None or got[0] is not lang:
        groups = _group_numbers(_pattern(lang))
        got = _LEXING[id(lang)] = (lang, (_literal_prefixes(lang), _kinds_by_index(groups), groups["nl"],
                                          groups.get("raw", -1), groups["punct"], groups["open_literal"],
                                          groups["open_block"], groups["line_comment"],
                                          groups.get("open_raw", -1), groups["ident2"],
                                          (groups["ident"], groups["number"], groups["string"],
                                           groups["char"], groups["block"])))
    return got[1]


_DOUBLED = {c: c + c for c in "+&|#"}           # (punctuator's constants)
_WITH_EQ = {c: c + "=" for c in "+&|*/^=!"}


def punctuator(text, pos, n, digraphs, scope):
    """The punctuator at ``text[pos]`` (``n``: the text's length), the longest one as the
    token regex's alternation (longest first) finds it, or None; with ``digraphs`` and
    ``scope`` as the language has them.  A constant string, not a slice of ``text``:
    compiled, a switch on C characters (the scanner's, one a punctuator: ~40% of tokens)."""
    c = text[pos]
    d = text[pos + 1] if pos + 1 < n else "\n"
    if (c == "(" or c == ")" or c == "," or c == ";" or c == "{" or c == "}" or c == "[" or c == "]"
            or c == "~" or c == "?"):
        return c        # (compiled: Python's own one-character string, made once)
    elif c == ".":
        return "..." if d == "." and pos + 2 < n and text[pos + 2] == "." else "."
    elif c == "-":
        return "->" if d == ">" else "--" if d == "-" else "-=" if d == "=" else "-"
    elif c == "+" or c == "&" or c == "|" or c == "#":
        return _DOUBLED[c] if d == c else _WITH_EQ[c] if d == "=" and c != "#" else c
    elif c == "*" or c == "/" or c == "^" or c == "=" or c == "!":
        return _WITH_EQ[c] if d == "=" else c
    elif c == "<":
        if d == "<":
            return "<<=" if pos + 2 < n and text[pos + 2] == "=" else "<<"
        if d == "=":
            return "<="
        if digraphs and d == ":":
            return "<:"
        if digraphs and d == "%":
            return "<%"
        return "<"
    elif c == ">":
        if d == ">":
            return ">>=" if pos + 2 < n and text[pos + 2] == "=" else ">>"
        if d == "=":
            return ">="
        return ">"
    elif c == "%":
        if d == "=":
            return "%="
        if digraphs and d == ">":
            return "%>"
        if digraphs and d == ":":
            return "%:%:" if pos + 3 < n and text[pos + 2] == "%" and text[pos + 3] == ":" else "%:"
        return "%"
    elif c == ":":
        if digraphs and d == ">":
            return ":>"
        if scope and d == ":":
            return "::"
        return ":"
    return None


_KIND = {"number": NUMBER, "raw": STRING, "string": STRING, "char": CHAR, "ident": IDENT,
         "punct": PUNCT, "other": OTHER, "open_literal": OTHER, "ident2": IDENT,
         "open_raw": OTHER}
_KINDS = {}


def _kinds_by_index(groups):
    """For each group number of a token regex (``groups``: its groupindex), the kind of
    token it makes (None: a newline, a comment, or an inner group)."""
    key = tuple(sorted(groups.items()))
    kinds = _KINDS.get(key)
    if kinds is None:
        kinds = [None] * (max(groups.values()) + 1)
        for name, index in groups.items():
            kinds[index] = _KIND.get(name)
        kinds = _KINDS[key] = tuple(kinds)
    return kinds


class LexDiagnostic:
    __slots__ = ("line", "col", "message")

    def __init__(self, line, col, message):
        self.line, self.col, self.message = line, col, message


_TRIGRAPHS = {"=": "#", "/": "\\", "'": "^", "(": "[", ")": "]", "!": "|", "<": "{", ">": "}", "-": "~"}
_TRIGRAPH = re.compile(r"\?\?([=/'()!<>-])")


def normalize(text, trigraphs=False):
    """Phase 1-2: unify line endings, drop a BOM, replace trigraphs (when the language
    has them), splice lines.

    Returns the spliced text, the sorted positions (in the spliced text) where a
    physical newline was removed, so that line numbers stay those of the file, and what
    was removed there (a raw string puts it back).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    if trigraphs and "??" in text:
        text = _TRIGRAPH.sub(lambda m: _TRIGRAPHS[m.group(1)], text)
    if "\\" not in text:
        return text, [], []
    if not (_blank_splice(text) if FAST_SCAN else _BLANK_SPLICE.search(text) is not None):
        # every splice is a backslash right before its newline (as nearly always): the
        # pieces between them give the positions, no match objects
        parts = text.split("\\\n")
        if len(parts) == 1:
            return text, [], []
        splices = list(accumulate(map(len, parts[:len(parts) - 1])))
        return "".join(parts), splices, ["\\\n"] * len(splices)
    parts = []
    splices = []
    spliced = []
    last = 0
    removed = 0
    for m in _SPLICE.finditer(text):
        parts.append(text[last:m.start()])
        removed += m.end() - m.start()
        splices.append(m.start() - (removed - (m.end() - m.start())))
        spliced.append(m.group())
        last = m.end()
    if not splices:
        return text, [], []
    parts.append(text[last:])
    return "".join(parts), splices, spliced


def _blank_splice(text):
    """Whether ``text`` holds a splice with blanks before its newline (``_BLANK_SPLICE``'s
    search, compiled: from backslash to backslash, each found by memchr)."""
    n = len(text)
    k = text.find("\\")
    while k >= 0:
        j = blanks_end(text, k + 1, n)
        if j > k + 1 and j < n and text[j] == "\n":
            return True
        k = text.find("\\", k + 1)
    return False


def lex(text, filename=None, first_line=1, lang=DEFAULT, stage3=False, directive_ends=None,
        directives=None, unterminated=None):
    """Lex a whole file.  Returns (tokens, diagnostics).

    White space and comments are not tokens; they set PREV_WHITE on the next token.
    The first token of each logical line carries BOL (and INDENTED when white space
    precedes it on that line).  ``stage3``: the text is a -D value, lexed as it is.
    ``directive_ends`` (a dict), when given, gets for each line starting with ``#`` the
    physical line its newline is on, keyed by the index of the token after the line
    (a #line directive numbers the line after it, splices included), when that is not
    the line of the token after the ``#`` (a kernel unit has 100,000 directives).
    ``directives`` (a list), when given, gets the index of each ``#`` that starts a line,
    and the tokens of those lines are flagged DIRECTIVE (not for assembler, where a ``#``
    line is a directive only if it names one: the caller decides); ``unterminated`` (a
    list) gets the UNTERMINATED tokens.
    """
    if stage3:      # a -D value (gcc's cpp_define): no trigraphs, no line splices
        text, splices, spliced = (text if text.endswith("\n") else text + "\n"), [], []
    else:
        text, splices, spliced = normalize(text, lang.trigraphs)
    tokens = []
    diags = []
    lex_span(text, splices, spliced, 0, first_line, 0, filename, lang, tokens, diags,
             directive_ends, directives, unterminated)
    return tokens, diags


# The identifier table (libcpp's ``ht``): one interned string per name, however many
# times it is written.  Compiled, ``name_at`` finds it without making a string: a C
# table (lexer.pxd) hashes the name's characters where they stand in the text and
# compares them with its names', so a name seen before costs no allocation, no siphash
# and no dict lookup, and its string (hash cached) is found by identity in the macro
# table and elsewhere.  Pure Python, a dict does the same (``_NAMES``).  Bounded: both
# start again empty past ``MAX_NAMES`` names.
# lexer.pxd's C (the identifier table, the scanner's loops): compiled only (taken at
# import: tests may turn the scanner on in pure Python)
_C_HELPERS = FAST_SCAN
MAX_NAMES = 1 << 20
_MAX_NAMES = MAX_NAMES          # (a C integer, compiled)
_NAMES = {}


def name_at(text, start, end):
    """The identifier ``text[start:end]`` (spelled without UCNs), interned: the same
    string for the same spelling."""
    if _C_HELPERS:
        return _c_name_at(text, start, end, _MAX_NAMES)     # noqa: F821 (lexer.pxd's C)
    value = text[start:end]
    known = _NAMES.get(value)
    if known is None:
        if len(_NAMES) >= _MAX_NAMES:
            _NAMES.clear()
        known = _NAMES[value] = intern(value)
    return known


def names_count():
    """How many names the table holds (tests)."""
    return _c_names_count() if _C_HELPERS else len(_NAMES)     # noqa: F821 (lexer.pxd's C)


# the directives after which a preprocessor may skip a group (lex_span's ``chunk``)
SKIP_STARTS = frozenset(("if", "ifdef", "ifndef", "elif", "elifdef", "elifndef", "else"))


def lex_span(text, splices, spliced, start, line, sp, filename, lang, tokens, diags,
             directive_ends=None, directives=None, unterminated=None, line_starts=None,
             chunk=False, stop=None, where=None):
    """Lex normalized ``text`` (``normalize``'s three values) from offset ``start``, a
    line start on physical ``line`` with ``sp`` splices passed, appending to ``tokens``
    (see ``lex`` for the side tables).  ``chunk``: stop after the first line that is a
    directive in SKIP_STARTS (what follows may be skipped: source.py); ``stop``: stop
    at the line start ``stop`` (one this lexing reaches).  ``line_starts``
    (a dict), when given, gets for each line starting with ``#`` the offset of the line
    after it, keyed by the index of the token after it.  Returns the offset where
    lexing stopped (a line start, or the end of the text); ``where`` (a list), when
    given, gets the physical line there and the splices passed, where lexing stopped
    at a line start before the end."""
    line_start = start
    n = len(text)
    last_line = (n if stop is None else stop) - 1
    n_splices = len(splices)
    next_splice = splices[sp] if sp < n_splices else n + 1
    flags = BOL
    (prefixes, kinds, NL, RAW, PUNCT_, OPEN_LITERAL, OPEN_BLOCK, LINE_COMMENT, OPEN_RAW, IDENT2,
     groups) = _lexing(lang)
    IDENT_, NUMBER_, STRING_, CHAR_, BLOCK_ = groups
    match = None        # (the token regex's, compiled when first needed)
    fast = FAST_SCAN
    dollars = lang.dollars
    exp_p = lang.xnum
    digraphs = lang.digraphs
    scope = lang.scope
    hash_line = in_dir = False
    hash_at = 0
    marking = directives is not None
    append = tokens.append
    pos = start
    while pos < n:
        ws = pos            # (blanks, then one token, newline or comment)
        gi = 0
        value = None        # (the scanner's punctuator: a constant, not a slice)
        if fast:
            c = text[pos]
            while c == " " or c == "\t" or c == "\f" or c == "\v":
                pos += 1
                c = text[pos] if pos < n else "\n"
            start = end = pos
            if pos >= n:
                pass            # (blanks ending a text without a newline: the regex's)
            elif c == "\n":
                gi = NL
                end = pos + 1
            elif "a" <= c <= "z" or "A" <= c <= "Z" or c == "_" or c == "$" and dollars:
                end = name_end(text, pos + 1, n, dollars)
                c = text[end] if end < n else "\n"
                # a literal's prefix (L"x", u8'x', R"(x)"), a UCN or a letter beyond ASCII:
                # the regex; another name before a quote is a name (gcc's alt_end_marker"b")
                if c == '"' or c == "'":
                    if text[pos:end] not in prefixes[0 if c == '"' else 1]:
                        gi = IDENT_
                elif not (c == "\\" or c >= "\x80"):
                    gi = IDENT_
            elif "0" <= c <= "9" or c == "." and pos + 1 < n and "0" <= text[pos + 1] <= "9":
                end = number_end(text, pos + 1 if c != "." else pos + 2, n, dollars, exp_p)
                c = text[end] if end < n else "\n"
                if not (c == "\\" or c >= "\x80"):      # (a UCN or a letter beyond ASCII: the regex)
                    gi = NUMBER_
            elif c == "/" and pos + 1 < n and text[pos + 1] == "*":
                end = text.find("*/", pos + 2)
                if end >= 0:            # (else an unterminated comment: the regex)
                    end += 2
                    gi = BLOCK_
            elif c == "/" and pos + 1 < n and text[pos + 1] == "/":
                end = text.find("\n", pos + 2)
                if end < 0:
                    end = n
                gi = LINE_COMMENT
            elif c == '"' or c == "'":
                quote = c
                end = pos + 1
                while end < n:
                    c = text[end]
                    if c == quote or c == "\n":
                        break
                    end += 2 if c == "\\" else 1
                if end < n and c == quote:      # (else unterminated: the regex)
                    end += 1
                    gi = STRING_ if quote == '"' else CHAR_
            elif c < "\x80":
                value = punctuator(text, pos, n, digraphs, scope)
                if value is not None:
                    end = pos + len(value)
                    gi = PUNCT_
            if gi == 0:
                pos = ws
        scanned = gi != 0       # (the scanner's identifiers hold no UCN)
        if gi == 0:
            if match is None:
                match = _regex(lang).match
            m = match(text, pos)
            gi = m.lastindex
            start = m.start(gi)
            end = m.end()
        pos = end
        if start != ws:
            flags |= PREV_WHITE
        if gi == NL:
            if hash_line:
                if directive_ends is not None:
                    k = sp
                    if start >= next_splice:
                        while k < n_splices:
                            at = splices[k]         # (a C integer compiled: none made a splice)
                            if at > start:
                                break
                            k += 1
                    end_line = line + k - sp
                    k = hash_at + 1          # (a line that ends where its name is needs no entry)
                    if k >= len(tokens):
                        directive_ends[len(tokens)] = end_line
                    else:
                        name_tok = tokens[k]
                        if name_tok.line != end_line:
                            directive_ends[len(tokens)] = end_line
                hash_tok = tokens[hash_at]
                if hash_tok.text == "#" or hash_tok.text == "%:":
                    if line_starts is not None:
                        line_starts[len(tokens)] = start + 1
                    if chunk and hash_at + 1 < len(tokens):
                        name_tok = tokens[hash_at + 1]
                        if name_tok.kind is IDENT and not name_tok.flags & BOL and name_tok.text in SKIP_STARTS:
                            last_line = start       # (stop after this line)
            hash_line = False
            line += 1
            line_start = start + 1
            flags = BOL
            if start >= last_line:
                if where is not None:
                    where += (line, sp)
                return start + 1
            continue
        if start >= next_splice:
            while sp < n_splices:
                at = splices[sp]
                if at > start:
                    break
                line += 1
                # a splice inside a token or comment can be passed only now, after a later
                # newline: it still counts a line, but the line starts after that newline
                if at > line_start:
                    line_start = at
                sp += 1
            next_splice = splices[sp] if sp < n_splices else n + 1
        kind = kinds[gi]
        if kind is None:        # a comment: white space
            if gi == OPEN_BLOCK:
                diags.append(LexDiagnostic(line, start - line_start + 1, "unterminated comment"))
            if gi != LINE_COMMENT:
                newlines = text.count("\n", start, end)
                if newlines:
                    line += newlines
                    line_start = text.rfind("\n", start, end) + 1
            flags |= PREV_WHITE
            continue
        if value is None:
            if kind is IDENT and (scanned or text.find("\\", start, end) < 0):
                value = name_at(text, start, end)       # (the scanner's hold no UCN)
            else:
                value = text[start:end]
        if flags & BOL:
            if flags & PREV_WHITE:
                flags |= INDENTED
            hash_line = gi == PUNCT_
            hash_at = len(tokens)
            if marking:
                in_dir = hash_line and (value == "#" or value == "%:")
                if in_dir:
                    directives.append(len(tokens))
        col = start - line_start + 1
        spelling = None
        if kind is IDENT:
            if gi == IDENT2:    # R" that starts no raw string: its delimiter is not one
                diags.append(LexDiagnostic(line, col, bad_raw_delimiter(text, end + 1)))
            if not scanned and "\\" in value:
                spelling = value            # as written, for # (see tokens.Token)
                value, bad = ucn_identifier(value)
                if bad:
                    diags.append(LexDiagnostic(line, col, bad))
        elif gi == PUNCT_:
            c = value[0]
            if (c == "<" or c == "%" or c == ":") and value in DIGRAPHS:
                flags |= DIGRAPH
        elif gi == OPEN_LITERAL:
            flags |= UNTERMINATED
        elif gi == OPEN_RAW or gi == RAW and hash_line and "\n" in value and tokens[hash_at].text in ("#", "%:"):
            # gcc: a raw string must end before the end of the file, or in a directive
            # before the end of its line (an error; the file ends there)
            diags.append(LexDiagnostic(line, col, "unterminated raw string"))
            return n
        if in_dir:
            flags |= DIRECTIVE
        tok = new_token(kind, value, flags, line, col, filename)
        if spelling is not None:
            tok.source = spelling
        append(tok)
        flags = 0
        if gi == RAW:
            if sp < n_splices and splices[sp] < end:
                # a line splice inside a raw string is undone (phase 2 is reverted there)
                parts, last = [], start
                while sp < n_splices and splices[sp] < end:
                    parts += [text[last:splices[sp]], spliced[sp]]
                    last = splices[sp]
                    sp += 1
                next_splice = splices[sp] if sp < n_splices else n + 1
                value = "".join(parts) + text[last:end]
                tok.text = value
            if "\n" in value:
                line += value.count("\n")
                line_start = start + value.rfind("\n") + 1
        elif gi == OPEN_LITERAL and unterminated is not None:
            unterminated.append(tok)
    return n



def next_event(text, pos, digraphs, raw):
    """Where condscan's ``events`` regex matches next in ``text`` from ``pos`` (-1: nowhere),
    by a scan on C characters (compiled): a newline before a line whose first non-blank
    is ``#``, ``/*`` or (``digraphs``) ``%:``; ``/*`` or ``//``; a quote; (``raw``) ``R"``.
    At one offset at most one of them can match, so the first offset where one does is
    the regex's match."""
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == "\n":
            k = blanks_end(text, pos + 1, n)
            c = text[k] if k < n else "\n"
            if k < n and (c == "#" or k + 1 < n and (c == "/" and text[k + 1] == "*"
                                                     or digraphs and c == "%" and text[k + 1] == ":")):
                return pos
            pos = k         # (the blanks hold no event; what ends them is looked at next)
            continue
        if c == "/":
            if pos + 1 < n:
                c = text[pos + 1]
                if c == "*" or c == "/":
                    return pos
        elif c == '"' or c == "'":
            return pos
        elif c == "R" and raw and pos + 1 < n and text[pos + 1] == '"':
            return pos
        pos += 1
    return -1


def line_opening(text, pos, digraphs, dollars):
    """What condscan's line-start regex (``condscan._patterns``) matches at the line start
    ``pos``, by a scan on C characters (compiled): blanks and complete block comments,
    then a directive's ``#`` (``%:`` with ``digraphs``; not ``##``), blanks and comments
    again and the directive's name.  Returns (end of the match, the name or None, the
    name's offset), end -1 for a line an unterminated comment opens (the comment's offset
    third), or None where the regex must decide: a name with a UCN or a character
    beyond ASCII."""
    n = len(text)
    pos = _past_blanks(text, pos, n)
    if pos >= n:
        return pos, None, 0
    c = text[pos]
    if c == "#":
        if pos + 1 < n and text[pos + 1] == "#":
            return pos, None, 0
        k = pos + 1
    elif c == "%" and digraphs and pos + 1 < n and text[pos + 1] == ":":
        if pos + 3 < n and text[pos + 2] == "%" and text[pos + 3] == ":":
            return pos, None, 0
        k = pos + 2
    elif c == "/" and pos + 1 < n and text[pos + 1] == "*":
        return -1, None, pos            # (a complete comment is a blank: this one is open)
    else:
        return pos, None, 0
    k = _past_blanks(text, k, n)
    if k >= n:
        return k, None, 0
    c = text[k]
    if "a" <= c <= "z" or "A" <= c <= "Z" or c == "_" or c == "$" and dollars:
        end = name_end(text, k + 1, n, dollars)
        c = text[end] if end < n else "\n"
        if c == "\\" or c >= "\x80":
            return None
        return end, text[k:end], k
    if c == "\\" or c >= "\x80":
        return None
    return k, None, 0


def _past_blanks(text, pos, n):
    """Past the blanks and complete block comments at ``pos`` (line_opening's)."""
    while pos < n:
        c = text[pos]
        if c == " " or c == "\t" or c == "\f" or c == "\v":
            pos = blanks_end(text, pos + 1, n)
        elif c == "/" and pos + 1 < n and text[pos + 1] == "*":
            end = text.find("*/", pos + 2)
            if end < 0:
                return pos
            pos = end + 2
        else:
            return pos
    return pos


_DELIMITER_CHAR = re.compile("[%s]" % _DELIMITER_CHARS)


def bad_raw_delimiter(text, q):
    """gcc's error for the raw string whose delimiter starts at offset ``q`` and is not
    one: too long, or a character a delimiter may not hold (before its ``(``)."""
    for k in range(17):
        c = text[q + k] if q + k < len(text) else "\n"
        if k == 16:
            return "raw string delimiter longer than 16 characters"
        if not _DELIMITER_CHAR.match(c):
            return ("invalid new-line in raw string delimiter" if c == "\n" else
                    "invalid character '%s' in raw string delimiter"
                    % (c if c.isprintable() else "\\%03o" % ord(c)))


def lex_fragment(text, filename="<fragment>"):
    """Lex text that is not a file (a -D value, a pasted spelling).  Tokens only."""
    tokens, _ = lex(text, filename)
    return tokens


def relex_single(spelling, lang=DEFAULT):
    """Lex ``spelling`` and return its token if it is exactly one token, else None.

    This is how ``##`` decides whether a paste gives a valid preprocessing token.
    """
    if spelling.isascii() and spelling.isidentifier():
        # a plain name (most pastes make one): the regex's identifier, without it (no
        # quote follows it, so it is no literal's prefix)
        return Token(IDENT, spelling, 0)
    if spelling and spelling.isascii():
        # a punctuator or a pp-number (most other pastes: x ## UL, - ## >): the regex's
        # token, without it (tests/test_scanner.py checks them against the regex)
        n = len(spelling)
        p = punctuator(spelling, 0, n, lang.digraphs, lang.scope)
        if p is not None and len(p) == n and not spelling.startswith(("/*", "//")):
            return Token(PUNCT, spelling, DIGRAPH if spelling in DIGRAPHS else 0)
        if _pp_number(spelling, n, lang):
            return Token(NUMBER, spelling, 0)
    return _relex_by_regex(spelling, lang)


def _pp_number(s, n, lang):
    """Whether the ASCII ``s`` (``n`` characters) is one pp-number, as the token regex
    reads one (an exponent's sign taken with it; a UCN left to the regex: False)."""
    c = s[0]
    if "0" <= c <= "9":
        k = 1
    elif c == "." and n > 1 and "0" <= s[1] <= "9":
        k = 2
    else:
        return False
    return number_end(s, k, n, lang.dollars, lang.xnum) == n


# Compiled, the scanner's loops over a name's, a number's or blanks' characters are C
# loops on the text's own characters (lexer.pxd: a 1-byte text read as bytes), the
# loops below as they are written.
def blanks_end(text, k, n):
    """Past the blanks (space, tab, form feed, vertical tab) at ``k`` in ``text`` (``n``:
    its length)."""
    if _C_HELPERS:
        return _c_blanks_end(text, k, n)      # noqa: F821 (lexer.pxd's C)
    while k < n:
        c = text[k]
        if c == " " or c == "\t" or c == "\f" or c == "\v":
            k += 1
        else:
            break
    return k


def name_end(text, k, n, dollars):
    """Where the name whose first characters end at ``k`` ends in ``text`` (``n``: its
    length): its ASCII letters, digits and ``_`` (``$`` with ``dollars``).  The scanner's
    and ``line_opening``'s, one loop."""
    if _C_HELPERS:
        return _c_name_end(text, k, n, dollars)      # noqa: F821 (lexer.pxd's C)
    while k < n:
        c = text[k]
        if "a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9" or c == "_" or c == "$" and dollars:
            k += 1
        else:
            break
    return k


def number_end(text, k, n, dollars, exp_p):
    """Where the pp-number whose first characters end at ``k`` ends in ``text`` (``n``:
    its length): its letters, digits, ``_``, ``.`` (``$`` with ``dollars``), an exponent's
    sign taken with its ``e``/``E`` (``p``/``P`` with ``exp_p``).  The scanner's and
    ``relex_single``'s pp-number, one loop."""
    if _C_HELPERS:
        return _c_number_end(text, k, n, dollars, exp_p)      # noqa: F821 (lexer.pxd's C)
    while k < n:
        c = text[k]
        if ((c == "e" or c == "E" or exp_p and (c == "p" or c == "P")) and k + 1 < n
                and (text[k + 1] == "+" or text[k + 1] == "-")):
            k += 2
        elif "a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9" or c == "_" or c == "." or c == "$" and dollars:
            k += 1
        else:
            break
    return k


def _relex_by_regex(spelling, lang):
    """``relex_single`` by the token regex alone."""
    m = _regex(lang).match(spelling)
    if m is None or m.end() != len(spelling) or m.start(m.lastindex) != 0:
        return None         # (not one token, or blanks before it)
    group = m.lastgroup
    if group in ("nl", "block", "open_block", "line_comment", "open_literal", "open_raw"):
        return None
    flags = DIGRAPH if group == "punct" and spelling in DIGRAPHS else 0
    if group in ("ident", "ident2") and "\\" in spelling:
        name, bad = ucn_identifier(spelling)
        if bad:
            return None             # gcc: an error (\u0061 is not a valid universal character)
        tok = Token(IDENT, name, flags)
        tok.source = spelling
        return tok
    return Token(_KIND[group], spelling, flags)


_UCN = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def ucn_identifier(spelling):
    """(name, error or None): an identifier's UCNs as the characters they name, so that
    macro\\u5B57, macro\\U00005b57 and macro字 are one name, as in gcc."""
    bad = []

    def char(m):
        code = int(m.group(1) or m.group(2), 16)
        if code < 0xA0 and code not in (0x24, 0x40, 0x60) or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            bad.append("%s is not a valid universal character" % m.group())
            return m.group()
        return chr(code)
    name = _UCN.sub(char, spelling)
    return name, (bad[0] if bad else None)
