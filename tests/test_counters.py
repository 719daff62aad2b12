"""Relocating a header segment's __COUNTER__ values (engine/counters.py): which runs of
digits in its output and in the names it looked up hold one of its values.  The scan
takes shortcuts (each value counted in the output, names searched only when a value
is in them); its answer must be the plain rule's, a regex over every run of digits."""

import re

from hypothesis import assume, given, settings, strategies as st

from macrotrace.engine import counters


def by_the_rule(chunk, names, c0, c1):
    """The places and renamed names a full regex scan finds (None: not relocatable)."""
    values = {str(v): v - c0 for v in range(c0, c1)}
    runs = re.compile("(?<![0-9])(?:%s)(?![0-9])" % "|".join(sorted(values, key=len, reverse=True)))
    places = tuple((m.start(), m.end() - m.start(), values[m.group()]) for m in runs.finditer(chunk))
    renamed = []
    for k, name in enumerate(names):
        found = list(runs.finditer(name))
        if len(found) > 1:
            return None
        for m in found:
            renamed.append((name, m.start(), m.end() - m.start(), values[m.group()], b"%d" % k))
    return places, tuple(renamed)


pieces = st.sampled_from(["7", "8", "9", "10", "11", "12", "1", "0", "78", "x", " ", "+", "id_", ";\n", "a9"])


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=30), st.lists(st.lists(pieces, max_size=4).map("".join), max_size=6),
       st.integers(7, 11), st.integers(1, 3), st.data())
def test_the_places_found_are_the_plain_rules(parts, names, c0, n, data):
    c1 = c0 + n
    values = {str(v) for v in range(c0, c1)}
    # the printer marks the parts that are exactly a value (as __COUNTER__ prints one)
    marks = {i for i, p in enumerate(parts) if p in values and data.draw(st.booleans())}
    names = [nm for nm in dict.fromkeys(names) if nm]
    chunk = "".join(parts)
    got = counters.relocation(parts, 0, marks, chunk, c0, c1, names,
                              [b"%d" % k for k in range(len(names))], set())
    want = by_the_rule(chunk, names, c0, c1)
    # relocatable exactly when the marked parts are all the value runs the rule sees
    marked_places = []
    offset = 0
    for i, p in enumerate(parts):
        if i in marks:
            marked_places.append((offset, len(p), int(p) - c0))
        offset += len(p)
    if want is None or tuple(marked_places) != want[0]:
        assert got is None
    else:
        assert got is not None
        assert got[0] == want[0]
        assert got[1][0] == want[1]


def test_a_value_glued_to_other_digits_is_not_relocated():
    parts = ["int x", "12", "3;"]        # prints x123: the 12 is not a run of its own
    assert counters.relocation(parts, 0, {1}, "".join(parts), 12, 13, [], [], set()) is None


def test_a_value_printed_unmarked_is_not_relocated():
    parts = ["a ", "12", " b 12"]       # a second 12 the printer did not mark
    assert counters.relocation(parts, 0, {1}, "".join(parts), 12, 13, [], [], set()) is None
    assert counters.relocation(parts[:2], 0, {1}, "".join(parts[:2]), 12, 13, [], [], set()) \
        == (((2, 2, 0),), ((), ()))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(pieces, min_size=1, max_size=6).map("".join), min_size=100, max_size=200),
       st.integers(7, 11), st.integers(1, 3))
def test_the_names_of_a_long_lookup_list_are_found_by_the_plain_rule(names, c0, n):
    """A segment looks up hundreds of names: each one's runs of digits that are values
    (read in C when compiled) are the regex rule's."""
    c1 = c0 + n
    names = [nm for nm in dict.fromkeys(names) if nm]
    values = {str(v): v - c0 for v in range(c0, c1)}
    rule = [(j, m.start(), m.end() - m.start(), values[m.group()])
            for j, name in enumerate(names) for m in re.finditer("[0-9]+", name) if m.group() in values]
    assert counters.names_runs(names, c0, c1) == counters.names_runs(tuple(names), c0, c1) == rule
    parts = ["int x = ", str(c0), ";\n"]
    got = counters.relocation(parts, 0, {1}, "".join(parts), c0, c1, names,
                              [b"%d" % k for k in range(len(names))], set())
    want = by_the_rule("".join(parts), names, c0, c1)
    if want is None:
        assert got is None
    else:
        assert got is not None and got[1][0] == want[1]


digits = st.sampled_from(["0", "00", "07", "1", "9", "10", "99", "100", "999", "1000", "123456789012345678901234",
                          "\u0663", "\u00e9", "\U0001f600", "x", "_", " ", "\0"])


@settings(max_examples=400, deadline=None)
@given(st.lists(digits, max_size=25).map("".join), st.integers(0, 1005), st.integers(1, 1000))
def test_the_runs_of_a_text_that_are_values_are_the_plain_rules(text, c0, n):
    """Any text (non-ASCII, other digits than ASCII's, runs with zeros first or longer
    than any value): the runs found are those a regex over every run finds, each one's
    digits a value's spelling."""
    c1 = c0 + n
    values = {str(v): v - c0 for v in range(c0, c1)}
    rule = [(m.start(), m.end() - m.start(), values[m.group()])
            for m in re.finditer("[0-9]+", text) if m.group() in values]
    assert counters.value_runs(text, c0, c1) == rule
