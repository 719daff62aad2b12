"""Test-wide settings.

MACROTRACE_CHECK_FILM makes the recorder check, at every step of every trace the tests
make, that the film it keeps by splicing holds the same tokens as the frame rendered
whole from the context stack (engine/recorder.py); a position slip fails the test.
"""

import os

os.environ.setdefault("MACROTRACE_CHECK_FILM", "1")
