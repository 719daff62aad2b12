"""The HTML report in a real browser: Debian's Chromium, headless, driven by Selenium.

Opens generated reports (file://), moves through the steps with the keyboard, checks that
the visible step and its highlighted spans are the JSON trace's, and looks at the page in
the dark scheme, at phone width, printed and with scripts off. Screenshots go to
test-artifacts/ (report.png, report-dark.png, report-phone.png).

Needs: apt-get install chromium chromium-driver; pip install selenium. Skipped, with the
reason, when either is missing (.ci/run installs both).
"""

import json
import os
import shutil
import tempfile

import pytest

from difftest import run_macrotrace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
STD = os.path.join(ROOT, "tests", "cases", "std_examples.c")
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
DRIVER = next((p for p in ("/usr/bin/chromedriver", shutil.which("chromedriver")) if p and os.path.exists(p)), None)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1200,1400")

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:          # pragma: no cover - depends on the machine
    webdriver = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(webdriver is None, reason="selenium is not installed (pip install selenium)"),
    pytest.mark.skipif(not CHROMIUM or not DRIVER,
                       reason="chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"),
]


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="macrotrace-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + ("--user-data-dir=" + profile,):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    except Exception as e:         # pragma: no cover - a broken browser install
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip("chromium does not start here: %s" % str(e).splitlines()[0])
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    """The browser, reset to desktop width, light scheme, screen media, scripts on."""
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def make(tmp_path, args, name="report"):
    """(file:// address of the HTML report, the JSON trace) for macrotrace ARGS."""
    report = str(tmp_path / (name + ".html"))
    status, _, err = run_macrotrace(list(args) + ["--format", "html", "-o", report])
    assert status == 0, err
    status, out, err = run_macrotrace(list(args) + ["--format", "json"])
    assert status == 0, err
    return "file://" + report, json.loads(out)


@pytest.fixture(scope="module")
def kernel_args(tmp_path_factory):
    """module_init through the initcall chain: examples/hello.c, or a cut-down copy."""
    if os.path.exists(HELLO):
        return ["module_init", HELLO, "--lto", "--prel32"]
    from test_html import INITCALLS
    src = tmp_path_factory.mktemp("kernelish") / "hello.c"
    src.write_text(INITCALLS)
    return ["module_init", str(src), "--lto", "--no-bundled-headers"]


STATE = """
function codeOf(div) {
  if (!div) return null;
  var out = {text: '', lead: 0, trail: 0};
  Array.prototype.forEach.call(div.childNodes, function (n) {
    if (n.nodeType === 1 && n.classList.contains('elided')) {
      if (out.text) out.trail += +n.getAttribute('data-chars'); else out.lead += +n.getAttribute('data-chars');
    } else out.text += n.textContent;
  });
  return out;
}
var sec = document.getElementById('inv' + arguments[0]);
var shown = Array.prototype.filter.call(sec.querySelectorAll('article.step'), function (e) {
  return e.getClientRects().length > 0 && getComputedStyle(e).display !== 'none'; });
return {
  shown: shown.map(function (e) { return e.id; }),
  current: sec.querySelector('.current').textContent,
  select: sec.querySelector('select[data-nav=jump]').value,
  steps: shown.map(function (e) {
    return {id: e.id, step: e.getAttribute('data-step'),
      code: {before: codeOf(e.querySelector('.before > div.code')),
             after: codeOf(e.querySelector('.after > div.code'))},
      marks: Array.prototype.map.call(e.querySelectorAll('mark'), function (m) {
        var r = m.getBoundingClientRect();
        return {part: m.closest('.before') ? 'before' : 'after', cls: m.className,
                start: +m.getAttribute('data-start'), end: +m.getAttribute('data-end'),
                text: m.textContent, width: r.width, height: r.height}; })};
  })};
"""


def state(driver, inv=0):
    return driver.execute_script(STATE, inv)


def visible_steps(driver, inv=0):
    return state(driver, inv)["shown"]


def fits(text, span, piece):
    return 0 <= span[0] <= span[1] <= len(text) and text[span[0]:span[1]] == piece


def check_step(driver, steps, k, inv=0):
    """Exactly one step is visible: step k of the JSON, with the JSON's marked spans."""
    st = state(driver, inv)
    assert st["shown"] == ["inv%d-step%d" % (inv, k)], "visible: %s, expected step %d" % (st["shown"], k)
    assert st["current"] == str(k) and st["select"] == str(k)
    view = st["steps"][0]
    assert view["step"] == str(k)
    if k == 0:
        assert not view["marks"] and view["code"]["after"]["text"] == steps[0]["text"]
        return
    s, prev = steps[k], steps[k - 1]["text"]
    marks = {m["part"]: m for m in view["marks"]}
    assert len(marks) == len(view["marks"]) == 2
    for part, cls, text, span, piece in (("before", "replaced", prev, s["before_span"], s["replaced"]),
                                         ("after", "inserted", s["text"], s["after_span"], s["inserted"])):
        m = marks[part]
        assert cls in m["cls"].split()
        assert [m["start"], m["end"]] == span
        if fits(text, span, piece):
            assert m["text"] == text[span[0]:span[1]], (k, part, m["text"])
            c = view["code"][part]       # the whole text, or (when long) a cut around the mark
            assert c["text"] == text[c["lead"]:len(text) - c["trail"]]
        else:           # a tracing fault (tests/test_html.py::test_model_spans_line_up)
            assert m["text"] == piece and "detached" in m["cls"]
        assert m["height"] > 0 and (m["width"] > 0 or span[0] == span[1])


def press(driver, key):
    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def test_keyboard_film_matches_the_json(page, tmp_path, kernel_args):
    url, trace = make(tmp_path, kernel_args + ["--all-steps"])
    steps = trace["invocations"][0]["steps"]
    last = len(steps) - 1
    assert last > 10
    page.get(url)
    check_step(page, steps, 0)
    assert page.find_element(By.CSS_SELECTOR, "section#inv0 [data-nav=prev]").get_attribute("disabled")
    press(page, Keys.ARROW_LEFT)                      # nothing before step 0
    check_step(page, steps, 0)
    for k in range(1, last + 1):                      # the whole film, → and j in turn
        press(page, Keys.ARROW_RIGHT if k % 2 else "j")
        check_step(page, steps, k)
    press(page, "j")                                  # nothing after the last step
    check_step(page, steps, last)
    assert page.find_element(By.CSS_SELECTOR, "section#inv0 [data-nav=next]").get_attribute("disabled")
    press(page, Keys.ARROW_LEFT)
    press(page, "k")
    check_step(page, steps, last - 2)
    # the buttons
    page.find_element(By.CSS_SELECTOR, "section#inv0 [data-nav=prev]").click()
    check_step(page, steps, last - 3)
    page.find_element(By.CSS_SELECTOR, "section#inv0 [data-nav=next]").click()
    check_step(page, steps, last - 2)
    # jump with the selector
    page.execute_script("var s=document.querySelector('section#inv0 select'); s.value=arguments[0];"
                        "s.dispatchEvent(new Event('change'));", "5")
    check_step(page, steps, 5)
    # a step link in the expansion tree opens that step
    link = page.find_element(By.CSS_SELECTOR, "section#inv0 .tree a.steplink[data-goto='3']")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    check_step(page, steps, 3)
    # a macro name goes to its definition, with the #if chain
    macro = page.find_element(By.CSS_SELECTOR, "#inv0-step3 a.macro")
    target = macro.get_attribute("href").split("#", 1)[1]
    macro.click()
    definition = page.find_element(By.ID, target)
    assert definition.is_displayed() and steps[3]["macro"] in definition.text
    # back to a middle step for the screenshot
    page.get(url + "#inv0-step%d" % (last // 2))
    check_step(page, steps, last // 2)
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, "report.png")
    page.save_screenshot(shot)
    assert os.path.getsize(shot) > 10000


def test_keys_move_the_invocation_in_view(page, tmp_path):
    url, trace = make(tmp_path, ["str", STD, "--no-bundled-headers"])
    invs = trace["invocations"]
    assert len(invs) >= 3
    page.get(url)
    n = len(invs) - 1
    page.execute_script("document.getElementById(arguments[0]).scrollIntoView()", "inv%d" % n)
    press(page, "j")
    check_step(page, invs[n]["steps"], 1, inv=n)
    check_step(page, invs[0]["steps"], 0, inv=0)
    page.execute_script("window.scrollTo(0, 0)")
    page.execute_script("document.getElementById('inv0').scrollIntoView()")
    press(page, Keys.ARROW_RIGHT)
    check_step(page, invs[0]["steps"], 1, inv=0)
    check_step(page, invs[n]["steps"], 1, inv=n)


def luminance(css_colour):
    nums = [float(x) for x in css_colour[css_colour.index("(") + 1:-1].split(",")[:3]]
    return sum(nums) / 3


def test_dark_scheme_and_phone_width(page, tmp_path, kernel_args):
    url, trace = make(tmp_path, kernel_args)
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.execute_cdp_cmd("Emulation.setEmulatedMedia",
                         {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    page.get(url + "#inv0-step8")
    body = page.find_element(By.TAG_NAME, "body")
    assert luminance(body.value_of_css_property("background-color")) < 60
    assert luminance(body.value_of_css_property("color")) > 180
    page.save_screenshot(os.path.join(ARTIFACTS, "report-dark.png"))

    page.execute_cdp_cmd("Emulation.setEmulatedMedia",
                         {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                         {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    page.get(url + "#inv0-step6")
    body = page.find_element(By.TAG_NAME, "body")
    assert luminance(body.value_of_css_property("background-color")) > 200
    width = page.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] <= 400, "horizontal page scroll at phone width: %s" % width
    wide = page.execute_script("""
        var w = document.documentElement.clientWidth, out = [];
        document.querySelectorAll('body *').forEach(function (e) {
          var r = e.getBoundingClientRect();
          if (r.width && r.right > w + 1 && !e.closest('.scroll')) out.push(e.tagName + '.' + e.className);
        });
        return out.slice(0, 5);""")
    assert not wide, "elements wider than the screen: %s" % wide
    check_step(page, trace["invocations"][0]["steps"], 6)
    page.save_screenshot(os.path.join(ARTIFACTS, "report-phone.png"))


def test_readable_without_scripts(page, tmp_path, kernel_args):
    """With scripts off every step is plain HTML (the film navigation is only an aid)."""
    url, trace = make(tmp_path, kernel_args)
    page.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    page.get(url)
    steps = page.find_elements(By.CSS_SELECTOR, "section#inv0 article.step")
    assert len(steps) == len(trace["invocations"][0]["steps"])
    assert all(s.is_displayed() for s in steps)
    assert not page.find_element(By.CSS_SELECTOR, "section#inv0 nav.film").is_displayed()
    assert page.find_element(By.CSS_SELECTOR, "section#inv0 .panel.result").is_displayed()


def test_print_layout_shows_every_step(page, tmp_path, kernel_args):
    url, trace = make(tmp_path, kernel_args)
    page.get(url)
    assert len(visible_steps(page)) == 1
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    steps = page.find_elements(By.CSS_SELECTOR, "section#inv0 article.step")
    assert len(steps) == len(trace["invocations"][0]["steps"]) and all(s.is_displayed() for s in steps)
    assert not page.find_element(By.CSS_SELECTOR, "section#inv0 nav.film").is_displayed()


def test_nothing_is_fetched(page, tmp_path, kernel_args):
    url, _ = make(tmp_path, kernel_args)
    page.get(url)
    fetched = page.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert fetched == []
    errors = [e for e in page.get_log("browser") if e.get("level") == "SEVERE"] if hasattr(page, "get_log") else []
    assert not errors, errors


FILM = """
var sec = document.getElementById('inv0');
var sel = sec.querySelector('select[data-nav=jump]');
sel.value = '0'; sel.dispatchEvent(new Event('change'));
var next = sec.querySelector('[data-nav=next]'), frames = [];
function text(div) { return div ? div.textContent : null; }
for (var guard = 0; guard < 1000; guard++) {
  var a = Array.prototype.filter.call(sec.querySelectorAll('article.step'), function (e) { return !e.hidden; });
  if (a.length !== 1) return {error: 'visible articles: ' + a.length};
  var el = a[0], note = el.querySelector('.folded');
  var before = el.querySelector('.folded-before .before > div.code') || el.querySelector('.before > div.code');
  frames.push({step: +el.getAttribute('data-step'), macro: el.getAttribute('data-macro'),
               folded: note && !note.hidden ? note.textContent : '',
               before: text(before), after: text(el.querySelector('.after > div.code'))});
  if (next.disabled) break;
  next.click();
}
return {frames: frames, state: document.querySelector('.viewbar .viewstate').textContent};
"""


def film(driver):
    out = driver.execute_script(FILM)
    assert "error" not in out, out
    return out["frames"], out["state"]


def assert_chained(frames, steps):
    """The film the page shows chains: each frame starts from the text the last one ended on."""
    assert frames[0]["step"] == 0 and frames[0]["after"] == steps[0]["text"]
    for prev, f in zip(frames, frames[1:]):
        assert f["before"] == prev["after"], (prev["step"], f["step"])
        assert f["after"] == steps[f["step"]]["text"]
    assert frames[-1]["after"] == steps[-1]["text"]


def test_views_live_all_steps_hide_and_focus(page, tmp_path, kernel_args):
    """The report opens in the policy's view; "all steps" shows every step; a macro is
    hidden and focused by clicking it, in a step and in the tree."""
    url, trace = make(tmp_path, kernel_args)
    steps = trace["invocations"][0]["steps"]
    assert trace["policy"]["name"] == "kernel"
    page.get(url)
    frames, state = film(page)
    visible = [s["index"] for s in steps if not s["hidden"]]
    assert [f["step"] for f in frames] == visible + ([len(steps) - 1] if steps[-1]["hidden"] else [])
    assert len(frames) < len(steps) and "%d of %d steps shown" % (len(visible) - 1, len(steps) - 1) in state
    assert any(f["folded"].startswith("+ ") and "__PASTE" in f["folded"] for f in frames)
    assert_chained(frames, steps)
    # all steps
    page.find_element(By.ID, "all-steps").click()
    frames, state = film(page)
    assert [f["step"] for f in frames] == list(range(len(steps))) and not any(f["folded"] for f in frames)
    page.find_element(By.ID, "all-steps").click()
    # hide a macro by clicking it in its step
    k = next(s["index"] for s in steps if s.get("macro") == "device_initcall")
    page.get(url + "#inv0-step%d" % k)
    page.find_element(By.CSS_SELECTOR, "#inv0-step%d .acts button[data-act=hide]" % k).click()
    frames, _ = film(page)
    assert "device_initcall" not in [f["macro"] for f in frames]
    assert any("device_initcall" in f["folded"] for f in frames)
    assert_chained(frames, steps)
    # show it again, then focus __initcall_id from the expansion tree
    page.get(url + "#inv0-step%d" % k)
    page.find_element(By.CSS_SELECTOR, "#inv0-step%d .acts button[data-act=show]" % k).click()
    assert "device_initcall" in [f["macro"] for f in film(page)[0]]
    button = page.find_element(By.XPATH, "//section[@id='inv0']//div[@class='tree']//summary"
                                         "[.//*[normalize-space()='__initcall_id']]//button[@data-act='focus']")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    frames, state = film(page)
    assert "focus: __initcall_id" in state
    assert {f["macro"] for f in frames[1:]} == {"__initcall_id", "__KBUILD_MODNAME", "__COUNTER__", "__LINE__"}
    page.find_element(By.ID, "all-steps").click()
    frames, _ = film(page)
    assert {f["macro"] for f in frames[1:]} == {"__initcall_id", "__KBUILD_MODNAME", "__COUNTER__", "__LINE__",
                                                "__PASTE", "___PASTE"}
    assert frames[-1]["after"].find("kmod_hello__4_20_hello_init") >= 0 or kernel_args[1] != HELLO
    page.find_element(By.ID, "view-reset").click()
    frames, _ = film(page)
    assert len(frames) == len(visible) + (1 if steps[-1]["hidden"] else 0)


def test_matrix_results_side_by_side_and_films_aligned(page, tmp_path):
    url, data = make(tmp_path, ["module_init", HELLO, "--matrix"], name="matrix")
    page.get(url)
    table = page.find_element(By.CSS_SELECTOR, "table.side-by-side")
    cells = table.find_elements(By.CSS_SELECTOR, "tbody td")
    assert len(cells) == len(data["groups"]) and table.location["y"] < 1400    # on the first screen
    for cell, group in zip(cells, data["groups"]):
        assert cell.text.split() == group["results"][0].split()
        assert cell.rect["x"] > cells[0].rect["x"] - 1 and cell.rect["y"] == cells[0].rect["y"]   # one row
    button = page.find_element(By.CSS_SELECTOR, "button.align")
    ids = button.get_attribute("data-align").split()
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    for step_id in ids:
        sec = step_id.split("-")[0]
        assert page.execute_script("return Array.prototype.filter.call(document.querySelectorAll("
                                   "'section#' + arguments[0] + ' article.step'), function (e) "
                                   "{ return !e.hidden; }).map(function (e) { return e.id; })", sec) == [step_id]
    assert ids[0].split("-step")[1] == ids[1].split("-step")[1]


def test_break_opens_the_film_at_the_macro(page, tmp_path, kernel_args):
    url, trace = make(tmp_path, kernel_args + ["--break", "__initcall_id"], name="break")
    steps = trace["invocations"][0]["steps"]
    k = next(s["index"] for s in steps if s.get("macro") == "__initcall_id")
    page.get(url)
    assert visible_steps(page) == ["inv0-step%d" % k]
    assert "in expansion of module_init" in page.find_element(By.ID, "inv0-step%d" % k).text
