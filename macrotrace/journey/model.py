"""The journey: plain data, JSON both ways.

A journey has one chain per initcall written in the file (and, with --matrix, per side:
built-in and module); a chain is a list of stations, from the invocation to the call
at boot or at insmod; each station has its facts (label: value), the evidence that
proves them (a film, a table, a piece of code) and, when an artifact is not there,
what is missing and how to get it.
"""

from dataclasses import dataclass, field
from typing import List, Optional

from ..trace.model import _build, check_document, plain

SCHEMA = 1


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class FilmStep:
    macro: str                # "" for the invocation as written
    where: str                # the definition's file:line
    text: str                 # the whole text after this step
    span: Optional[List[int]] = None     # [start, end) of what this step inserted in ``text``


@dataclass
class Evidence:
    kind: str                 # "film", "table", "code", "calls"
    title: str
    source: str = ""          # where it comes from: a file, a command
    columns: List[str] = field(default_factory=list)
    rows: List[List[str]] = field(default_factory=list)
    text: str = ""
    steps: List[FilmStep] = field(default_factory=list)


@dataclass
class Station:
    key: str                  # expansion, declaration, object, linker-script, boot, alias, mod.c, ko, insmod
    title: str
    summary: str              # one line: what this station establishes
    status: str = "ok"        # ok, missing (an artifact is not there), mismatch
    facts: List[Fact] = field(default_factory=list)
    missing: Optional[str] = None     # what is missing and how to get it
    evidence: List[Evidence] = field(default_factory=list)


@dataclass
class Chain:
    function: str
    macro: str
    file: str
    line: int
    side: str                 # "built-in" or "module"
    switches: dict
    stations: List[Station] = field(default_factory=list)


@dataclass
class Journey:
    file: str
    config: dict
    kernel: str               # the kernel version the call chains describe
    chains: List[Chain] = field(default_factory=list)
    command: List[str] = field(default_factory=list)
    kind: str = "journey"
    schema: int = SCHEMA
    tool: str = "macrotrace"

    def to_dict(self):
        return plain(self)

    @classmethod
    def from_dict(cls, d):
        check_document(d, "journey", SCHEMA)
        return _build(cls, d, _NESTED)


_NESTED = {
    Journey: {"chains": (Chain, True)},
    Chain: {"stations": (Station, True)},
    Station: {"facts": (Fact, True), "evidence": (Evidence, True)},
    Evidence: {"steps": (FilmStep, True)},
}
