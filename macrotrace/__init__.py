"""macrotrace: see, step by step, how the C preprocessor expands a macro."""

__version__ = "0.1.0"
HEADERS_MODEL = "Linux 6.1"    # what the bundled headers/ model (headers/README.md)


def version_line():
    """What ``macrotrace --version`` says: the version and the bundled headers model."""
    from .resources import headers_dir
    return "macrotrace %s (bundled headers: a model of %s, in %s)" % (__version__, HEADERS_MODEL, headers_dir())

__all__ = ["Preprocessor"]


def __getattr__(name):
    """``macrotrace.Preprocessor``: pcpp's interface, gcc's results (engine/pcpp_api.py).
    Imported on first use, so commands that need no engine start faster."""
    if name == "Preprocessor":
        from .engine.preprocessor import Preprocessor
        return Preprocessor
    raise AttributeError("module 'macrotrace' has no attribute %r" % name)
