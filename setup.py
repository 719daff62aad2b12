"""Optional compiled engine: Cython builds of the hot modules (macrotrace/engine/compiled.py).

Everything else is in pyproject.toml.  The extensions are optional: without Cython, a
C compiler or Python's headers the install goes on, pure Python, and says why.
"""

import importlib.util
import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def _compiled_module():
    """macrotrace/engine/compiled.py, loaded by path (not through the package)."""
    path = os.path.join(HERE, "macrotrace", "engine", "compiled.py")
    spec = importlib.util.spec_from_file_location("_macrotrace_compiled", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _warn(why):
    sys.stderr.write("macrotrace: the compiled engine is not built (%s); the package "
                     "runs as pure Python\n" % why)


class OptionalBuildExt(build_ext):
    """build_ext whose failures are warnings: the pure-Python package still installs."""

    def run(self):
        try:
            super().run()
        except Exception as e:          # no compiler, no Python headers...
            _warn("%s: %s" % (type(e).__name__, e))

    def build_extension(self, ext):
        base = list(ext.extra_compile_args)
        if self.compiler.compiler_type == "unix":
            base.append("-g0")          # 4x smaller, same code
            # Cython's inline helpers (a str's character at an index, a list's item...)
            # inlined for sure: gcc otherwise keeps some as calls, once a character the
            # lexer reads (~4% of a run's instructions).  A compiler that refuses builds
            # without it.
            ext.extra_compile_args = base + ["-DCYTHON_INLINE=__inline__ __attribute__((always_inline))"]
            try:
                return super().build_extension(ext)
            except Exception:
                ext.extra_compile_args = base
                self.force = True       # (the objects of the failed try are not reused)
        try:
            super().build_extension(ext)
        except Exception as e:
            _warn("%s: %s" % (ext.name, type(e).__name__))


def _extensions():
    if os.environ.get("MACROTRACE_PURE_PYTHON", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        _warn("Cython is not installed")
        return []
    from setuptools import Extension
    compiled = _compiled_module()
    markers = os.path.join(HERE, "build", "macrotrace-markers")
    os.makedirs(markers, exist_ok=True)
    extensions = []
    for name in compiled.MODULES:
        source = os.path.join("macrotrace", "engine", name + ".py")
        marker = os.path.join(markers, name + "_source_hash.c")
        with open(marker, "w") as fh:
            fh.write(compiled.marker_source(compiled.source_hash(os.path.join(HERE, source))))
        extensions.append(Extension("macrotrace.engine." + name, [source, os.path.relpath(marker, HERE)]))
    try:
        return cythonize(extensions, language_level=3, quiet=True)
    except Exception as e:
        _warn("cythonize failed: %s" % e)
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
