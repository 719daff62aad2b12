"""Finding ``#include`` files the way gcc does.

Quote includes look first in the directory of the file that contains the directive,
then in ``-iquote`` directories, then along the bracket chain; bracket includes search
``-I``, then ``-isystem``, then the system directories, then ``-idirafter``.  A file's
path is spelled ``dir/name`` exactly as gcc spells it (it becomes ``__FILE__``).
``#include_next`` resumes the search after the directory the current file came from.
"""

import os
from stat import S_ISREG


class SearchPath:
    def __init__(self, quote=(), bracket=(), system=(), after=()):
        chain = []
        seen = set()
        # gcc drops a -I directory that is also a system directory, and duplicates.
        sys_real = {os.path.realpath(d) for d in system}
        for group, dirs in (("bracket", bracket), ("system", system), ("after", after)):
            for d in dirs:
                real = os.path.realpath(d)
                if real in seen or (group == "bracket" and real in sys_real):
                    continue
                if not os.path.isdir(d):
                    continue
                seen.add(real)
                chain.append(d)
        self.quote = [d for d in quote if os.path.isdir(d)]
        self.chain = chain
        self.system_start = len([d for d in bracket if os.path.realpath(d) not in sys_real])
        self.probed = set()      # directories looked into (a cache of the run must check them)
        self._found = {}         # the answers so far: a kernel unit asks for <linux/types.h>
                                 # hundreds of times (the files do not change during a run)
        self._is_dir = {}        # directory -> whether it is one: most probes of a kernel
                                 # unit (<linux/x.h> in arch/x86/include...) are in a
                                 # directory that does not exist, known after one stat

    def _exists(self, candidate):
        # os.path.dirname and os.path.isfile without their Python calls (a kernel unit
        # probes ~1,500 candidates)
        head = candidate[:candidate.rfind("/") + 1]
        if head and head != "/" * len(head):
            head = head.rstrip("/")
        parent = head or "."
        self.probed.add(parent)
        is_dir = self._is_dir.get(parent)
        if is_dir is None:
            is_dir = self._is_dir[parent] = os.path.isdir(parent)
        if not is_dir:
            return False
        try:
            return S_ISREG(os.stat(candidate).st_mode)
        except (OSError, ValueError):
            return False

    @staticmethod
    def join(directory, name):
        if not directory:
            return name
        if directory.endswith("/"):
            return directory + name
        return directory + "/" + name

    def find(self, name, angled, current_dir, start_index=None):
        """Return (path, index_in_chain) or (None, None).

        ``index_in_chain`` is -1 for the current file's directory and the quote
        directories; ``start_index`` (for #include_next) skips entries before it.
        """
        key = (name, angled, current_dir, start_index)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._find(name, angled, current_dir, start_index)
        return found

    def _find(self, name, angled, current_dir, start_index):
        if os.path.isabs(name):
            return (name, None) if self._exists(name) else (None, None)
        if start_index is None:
            if not angled:
                candidate = self.join(current_dir, name)
                if self._exists(candidate):
                    return candidate, -1
                for d in self.quote:
                    candidate = self.join(d, name)
                    if self._exists(candidate):
                        return candidate, -1
            start_index = 0
        for i in range(start_index, len(self.chain)):
            candidate = self.join(self.chain[i], name)
            if self._exists(candidate):
                return candidate, i
        return None, None
