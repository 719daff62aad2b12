"""The file reader (engine/reader.py, compiled when built): what it keeps to go faster
is what it would make again.

- a token's kind is the kind constant itself (the engine compares kinds by identity);
- the #if chain a definition records (kept between directives, and per file for the
  files under it) is the chain made from the whole stack at that point;
- a skipped group's events (``lexer.next_event``) are tests/test_scanner.py's.
"""

import os

from macrotrace.cli.main import main
from macrotrace.engine import preprocessor, tokens
from macrotrace.engine.tokens import Token

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")


def test_a_kind_spelled_anew_is_the_kind_constant():
    for kind in (tokens.IDENT, tokens.NUMBER, tokens.CHAR, tokens.STRING, tokens.PUNCT, tokens.OTHER,
                 tokens.PADDING, tokens.EOF, tokens.MACRO_ARG, tokens.PRAGMA):
        anew = "".join(list(kind))          # an equal string, not the same object
        assert Token(anew, "x").kind is kind
        assert Token(anew, "x").copy().kind is kind


def _chains_checked(monkeypatch, argv):
    """Run ``macrotrace expand`` in this process, checking at every definition that the
    chain the engine kept is the one made from the whole stack; returns how many."""
    checked = []
    install = preprocessor.Engine._install

    def checking_install(self, macro, name_tok):
        assert self._chain() == tuple(self.condition_chain())
        checked.append(macro.name)
        return install(self, macro, name_tok)

    monkeypatch.setattr(preprocessor.Engine, "_install", checking_install)
    assert main(argv) == 0
    return len(checked)


def test_the_chain_a_definition_records_is_the_whole_stacks(tmp_path, monkeypatch):
    (tmp_path / "a.h").write_text(
        "#ifndef A_H\n#define A_H\n#define IN_A 1\n"
        "#if X > 1\n#define BIG 1\n#include \"b.h\"\n#elif X\n#define SMALL 1\n#include \"b.h\"\n"
        "#else\n#define NONE 1\n#endif\n#define AFTER 1\n#endif\n")
    (tmp_path / "b.h").write_text(
        "#ifdef BIG\n#define B_BIG 1\n#ifndef Y\n#define B_NO_Y 1\n#endif\n#define B_END 1\n"
        "#else\n#define B_OTHER 1\n#endif\n#define B_LAST 1\n")
    (tmp_path / "main.c").write_text(
        "#define TOP 1\n#if 1\n#include \"a.h\"\n#define MID 1\n#endif\n#undef A_H\n"
        "#define X 1\n#if 2\n#ifdef TOP\n#include \"a.h\"\n#endif\n#endif\n#define END 1\nint x;\n")
    out = tmp_path / "out.i"
    for x in ("2", "1", "0"):
        n = _chains_checked(monkeypatch, ["expand", str(tmp_path / "main.c"), "-DX=" + x, "-o", str(out),
                                          "--no-cache"])
        assert n > 10


def test_the_chain_on_the_bundled_headers(tmp_path, monkeypatch):
    assert _chains_checked(monkeypatch, ["expand", HELLO, "-o", str(tmp_path / "out.i"), "--no-cache"]) > 50
