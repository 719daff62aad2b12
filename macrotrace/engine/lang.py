"""The source language a run preprocesses: a C standard (``-std``) or assembler
(``-x assembler-with-cpp``), and what each changes in lexing and directives.

The values are gcc 12's (libcpp's ``lang_defaults`` table, checked against ``gcc -E``
in tests/test_gcc_compat.py):

=========  ===  ====  ===  ====  ====  ====  ====  ====  =====  =======
language   c99  xnum  xid  std   digr  ulit  rlit  trig  scope  elifdef
=========  ===  ====  ===  ====  ====  ====  ====  ====  =====  =======
gnu89       0    1     0    0     1     0     0     0     1      1
gnu99       1    1     1    0     1     1     1     0     1      1
gnu11/17    1    1     1    0     1     1     1     0     1      1
gnu2x       1    1     1    0     1     1     1     0     1      1
c89         0    0     0    1     0     0     0     1     0      0
c94         0    0     0    1     1     0     0     1     0      0
c99         1    1     1    1     1     0     0     1     0      0
c11/17      1    1     1    1     1     1     0     1     0      0
c2x         1    1     1    1     1     1     0     1     1      1
assembler   0    1     0    0     0     0     0     0     0      1
=========  ===  ====  ===  ====  ====  ====  ====  ====  =====  =======

xnum: ``p+``/``p-`` continue a pp-number; xid: UTF-8 and UCNs in identifiers; std:
strict ISO; digr: digraphs; ulit: ``u"" U"" u8""`` prefixes; rlit: raw strings;
trig: trigraphs (``-trigraphs`` turns them on anywhere); scope: ``::`` is one token;
elifdef: ``#elifdef``/``#elifndef`` are directives.  In assembler ``$`` is not an
identifier character, ``#`` lines that are no directive pass through, a paste that
makes no token is no error, and ``__ASSEMBLER__`` is predefined.
"""

from ..record import record, replace

ASSEMBLER = "assembler-with-cpp"


@record(frozen=True)
class LangOptions:
    name: str = "gnu11"
    asm: bool = False
    c99: bool = True
    std: bool = False            # strict ISO mode
    xnum: bool = True
    xid: bool = True
    digraphs: bool = True
    uliterals: bool = True
    rliterals: bool = True
    trigraphs: bool = False
    scope: bool = True
    elifdef: bool = True
    u8_char: bool = False        # u8'c' character constants (C2x)
    dollars: bool = True         # $ in identifiers
    version: str = "201112L"     # __STDC_VERSION__, None when the standard has none
    short_wchar: bool = False    # -fshort-wchar: L'x' is an unsigned short in #if

    def predefined(self):
        """What ``gcc -undef`` still predefines in this language."""
        defs = ["__STDC__ 1"]
        if self.asm:
            return defs + ["__STDC_HOSTED__ 1", "__ASSEMBLER__ 1"]
        if self.version:
            defs.append("__STDC_VERSION__ %s" % self.version)
        defs.append("__STDC_HOSTED__ 1")
        if self.uliterals:
            defs += ["__STDC_UTF_16__ 1", "__STDC_UTF_32__ 1"]
        return defs


def _row(c99, xnum, xid, std, digr, ulit, rlit, trig, scope, elifdef, u8=False, version=None):
    return dict(c99=bool(c99), xnum=bool(xnum), xid=bool(xid), std=bool(std), digraphs=bool(digr),
                uliterals=bool(ulit), rliterals=bool(rlit), trigraphs=bool(trig), scope=bool(scope),
                elifdef=bool(elifdef), u8_char=u8, version=version)


_GNU89 = _row(0, 1, 0, 0, 1, 0, 0, 0, 1, 1)
_GNU99 = _row(1, 1, 1, 0, 1, 1, 1, 0, 1, 1, version="199901L")
_GNU11 = _row(1, 1, 1, 0, 1, 1, 1, 0, 1, 1, version="201112L")
_GNU17 = _row(1, 1, 1, 0, 1, 1, 1, 0, 1, 1, version="201710L")
_GNU2X = _row(1, 1, 1, 0, 1, 1, 1, 0, 1, 1, u8=True, version="202000L")
_C89 = _row(0, 0, 0, 1, 0, 0, 0, 1, 0, 0)
_C94 = _row(0, 0, 0, 1, 1, 0, 0, 1, 0, 0, version="199409L")
_C99 = _row(1, 1, 1, 1, 1, 0, 0, 1, 0, 0, version="199901L")
_C11 = _row(1, 1, 1, 1, 1, 1, 0, 1, 0, 0, version="201112L")
_C17 = _row(1, 1, 1, 1, 1, 1, 0, 1, 0, 0, version="201710L")
_C2X = _row(1, 1, 1, 1, 1, 1, 0, 1, 1, 1, u8=True, version="202000L")
_ASM = _row(0, 1, 0, 0, 0, 0, 0, 0, 0, 1)

# every -std= name gcc 12 accepts for C, with its aliases
STANDARDS = {
    "c89": _C89, "c90": _C89, "iso9899:1990": _C89, "iso9899:199409": _C94,
    "c99": _C99, "c9x": _C99, "iso9899:1999": _C99, "iso9899:199x": _C99,
    "c11": _C11, "c1x": _C11, "iso9899:2011": _C11,
    "c17": _C17, "c18": _C17, "iso9899:2017": _C17, "iso9899:2018": _C17,
    "c2x": _C2X,
    "gnu89": _GNU89, "gnu90": _GNU89, "gnu99": _GNU99, "gnu9x": _GNU99,
    "gnu11": _GNU11, "gnu1x": _GNU11, "gnu17": _GNU17, "gnu18": _GNU17, "gnu2x": _GNU2X,
}

LANGUAGES = ("c", ASSEMBLER)


class UnknownLanguage(ValueError):
    pass


def lang_options(std="gnu11", language="c", trigraphs=None, dollars=None, short_wchar=False):
    """The options of ``-std=STD`` (and ``-x LANGUAGE``, ``-trigraphs``,
    ``-f[no-]dollars-in-identifiers``, ``-fshort-wchar``)."""
    if std not in STANDARDS:
        raise UnknownLanguage("unknown -std=%s (known: %s)" % (std, ", ".join(sorted(STANDARDS))))
    if language not in LANGUAGES:
        raise UnknownLanguage("unknown language -x %s (known: %s)" % (language, ", ".join(LANGUAGES)))
    if language == ASSEMBLER:
        opts = LangOptions(name=ASSEMBLER, asm=True, dollars=False, **_ASM)
    else:
        opts = LangOptions(name=std, **STANDARDS[std])
    if trigraphs is not None:
        opts = replace(opts, trigraphs=bool(trigraphs))
    if dollars is not None:
        opts = replace(opts, dollars=bool(dollars))
    if short_wchar:
        opts = replace(opts, short_wchar=True)
    return opts


DEFAULT = lang_options()
