"""The HTML report in a real browser: Debian's Chromium, headless, driven by Selenium.

Opens a generated report, moves through the steps with the keyboard, checks that the
visible step and its highlighted spans are the JSON trace's, and saves a screenshot
to test-artifacts/.  Skipped, with the reason, when Chromium or Selenium is missing
(.ci/run installs both).
"""

import json
import os
import shutil
import tempfile

import pytest

from difftest import run_macrotrace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELLO = os.path.join(ROOT, "examples", "hello.c")
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

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
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,1600", "--user-data-dir=" + profile):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def visible_step(driver):
    steps = driver.find_elements(By.CSS_SELECTOR, "section#inv0 article.step")
    shown = [s for s in steps if s.is_displayed()]
    assert len(shown) == 1, "exactly one step is shown at a time"
    return shown[0]


def test_keyboard_film_matches_the_json(browser, tmp_path):
    report = str(tmp_path / "report.html")
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--prel32", "--format", "html", "-o", report])
    assert status == 0, err
    status, out, err = run_macrotrace(["module_init", HELLO, "--lto", "--prel32", "--format", "json"])
    steps = json.loads(out)["invocations"][0]["steps"]

    browser.get("file://" + report)
    body = browser.find_element(By.TAG_NAME, "body")
    assert visible_step(browser).get_attribute("data-step") == "0"
    for k in range(1, 6):
        body.send_keys(Keys.ARROW_RIGHT if k % 2 else "j")
        step = visible_step(browser)
        assert step.get_attribute("data-step") == str(k)
        ins = step.find_element(By.CSS_SELECTOR, ".after mark.inserted")
        a, b = int(ins.get_attribute("data-start")), int(ins.get_attribute("data-end"))
        assert [a, b] == steps[k]["after_span"]
        assert ins.text == steps[k]["text"][a:b]
        rep = step.find_element(By.CSS_SELECTOR, ".before mark.replaced")
        a, b = steps[k]["before_span"]
        assert rep.text == steps[k - 1]["text"][a:b]
        assert browser.find_element(By.CSS_SELECTOR, "section#inv0 .current").text == str(k)
    body.send_keys(Keys.ARROW_LEFT)
    body.send_keys("k")
    assert visible_step(browser).get_attribute("data-step") == "3"
    # jump to the last step with the selector
    last = len(steps) - 1
    browser.execute_script("var s=document.querySelector('section#inv0 select'); s.value=arguments[0];"
                           "s.dispatchEvent(new Event('change'));", str(last))
    step = visible_step(browser)
    assert step.get_attribute("data-step") == str(last)
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser.save_screenshot(os.path.join(ARTIFACTS, "report.png"))
    assert os.path.getsize(os.path.join(ARTIFACTS, "report.png")) > 10000


def test_readable_without_scripts(browser, tmp_path):
    """With scripts off every step is plain HTML (the film navigation is only an aid)."""
    report = tmp_path / "report.html"
    status, _, err = run_macrotrace(["module_init", HELLO, "--format", "html", "-o", str(report)])
    assert status == 0, err
    html = report.read_text()
    noscript = tmp_path / "noscript.html"
    noscript.write_text(html.replace("<script>", "<script type=\"text/plain\">"))
    browser.get("file://" + str(noscript))
    steps = browser.find_elements(By.CSS_SELECTOR, "section#inv0 article.step")
    assert len(steps) > 10 and all(s.is_displayed() for s in steps)
