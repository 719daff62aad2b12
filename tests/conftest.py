"""Test-wide settings.

MACROTRACE_CHECK_FILM makes the recorder check, at every step of every trace the tests
make, that the film it keeps by splicing holds the same tokens as the frame rendered
whole from the context stack (engine/recorder.py); a position slip fails the test.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("MACROTRACE_CHECK_FILM", "1")

# The suite caches (states after the headers, compiler and Kbuild answers) in a
# directory of its own, removed at the end: nothing is left in the user's ~/.cache.
_CACHE_HOME = tempfile.mkdtemp(prefix="macrotrace-tests-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, True)


def pytest_terminal_summary(terminalreporter):
    """How many generated inputs the fuzz and property tests really ran (hypothesis
    discards what gcc rejects), for the record."""
    import sys
    lines = []
    fuzz = sys.modules.get("test_fuzz")
    if fuzz is not None and any(fuzz.COUNT.values()):
        lines.append("fuzz: %d random byte strings, %d preprocessor token soups, each run "
                     "through expand and a trace" % (fuzz.COUNT["bytes"], fuzz.COUNT["soup"]))
    props = sys.modules.get("test_properties")
    if props is not None and (props.COUNT["examples"] or props.TRACED["examples"]):
        lines.append("properties: %d random macro programs equal to gcc -E; %d traced with "
                     "the film checked (%d steps)" % (props.COUNT["examples"], props.TRACED["examples"],
                                                      props.TRACED["steps"]))
    for line in lines:
        terminalreporter.write_line(line)
