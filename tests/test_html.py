"""The HTML report: valid, self-contained, escapes all source text, spans match the model."""

import html
import os
import re
from html.parser import HTMLParser

from macrotrace.config import RunConfig
from macrotrace.render.html import render, render_matrix
from macrotrace.tracing import run_matrix, run_trace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "embed", "source", "track", "wbr"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], []
        self.marks = []          # (class, start, end, text)
        self._mark = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
        a = dict(attrs)
        if tag == "mark":
            self._mark = [a.get("class"), int(a["data-start"]), int(a["data-end"]), ""]

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("unexpected </%s> at %s (open: %s)" % (tag, self.getpos(), self.stack[-3:]))
        else:
            self.stack.pop()
        if tag == "mark" and self._mark:
            self.marks.append(tuple(self._mark))
            self._mark = None

    def handle_data(self, data):
        if self._mark is not None:
            self._mark[3] += data


def check(text):
    c = Checker()
    c.feed(text)
    c.close()
    assert not c.errors, c.errors[:3]
    assert not c.stack, "unclosed: %s" % c.stack
    return c


def test_report_is_valid_and_marks_match_the_model():
    trace, _ = run_trace(RunConfig(source=HELLO, macro="module_init", lto=True, prel32=True))
    page = render(trace)
    c = check(page)
    steps = trace.invocations[0].steps
    texts = {}
    for s in steps[1:]:
        texts.setdefault(("inserted", s.after_span[0], s.after_span[1]), []).append(s.text)
        texts.setdefault(("replaced", s.before_span[0], s.before_span[1]), []).append(steps[s.index - 1].text)
    assert c.marks, "no marked spans"
    for cls, a, b, shown in c.marks:
        candidates = texts[(cls, a, b)]
        assert any(t[a:b] == shown for t in candidates), (cls, a, b, shown)
    ids = [a.get("id") for t, a in c.tags if t == "article"]
    assert ids == ["inv0-step%d" % i for i in range(len(steps))]


def test_self_contained_no_network():
    trace, _ = run_trace(RunConfig(source=HELLO, macro="module_init", module=True))
    page = render(trace)
    check(page)
    for tag, attrs in Checker().tags:
        pass
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert "<link" not in page and "@import" not in page


def test_hostile_source_text_is_escaped(tmp_path):
    src = tmp_path / "x.c"
    src.write_text('#define EVIL(x) "</script>" <b>x</b> x\n#define S(x) #x\nEVIL(</script><b>bold</b>) S(<i>)\n')
    trace, _ = run_trace(RunConfig(source=str(src), macro="EVIL", bundled_headers=False))
    page = render(trace)
    c = check(page)
    tags = {t for t, _ in c.tags}
    assert "b" not in tags and "i" not in tags
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    assert html.escape("</script>") in page or "&lt;/script&gt;" in page


def test_matrix_report():
    matrix = run_matrix(RunConfig(source=HELLO, macro="module_init"))
    page = render_matrix(matrix)
    check(page)
    assert "where the chains part" in page.lower()
    assert page.count('class="invocation"') == len(matrix.groups)


def test_documented_example_report_command(tmp_path):
    """The README's command for examples/ makes the matrix report."""
    import shlex
    from difftest import run_macrotrace
    readme = open(os.path.join(ROOT, "README.md")).read()
    line = next(l for l in readme.splitlines() if l.startswith("macrotrace module_init examples/hello.c --matrix"))
    args = shlex.split(line)[1:]
    out = str(tmp_path / "hello-module_init.html")
    args[args.index("-o") + 1] = out
    status, _, err = run_macrotrace(args, cwd=ROOT)
    assert status == 0, err
    page = open(out).read()
    check(page)
    assert "8 configurations" in page and "chains part" in page.lower()


def test_declarations_table_in_the_report():
    trace, _ = run_trace(RunConfig(source=HELLO, macro="module_init", prel32=True))
    page = render(trace)
    check(page)
    assert "What it declares" in page
    assert "R_X86_64_PC32 against hello_init" in page and "<code>.initcall6.init</code>" in page
