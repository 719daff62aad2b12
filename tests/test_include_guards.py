"""gcc's multiple-include optimisation: a header whose code is all inside one
``#ifndef GUARD`` / ``#endif`` (nested conditionals included) is opened once; after
that, an ``#include`` of it is skipped while GUARD is defined.  ``gcc -H`` lists every
header it opens: the engine must enter the same headers, the same number of times (and
so need not keep a guarded header's tokens once it is done)."""

import shutil
import subprocess

import pytest

from macrotrace.engine.events import Listener
from macrotrace.engine.includes import SearchPath
from macrotrace.engine.preprocessor import Preprocessor

GCC = shutil.which("gcc")

HEADERS = {
    # the kernel's usual shape: conditionals inside the guard
    "nested.h": "#ifndef NESTED_H\n#define NESTED_H\n#ifdef CONFIG_X\nint x;\n#endif\n"
                "#ifndef CONFIG_Y\nint y;\n#else\nint z;\n#endif\n#if 1\nint w;\n#endif\n#endif\n",
    "defined.h": "#if !defined(DEFINED_H)\n#define DEFINED_H\n#ifdef A\n#endif\nint d;\n#endif\n",
    # not guarded: code after the #endif, a #ifdef as the first directive, no guard at all
    "after.h": "#ifndef AFTER_H\n#define AFTER_H\n#endif\nint after;\n",
    "ifdef.h": "#ifdef IFDEF_H\n#else\nint i;\n#endif\n",
    "plain.h": "int plain;\n",
}
MAIN = "".join('#include "%s"\n' % name for name in HEADERS) * 3


def gcc_opened(tmp_path):
    proc = subprocess.run([GCC, "-E", "-P", "-H", "-undef", "-nostdinc", "main.c"], cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    return sorted(line.split()[-1] for line in proc.stderr.splitlines() if line.startswith("."))


class Entered(Listener):
    def __init__(self):
        self.paths = []

    def file_entered(self, path, from_file, from_line):
        if from_file is not None:
            self.paths.append(path.rsplit("/", 1)[-1])


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_headers_are_entered_as_often_as_gcc_opens_them(tmp_path):
    for name, text in HEADERS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "main.c").write_text(MAIN)
    entered = Entered()
    pp = Preprocessor(SearchPath(), listener=entered)
    pp.run(str(tmp_path / "main.c"))
    assert sorted(entered.paths) == gcc_opened(tmp_path)
    assert entered.paths.count("nested.h") == 1 and entered.paths.count("plain.h") == 3
    # a guarded header's tokens are not kept once it is done
    assert not any(p.endswith(("nested.h", "defined.h")) for p in pp.file_cache)
