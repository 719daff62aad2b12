"""macrotrace: see, step by step, how the C preprocessor expands a macro."""

__version__ = "0.1.0"

from .engine.preprocessor import Preprocessor  # noqa: E402  (pcpp's interface, gcc's results)

__all__ = ["Preprocessor"]
