"""macrotrace: see, step by step, how the C preprocessor expands a macro."""

__version__ = "0.1.0"
