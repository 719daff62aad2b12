"""Source bytes that are not UTF-8, carried faithfully from input to every output.

gcc passes any byte through untouched (a Latin-1 comment in an old driver, an EUC-JP,
Shift-JIS, Big5, GB or KSC string literal).  macrotrace reads source as UTF-8 with
Python's ``surrogateescape``: a byte that is not part of valid UTF-8 becomes the lone
surrogate U+DC80..U+DCFF (byte 0xE9 is U+DCE9), lexed as a stray character (never part
of an identifier) or carried inside a literal or comment.  The outputs:

- ``expand`` (and any plain-text output) writes the original bytes back;
- JSON writes each such byte as the escape ``\\udcXX`` (byte 0xE9: ``"\\udce9"``), so the
  document stays UTF-8 and ``json.loads`` gives back the same string;
- HTML shows each such byte as the text ``\\xXX`` (the page is UTF-8 and cannot hold it).
"""

import re

_RAW = re.compile("[\udc80-\udcff]")


def decode(data):
    """Source bytes to text: UTF-8, other bytes kept as U+DC80..U+DCFF."""
    return data.decode("utf-8", "surrogateescape")


def encode(text):
    """Text back to the bytes it was read from."""
    return text.encode("utf-8", "surrogateescape")


def has_raw(text):
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_escaped(text):
    """JSON text with each non-UTF-8 byte written ``\\udcXX`` (valid, UTF-8-encodable JSON)."""
    if not has_raw(text):
        return text
    return _RAW.sub(lambda m: "\\u%04x" % ord(m.group()), text)


def visible(text):
    """Each non-UTF-8 byte as the four characters ``\\xXX`` (for HTML)."""
    if not has_raw(text):
        return text
    return _RAW.sub(lambda m: "\\x%02X" % (ord(m.group()) - 0xDC00), text)
