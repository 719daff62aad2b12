"""The HTML report: valid, self-contained, escapes all source text, spans match the model.

Reports are made from real traces (every macro defined in tests/cases/*.c, a kernel-like
initcall chain, examples/hello.c) and parsed back with html.parser.
"""

import glob
import html
import os
import re
from html.parser import HTMLParser

import pytest

from macrotrace.config import RunConfig
from macrotrace.render.html import LONG, code, render, render_matrix
from macrotrace.tracing import run_matrix, run_trace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")


def _invokes_a_macro(path):
    """Some macro it defines appears on a line that is not a directive (a cheap look)."""
    src = open(path).read()
    names = set(re.findall(r"^\s*#\s*define\s+(\w+)", src, re.M))
    text = " ".join(l for l in src.splitlines() if not l.lstrip().startswith("#"))
    return bool(names & set(re.findall(r"\w+", text)))


CASES = [p for p in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "*.c"))) if _invokes_a_macro(p)]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# The initcall chain of include/linux/init.h, cut down: #, ##, __COUNTER__, __LINE__, #if.
INITCALLS = r'''
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define __initcall_id(fn) __PASTE(__KBUILD_MODNAME, __PASTE(__, __PASTE(__COUNTER__, __PASTE(_, __PASTE(__LINE__, __PASTE(_, fn))))))
#define __initcall_name(prefix, __iid, id) __PASTE(__, __PASTE(prefix, __PASTE(__, __PASTE(__iid, id))))
#ifdef CONFIG_LTO_CLANG
#define __initcall_section(__sec, __iid) #__sec ".init.." #__iid
#else
#define __initcall_section(__sec, __iid) #__sec ".init"
#endif
#define ____define_initcall(fn, __unused, __name, __sec) \
	static initcall_t __name __used __attribute__((__section__(__sec))) = fn;
#define __unique_initcall(fn, id, __sec, __iid) \
	____define_initcall(fn, 0, __initcall_name(initcall, __iid, id), __initcall_section(__sec, __iid))
#define ___define_initcall(fn, id, __sec) __unique_initcall(fn, id, __sec, __initcall_id(fn))
#define __define_initcall(fn, id) ___define_initcall(fn, id, .initcall##id)
#define device_initcall(fn) __define_initcall(fn, 6)
#define __initcall(fn) device_initcall(fn)
#define module_init(x) __initcall(x);
#define __used __attribute__((__used__))
typedef int (*initcall_t)(void);
static int hello_init(void) { return 0; }
module_init(hello_init)
'''


class Page(HTMLParser):
    """Parses a report: nesting errors, ids, internal links, and every <mark> with the
    step (article id) and part (before/after) it is in."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack = []          # (tag, attrs)
        self.errors, self.tags, self.ids, self.hrefs, self.marks = [], [], [], [], []
        self.text_parts = []
        self.codes = []          # (step id, part, shown text, characters elided before, after)
        self._mark = None
        self._code = None
        self._elided = None
        self.feed(str(text))
        self.close()

    def _enclosing(self, tag, cls=None):
        for t, a in reversed(self.stack):
            if t == tag and (cls is None or cls in (a.get("class") or "").split()):
                return a
        return None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "mark":
            art = self._enclosing("article", "step")
            part = "before" if self._enclosing("div", "before") else "after" if self._enclosing("div", "after") else None
            self._mark = {"class": a.get("class", "").split(), "start": int(a["data-start"]), "end": int(a["data-end"]),
                          "step": art.get("id") if art else None, "part": part, "text": ""}
        if tag == "div" and "code" in (a.get("class") or "").split():
            art = self._enclosing("article", "step")
            part = "before" if self._enclosing("div", "before") else "after" if self._enclosing("div", "after") else None
            if art and part:
                self._code = {"step": art["id"], "part": part, "text": "", "elided": [], "depth": len(self.stack)}
        if tag == "span" and "elided" in (a.get("class") or "").split() and self._code is not None:
            self._code["elided"].append((len(self._code["text"]), int(a["data-chars"])))
            self._elided = len(self.stack)
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.errors.append("self-closing <%s/> at %s" % (tag, self.getpos()))

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append("end tag for void <%s> at %s" % (tag, self.getpos()))
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append("unexpected </%s> at %s (open: %s)" % (tag, self.getpos(), [t for t, _ in self.stack[-3:]]))
            return
        self.stack.pop()
        if self._elided is not None and len(self.stack) == self._elided:
            self._elided = None
        if self._code is not None and len(self.stack) == self._code["depth"]:
            self.codes.append(self._code)
            self._code = None
        if tag == "mark" and self._mark is not None:
            self.marks.append(self._mark)
            self._mark = None

    def handle_data(self, data):
        if self._mark is not None:
            self._mark["text"] += data
        if self._code is not None and self._elided is None:
            self._code["text"] += data
        if not any(t in ("script", "style") for t, _ in self.stack):
            self.text_parts.append(data)

    @property
    def text(self):
        return "".join(self.text_parts)


def check(text):
    """The report is well formed: every non-void tag closed, properly nested, ids unique,
    every internal link resolves, nothing is fetched from anywhere."""
    p = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    assert not p.errors, p.errors[:3]
    assert not p.stack, "unclosed: %s" % [t for t, _ in p.stack]
    dup = {i for i in p.ids if p.ids.count(i) > 1}
    assert not dup, "duplicate ids: %s" % sorted(dup)[:5]
    ids = set(p.ids)
    for h in p.hrefs:
        assert h.startswith("#"), "a link out of the page: %s" % h
        assert h[1:] in ids, "a link to a missing anchor: %s" % h
    for tag, a in p.tags:
        assert "src" not in a, "<%s src=%s>: the report must not load anything" % (tag, a["src"])
        assert tag not in ("link", "iframe", "object", "embed", "img"), tag
    return p


def model_fits(text, span, piece):
    """The model places ``piece`` at ``span`` of ``text`` (see test_model_spans_line_up)."""
    return 0 <= span[0] <= span[1] <= len(text) and text[span[0]:span[1]] == piece


def check_marks(page, trace):
    """Every step shows its before text with the replaced span and its after text with the
    inserted span, and the marked characters are exactly the model's: text[start:end].
    Where the model's span does not index its own text (a tracing fault, not the
    report's), the report shows the replaced/inserted text in a separate "detached" mark."""
    marks = {}
    for m in page.marks:
        assert m["step"] is not None and m["part"] in ("before", "after"), m
        assert (m["step"], m["part"]) not in marks, "two marks in %s %s" % (m["step"], m["part"])
        marks[(m["step"], m["part"])] = m
    n_marks = 0
    for n, inv in enumerate(trace.invocations):
        for s in inv.steps:
            sid = "inv%d-step%d" % (n, s.index)
            if s.index == 0 or s.before_span is None:
                assert (sid, "before") not in marks and (sid, "after") not in marks
                continue
            prev = inv.steps[s.index - 1].text
            rep, ins = marks[(sid, "before")], marks[(sid, "after")]
            assert "replaced" in rep["class"] and "inserted" in ins["class"]
            assert [rep["start"], rep["end"]] == s.before_span
            assert [ins["start"], ins["end"]] == s.after_span
            for m, text, span, piece in ((rep, prev, s.before_span, s.replaced), (ins, s.text, s.after_span, s.inserted)):
                if model_fits(text, span, piece):
                    assert "detached" not in m["class"]
                    assert m["text"] == text[m["start"]:m["end"]], (sid, m)
                else:
                    assert "detached" in m["class"] and m["text"] == piece, (sid, m)
            n_marks += 2
    assert n_marks == len(page.marks)
    # the before/after texts are the model's, whole or (when long) cut around the mark
    texts = {}
    for n, inv in enumerate(trace.invocations):
        for s in inv.steps:
            texts[("inv%d-step%d" % (n, s.index), "after")] = s.text
            if s.index:
                texts[("inv%d-step%d" % (n, s.index), "before")] = inv.steps[s.index - 1].text
    for c in page.codes:
        text = texts.pop((c["step"], c["part"]))
        lo = sum(k for at, k in c["elided"] if at == 0)
        hi = len(text) - sum(k for at, k in c["elided"] if at > 0)
        assert c["text"] == text[lo:hi], (c["step"], c["part"])
        assert len(c["elided"]) <= 2 and (not c["elided"] or len(text) > LONG)
    assert not texts, "steps without their text: %s" % sorted(texts)[:3]
    return n_marks


def check_report(trace):
    page_text = render(trace)
    page = check(page_text)
    check_marks(page, trace)
    steps = [a for t, a in page.tags if t == "article" and "step" in a.get("class", "").split()]
    expect = ["inv%d-step%d" % (n, s.index) for n, inv in enumerate(trace.invocations) for s in inv.steps]
    assert [a["id"] for a in steps] == expect
    assert all(a["data-step"] == a["id"].rsplit("step", 1)[1] for a in steps)
    assert not any("hidden" in a for a in steps), "steps must be visible without scripts"
    for inv in trace.invocations:
        assert inv.result in page.text and inv.source in page.text
    return page_text, page


def traces_of(path):
    """A trace of every macro the case defines, with the case's own flags (its first
    line ``// flags: ...``), run from its directory as the conformance test runs it."""
    from macrotrace.cli import build_trace_parser, config_from_args
    src = open(path).read()
    first = src.splitlines()[0]
    flags = first.split(":", 1)[1].split() if first.startswith("// flags:") else []
    for name in sorted(set(re.findall(r"^\s*#\s*define\s+(\w+)", src, re.M))):
        ns = build_trace_parser().parse_args([name, os.path.basename(path), "--no-bundled-headers",
                                              "--no-cache"] + flags)
        old = os.getcwd()
        os.chdir(os.path.dirname(path))
        try:
            trace, _ = run_trace(config_from_args(ns, macro=name))
        except Exception:        # a case that is about errors (#error, a bad paste...)
            continue
        finally:
            os.chdir(old)
        if trace.invocations:
            yield trace


@pytest.mark.parametrize("path", CASES, ids=[os.path.basename(p) for p in CASES])
def test_every_case_report_is_valid_and_marks_match_the_model(path):
    n = 0
    for trace in traces_of(path):
        check_report(trace)
        n += 1
    if not n:
        pytest.skip("no macro of %s is invoked" % os.path.basename(path))


def test_model_spans_line_up():
    """Not the report's job, but what it relies on: prev.text[before_span] == replaced and
    text[after_span] == inserted for every step."""
    faults = []
    for path in CASES:
        for trace in traces_of(path):
            for n, inv in enumerate(trace.invocations):
                for s in inv.steps[1:]:
                    prev = inv.steps[s.index - 1].text
                    if not (model_fits(prev, s.before_span, s.replaced) and model_fits(s.text, s.after_span, s.inserted)):
                        faults.append("%s %s #%d step %d %s: %r in %r" % (
                            os.path.basename(path), trace.macro, n + 1, s.index, s.macro, s.replaced, prev))
    assert not faults, "%d steps, e.g. %s" % (len(faults), "; ".join(faults[:3]))


@pytest.fixture(scope="module")
def initcalls(tmp_path_factory):
    src = tmp_path_factory.mktemp("kernelish") / "hello.c"
    src.write_text(INITCALLS)
    return str(src)


@pytest.mark.parametrize("lto", [False, True])
def test_kernel_like_initcall_chain(initcalls, lto):
    trace, _ = run_trace(RunConfig(source=initcalls, macro="module_init", lto=lto,
                                   bundled_headers=False, cache=False))
    text, page = check_report(trace)
    inv = trace.invocations[0]
    assert len(inv.steps) > 20
    # header: the switches as badges, the module name
    assert re.search(r'class="badge %s"[^>]*><span class="sw">CONFIG_LTO_CLANG</span>' % ("on" if lto else "off"), text)
    assert 'class="badge off"' in text and "KBUILD_MODNAME" in page.text
    # builtins show what they gave
    for s in inv.steps:
        if s.kind == "builtin":
            assert re.search(r'id="inv0-step%d"[^>]*data-kind="builtin".*?gives <code class="code inline">%s</code>'
                             % (s.index, re.escape(s.value)), text, re.S), s.macro
    assert {s.macro for s in inv.steps if s.kind == "builtin"} == {"__COUNTER__", "__LINE__"}
    # ## pastes and # results are in the film and in the tree
    pastes = [p for s in inv.steps for p in s.pastes]
    assert pastes and all("%s</code> <span class=\"o\">##</span>" % html.escape(p.lhs) in text for p in pastes if p.lhs)
    strings = [a.stringified for s in inv.steps for a in s.arguments if a.stringified]
    assert strings and all(html.escape(x, quote=False) in page.text or x in page.text for x in strings)
    assert "not pre-expanded: ## operand" in page.text and "not pre-expanded: # operand" in page.text
    # the #if chain that made __initcall_section active, with its description
    d = next(d for d in trace.definitions.values() if d.name == "__initcall_section")
    conds = [c for c in d.conditions if not c.include_guard]
    assert conds and all(html.escape(c.description, quote=False) in text for c in conds)
    assert ("CONFIG_LTO_CLANG is defined" in page.text) == lto
    # every step's macro links to its definition, which shows the #define
    defs = {a["id"] for t, a in page.tags if t == "article" and "definition" in a.get("class", "")}
    linked = re.findall(r'<a class="macro m" href="#([^"]+)"', text)
    assert len(linked) == len(inv.steps) - 1 and set(linked) <= defs
    assert "#define</span> " in text and "__initcall_section" in page.text


def test_expansion_tree(initcalls):
    trace, _ = run_trace(RunConfig(source=initcalls, macro="module_init", bundled_headers=False, cache=False))
    text, page = check_report(trace)

    def count(node):
        return 1 + sum(count(c) for c in node.children)
    tree = trace.invocations[0].tree
    nodes = [a for t, a in page.tags if t == "details" and "node" in a.get("class", "").split()]
    assert len(nodes) == count(tree) and all("open" in a for a in nodes)
    assert "pre-expanding argument" in page.text and "rescan" in page.text
    assert "__COUNTER__ = " in page.text and "__LINE__ = " in page.text
    step_links = [a["href"] for t, a in page.tags if t == "a" and "steplink" in a.get("class", "")]
    assert len(step_links) == count(tree)


def test_hello_module_report():
    if not os.path.exists(HELLO):
        pytest.skip("examples/hello.c is missing")
    trace, _ = run_trace(RunConfig(source=HELLO, macro="module_init", lto=True, prel32=True))
    text, page = check_report(trace)
    assert "What it declares" in page.text


def test_declarations_table_in_the_report():
    if not os.path.exists(HELLO):
        pytest.skip("examples/hello.c is missing")
    trace, _ = run_trace(RunConfig(source=HELLO, macro="module_init", prel32=True))
    page = render(trace)
    check(page)
    assert "What it declares" in page
    assert "R_X86_64_PC32 against hello_init" in page and "<code>.initcall6.init</code>" in page


def test_self_contained_no_network(initcalls):
    trace, _ = run_trace(RunConfig(source=initcalls, macro="module_init", bundled_headers=False))
    text = render(trace)
    check(text)          # no src=, every href="#..."
    assert not re.search(r'(src|href|action)\s*=\s*["\']?\s*(https?:)?//', text, re.I)
    assert "@import" not in text and "url(" not in text and "@font-face" not in text
    assert not re.search(r"https?://", text), "no address of anything on the network"
    assert text.count("<style>") == 1 and text.count("<script>") == 1
    assert "@media (prefers-color-scheme: dark)" in text and "@media print" in text
    assert '<meta name="viewport"' in text


def test_hostile_source_text_is_escaped(tmp_path):
    src = tmp_path / "x.c"
    src.write_text('#define EVIL(x) "</script>" <b>x</b> x <!-- &amp;\n#define S(x) #x\n'
                   '#define E\n'
                   'EVIL(</script><b>bold</b>) S(<i>&"q") E\n')
    trace, _ = run_trace(RunConfig(source=str(src), macro="EVIL", bundled_headers=False,
                                   macro_options=(("D", 'X="<b>&</style>"'),)))
    text, page = check_report(trace)
    tags = {t for t, _ in page.tags}
    assert "b" not in tags and "i" not in tags, "source text made an element"
    assert text.count("<script>") == 1 and text.count("</script>") == 1
    assert text.count("<style>") == 1 and text.count("</style>") == 1
    assert "<!--" not in text
    assert "&#34;&lt;/script&gt;&#34;" in text and "&lt;b&gt;" in text and "<span class=\"p\">&amp;</span>" in text
    # the text reads back as written
    assert '"</script>" <b>x</b> x <!-- &amp;' in page.text
    assert "EVIL(</script><b>bold</b>)" in page.text
    assert '-DX="<b>&</style>"' in page.text
    for s in ("S", "E"):
        trace, _ = run_trace(RunConfig(source=str(src), macro=s, bundled_headers=False))
        text, page = check_report(trace)
        assert "i" not in {t for t, _ in page.tags}


def test_empty_expansion_is_an_empty_mark(tmp_path):
    src = tmp_path / "e.c"
    src.write_text("#define E\n#define F() E\nint a F() b;\n")
    trace, _ = run_trace(RunConfig(source=str(src), macro="F", bundled_headers=False))
    text, page = check_report(trace)
    empty = [m for m in page.marks if "empty" in m["class"]]
    assert empty and all(m["start"] == m["end"] and m["text"] == "" for m in empty)


def test_verification_rows_are_shown_escaped(initcalls):
    """render(trace, verification=verify.verify(...)) lists the object-file checks."""
    from macrotrace.trace.model import Declaration
    trace, _ = run_trace(RunConfig(source=initcalls, macro="module_init", bundled_headers=False))
    d = Declaration(name="<b>x</b>", kind="variable", type="int", storage=[], attributes=[])
    rows = [[(d, "mismatch", "<i>in .data</i>"), (d, "ok", "fine")]]
    text = render(trace, verification=(rows, {"sections": [".initcall6.init", ".text"]}))
    page = check(text)
    assert "Checked against the object file" in page.text and "1 mismatch" in page.text
    assert "<b>x</b>" in page.text and "<i>in .data</i>" in page.text
    assert not {"b", "i"} & {t for t, _ in page.tags}
    assert ".initcall6.init" in page.text and "differs" in page.text


def test_long_texts_are_cut_around_the_mark(tmp_path):
    """A step text longer than LONG shows CONTEXT characters each side of its mark and
    says how many it leaves out (check_marks checks the rest against the model)."""
    src = tmp_path / "long.c"
    lines = ["#define A0(x) x x", "#define X a_rather_long_identifier_that_fills_lines_quickly"]
    lines += ["#define A%d(x) A%d(x) A%d(x)" % (i, i - 1, i - 1) for i in range(1, 8)]
    src.write_text("\n".join(lines) + "\nA7(X)\n")
    trace, _ = run_trace(RunConfig(source=str(src), macro="A7", bundled_headers=False))
    assert max(len(s.text) for s in trace.invocations[0].steps) > 2 * LONG
    text, page = check_report(trace)
    assert any(c["elided"] for c in page.codes) and "characters \u2026" in page.text
    # without the cut each text would appear twice (before, after), coloured: several times this
    assert len(text) < 2 * sum(len(s.text) for s in trace.invocations[0].steps)


def test_code_colouring_keeps_every_character():
    text = 'x = FOO(L"a\\"b", \'c\', 0x1p-3, 1.5e+3) /* c */ ## # -> y;'
    out = code(text, [4, 20], "inserted", macros={"FOO"})
    page = Page(out)
    assert page.text == text
    assert page.marks[0]["text"] == text[4:20]
    assert '<span class="m">FOO</span>' in out and '<span class="s">L&#34;a\\&#34;b&#34;</span>' in out
    assert '<span class="n">0x1p-3</span>' in out and '<span class="n">1.5e+3</span>' in out
    assert '<span class="c">/* c */</span>' in out and '<span class="o">##</span>' in out
    # a span border inside a token cuts the token, not the span
    out = code("abcdef", [2, 4], "replaced")
    assert Page(out).marks[0]["text"] == "cd" and Page(out).text == "abcdef"
    assert code("a < b") == '<span class="i">a</span> <span class="p">&lt;</span> <span class="i">b</span>'


def test_matrix_report():
    if not os.path.exists(HELLO):
        pytest.skip("examples/hello.c is missing")
    matrix = run_matrix(RunConfig(source=HELLO, macro="module_init"))
    text = render_matrix(matrix)
    page = check(text)          # ids stay unique across the groups, links resolve
    assert "where the chains part" in text.lower()
    assert text.count('class="invocation"') == len(matrix.groups)
    assert text.count('class="group"') >= len(matrix.groups)


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


def test_films_limit_lists_the_rest_with_their_results(tmp_path):
    """Past --films N invocations, the page lists where each is, as written and its
    result, without the film; the table of contents still links every one."""
    src = tmp_path / "many.c"
    src.write_text("#define TWICE(x) x x\n" + "".join("TWICE(v%d);\n" % i for i in range(7)))
    trace, _ = run_trace(RunConfig(source=str(src), macro="TWICE", bundled_headers=False, cache=False))
    page_text = render(trace, films=3)
    page = check(page_text)                       # valid, every link lands
    sections = [a["id"] for t, a in page.tags if t == "section" and "invocation" in a.get("class", "").split()]
    assert sections == ["inv0", "inv1", "inv2"]
    rows = [a["id"] for t, a in page.tags if t == "tr" and a.get("id", "").startswith("inv")]
    assert rows == ["inv%d" % n for n in range(3, 7)]
    assert "4 more invocations" in page.text and "--line N" in page.text
    for inv in trace.invocations[3:]:
        assert inv.source in page.text and inv.result in page.text
    assert not any(a.get("id", "").startswith("inv3-step") for _, a in page.tags)
    # 0: every film
    page = check(render(trace, films=0))
    assert len([1 for t, a in page.tags if t == "section" and "invocation" in a.get("class", "").split()]) == 7


def test_films_option_is_checked():
    from difftest import run_macrotrace
    status, out, err = run_macrotrace(["module_init", HELLO, "--format", "html", "--films", "-1"])
    assert status == 2 and "--films" in err and "Traceback" not in err
