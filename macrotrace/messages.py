"""The one shape of every error message macrotrace prints:

    FILE:LINE: error: WHAT          when there is a position in a file
    macrotrace: error: WHAT         when there is none (WHAT may start with a file name)

never the file named twice, never a bare ``[Errno 2] ...`` without the option or the
output it was about.
"""

import errno
import os
import re

from .config import ConfigError

# (compiled by re.match when an error is printed, not at every start)
_POSITION = r"(?P<where>[^\s:][^:]*:\d+(?::\d+)?): (?:error: )?(?P<what>.*)"
_FILE_ERROR = r"(?P<file>[^\s:][^:]*): error: (?P<what>.*)"
PREFIX = "macrotrace: error: "


def error_line(error):
    """The one line to print for ``error`` (an exception or a message)."""
    file = getattr(error, "file", None)
    line = getattr(error, "line", None)
    what = getattr(error, "message", None) if file else None
    if what is not None:                        # an engine error that knows where
        what = _without_file(what, file)
        if line:
            return "%s:%s: error: %s" % (file, line, what)
        return PREFIX + "%s: %s" % (file, what)
    if isinstance(error, OSError) and not isinstance(error, ConfigError):
        return PREFIX + os_error_text(error)
    message = str(error)
    if message.startswith(PREFIX):
        return message
    if message.startswith("macrotrace: "):
        message = message[len("macrotrace: "):]
    if message.startswith("error: "):
        message = message[len("error: "):]
    m = re.match(_POSITION, message, re.S)
    if m:
        return "%s: error: %s" % (m.group("where"), _without_file(m.group("what"), m.group("where")))
    m = re.match(_FILE_ERROR, message, re.S)
    if m:                                       # "f.c: error: f.c: ..." -> "f.c: ..."
        message = "%s: %s" % (m.group("file"), _without_file(m.group("what"), m.group("file")))
    return PREFIX + message


def _without_file(what, where):
    """``what`` without a leading repetition of the file ``where`` names."""
    file = where.split(":")[0]
    for prefix in ("%s: " % where, "%s: " % file):
        if what.startswith(prefix):
            return what[len(prefix):]
    return what


def os_error_text(error, option=None):
    """``[Errno 2] No such file or directory: 'x'`` as a reader says it, naming the
    option (``-o``, ``--junit``...) when known."""
    path = error.filename
    reason = error.strerror or str(error)
    if error.errno == errno.ENOENT and path:
        parent = os.path.dirname(os.path.abspath(path))
        if option and not os.path.isdir(parent):
            reason = "cannot write there: the directory %s does not exist" % parent
    elif error.errno == errno.EISDIR:
        reason = "is a directory; give a file name"
    elif error.errno == errno.EACCES:
        reason = "permission denied"
    subject = " ".join(x for x in (option, path) if x)
    return "%s: %s" % (subject, reason) if subject else reason


def output_error(option, error):
    """A ConfigError for an OSError met writing the output of ``option`` (-o, --junit)."""
    return ConfigError(os_error_text(error, option))

