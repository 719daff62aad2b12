"""Errors and warnings the engine reports, always with a file:line."""


class PreprocessError(Exception):
    """A fatal problem in the input.  ``str()`` is the one-line message users see."""

    def __init__(self, message, file=None, line=None, col=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.col = col

    def __str__(self):
        where = ""
        if self.file:
            where = "%s:%s: " % (self.file, self.line) if self.line else "%s: " % self.file
        return "%serror: %s" % (where, self.message)


class Warning_:
    __slots__ = ("message", "file", "line")

    def __init__(self, message, file=None, line=None):
        self.message, self.file, self.line = message, file, line

    def __str__(self):
        where = "%s:%s: " % (self.file, self.line) if self.file else ""
        return "%swarning: %s" % (where, self.message)


def error_at(token, message, fallback_file=None, fallback_line=None):
    if token is not None and token.file:
        return PreprocessError(message, token.file, token.line, token.col)
    return PreprocessError(message, fallback_file, fallback_line)
