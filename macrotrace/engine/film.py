"""The film of one traced invocation: its whole text, changed one replacement at a time.

Each step of a trace replaces one macro invocation in the pending text by its
expansion.  Re-rendering the whole pending text at every step cost O(text) Python
work per step (most of a large trace's time).  A ``Film`` keeps the text, its real
tokens and where each starts (it ends where its text does; a space before it is in the
text); a step splices the expansion's text in and shifts the offsets after it.  The recorder says *which* tokens are replaced (by
position: the number of real tokens before the invocation and in it), so the film
never searches.

Spacing follows the printer's rules (``printer.render_offsets``) inside an expansion;
at the two seams a token keeps a space when it had one (white space before it, as
gcc's padding logic carries the macro name's spacing to the first token of its
expansion) and gets one where printing the two tokens side by side would paste them.
The traced result itself is printed from the tokens gcc's way, so a difference in a
seam's space can only show in an intermediate frame.
"""

from .printer import avoid_paste, printed, render_offsets, space_after
from .tokens import EOF, PADDING


class Film:
    """The text of a trace so far, from the tokens it was first read as."""

    __slots__ = ("text", "toks", "starts")

    def __init__(self, tokens):
        self.text, self.toks, self.starts = render_offsets(tokens)

    def _end(self, k):
        return self.starts[k] + len(printed(self.toks[k]))

    def _white(self, k):
        """Whether a space stands before the k-th token."""
        start = self.starts[k]
        return start > 0 and self.text[start - 1] == " "

    def extend(self, tokens):
        """Tokens read from outside the invocation join the end of the text."""
        for t in tokens:
            if t.kind == PADDING or t.kind == EOF:
                continue
            text = self.text
            if space_after(self.ending(), t):
                text += " "
            self.starts.append(len(text))
            self.toks.append(t)
            self.text = text + printed(t)

    def span(self, i, m):
        """Character span of the m real tokens from the i-th (empty span where m is 0)."""
        if m == 0:
            pos = self.starts[i] if i < len(self.starts) else len(self.text)
            return pos, pos
        return self.starts[i], self._end(i + m - 1)

    def replace(self, i, m, tokens):
        """Replace the m real tokens from the i-th by ``tokens``; the inserted span."""
        ins, real, rs = render_offsets(tokens)
        toks, starts, text = self.toks, self.starts, self.text
        n = len(toks)
        j = i + m
        prev = toks[i - 1] if i else None
        left_white = self._white(i) if i < n else False
        if i < n:
            cut = starts[i]
            if left_white:
                cut -= 1                # the space before the name: decided again below
        else:
            cut = len(text)
        head = text[:cut]
        tail_from = self._end(j - 1) if m else cut
        nxt = toks[j] if j < n else None
        if real:
            first_space = bool(head) and (left_white or (prev is not None and avoid_paste(prev, real[0])))
            lead = " " if first_space else ""
            base = cut + len(lead)
            if nxt is not None:
                mid = " " if self._white(j) or avoid_paste(real[-1], nxt) else ""
                rest = text[tail_from:].lstrip(" ")
            else:
                rest = mid = ""
            new_text = head + lead + ins + mid + rest
            new_starts = [base + s for s in rs]
            after_from = base + len(ins) + len(mid)
            span = (base, base + len(ins))
        else:
            # the invocation expands to nothing: its neighbours meet
            if nxt is not None:
                rest = text[tail_from:].lstrip(" ")
                mid = " " if head and (left_white or self._white(j) or
                                       (prev is not None and avoid_paste(prev, nxt))) else ""
            else:
                rest = mid = ""
            new_text = head + mid + rest
            new_starts = []
            after_from = cut + len(mid)
            span = (cut, cut)
        if nxt is not None:
            delta = after_from - starts[j]
            self.starts = starts[:i] + new_starts + [s + delta for s in starts[j:]]
        else:
            self.starts = starts[:i] + new_starts
        self.toks = toks[:i] + real + toks[j:]
        self.text = new_text
        return span

    def ending(self):
        """The spacing state at the end of the text, as ``printer.space_after`` takes it:
        what follows is read after the expansion's contexts are popped (a padding)."""
        return (self.toks[-1], True, None) if self.toks else None
