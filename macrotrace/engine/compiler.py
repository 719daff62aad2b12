"""What a real compiler answers that no header says: predefined macros, system
include directories, and ``__has_attribute``/``__has_builtin``.

The answers come from running the compiler itself (``cc -dM -E``, ``cc -E -v``, and
``__has_attribute(x)`` probes), cached on disk per compiler binary and flags, so a
second run costs nothing.  Without a usable compiler the probes answer from the
table gcc 12 gives for the attributes the Linux headers test; the engine says so.
"""

import hashlib
import marshal
import os
import re
import shutil

from .diskcache import cache_dir, touch

# Probed together in one compiler run, so most later questions are already answered.
COMMON_ATTRIBUTES = """
access alias aligned alloc_align alloc_size always_inline artificial assume_aligned
cleanup cold common const constructor copy counted_by deprecated designated_init destructor
error externally_visible fallthrough flatten format format_arg gnu_inline hot
ifunc malloc may_alias mode no_instrument_function no_profile_instrument_function
no_reorder no_sanitize no_sanitize_address no_sanitize_coverage no_sanitize_undefined
no_stack_protector noclone nocommon noinit noinline noipa nonnull nonstring noplt
noreturn nothrow optimize packed patchable_function_entry pure retain returns_nonnull
returns_twice scalar_storage_order section sentinel simd tainted_args target
target_clones tls_model transparent_union unavailable unused used vector_size
visibility warn_unused_result warning weak weakref zero_call_used_regs
__copy__ __designated_init__ __error__ __externally_visible__ __no_profile_instrument_function__
__nonstring__ __fallthrough__ __counted_by__ __assume_aligned__ __cold__ __alias__ __cleanup__
__no_sanitize_address__ __no_sanitize_coverage__ __no_sanitize_undefined__ __noclone__
__overloadable__ __pass_object_size__ __warning__ __uninitialized__ __no_stack_protector__
__retain__ __diagnose_as_builtin__ __disable_sanitizer_instrumentation__ __format__
__noinline__ __section__ __used__ __unused__ __noreturn__ __packed__ __aligned__
""".split()
COMMON_BUILTINS = """
__builtin_expect __builtin_constant_p __builtin_types_compatible_p __builtin_choose_expr
__builtin_offsetof __builtin_unreachable __builtin_trap __builtin_memcpy __builtin_memset
__builtin_bswap16 __builtin_bswap32 __builtin_bswap64 __builtin_clz __builtin_ctz
__builtin_popcount __builtin_ffs __builtin_add_overflow __builtin_sub_overflow
__builtin_mul_overflow __builtin_dynamic_object_size __builtin_object_size
__builtin_is_constant_evaluated __builtin_assume_aligned __has_builtin
""".split()

# gcc 12.2's answers, used only when no compiler can be run.
_FALLBACK_UNSUPPORTED = {"counted_by", "__counted_by__", "__overloadable__", "__pass_object_size__",
                         "__diagnose_as_builtin__", "__disable_sanitizer_instrumentation__",
                         "__uninitialized__", "unavailable", "__builtin_dynamic_object_size",
                         "__builtin_is_constant_evaluated"}


class Compiler:
    """A compiler command (``("gcc",)``, ``("gcc-12", "-m64")``...) or None (no compiler)."""

    def __init__(self, command=("gcc",), flags=(), lang="c"):
        self.command = tuple(command) if command else None
        self.flags = tuple(flags)
        self.lang = lang            # -x for the predefined macros (assembler-with-cpp: __ASSEMBLER__)
        self.available = bool(self.command) and shutil.which(self.command[0]) is not None
        self._answers = None
        self._key = None

    # -- cache ----------------------------------------------------------------
    def _cache_key(self):
        if self._key is None:
            exe = shutil.which(self.command[0]) if self.available else "none"
            try:
                st = os.stat(exe) if self.available else None
                ident = "%s:%s:%s" % (exe, st.st_size, int(st.st_mtime)) if st else "none"
            except OSError:
                ident = exe
            raw = repr([ident, self.command, self.flags] + ([self.lang] if self.lang != "c" else []))
            self._key = hashlib.sha256(raw.encode()).hexdigest()[:20]
        return self._key

    def _load(self):
        if self._answers is not None:
            return self._answers
        self._answers = {}
        # (marshal, not json: a run reads this file at every start, and importing json
        # cost more than reading it)
        path = os.path.join(cache_dir(), "compiler-%s.bin" % self._cache_key())
        try:
            with open(path, "rb") as fh:
                answers = marshal.loads(fh.read())
            if isinstance(answers, dict):
                self._answers = answers
                touch(path)
        except (OSError, EOFError, ValueError, TypeError):
            pass
        return self._answers

    def _save(self):
        path = os.path.join(cache_dir(), "compiler-%s.bin" % self._cache_key())
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = path + ".%d" % os.getpid()
            with open(tmp, "wb") as fh:
                marshal.dump(self._answers, fh)
            os.replace(tmp, path)
        except (OSError, ValueError):
            pass

    def _run(self, args, stdin=""):
        import subprocess           # (only when an answer is not cached: not at every start)
        proc = subprocess.run(list(self.command) + list(self.flags) + list(args), input=stdin,
                              capture_output=True, text=True, timeout=60)
        return proc

    # -- answers --------------------------------------------------------------
    def has_feature(self, kind, name):
        answers = self._load()
        key = "%s(%s)" % (kind, name)
        if key in answers:
            return answers[key]
        if not self.available:
            return 0 if name in _FALLBACK_UNSUPPORTED else 1
        wanted = [(kind, name)]
        if kind == "__has_attribute":
            wanted += [(kind, a) for a in COMMON_ATTRIBUTES]
        elif kind == "__has_builtin":
            wanted += [(kind, b) for b in COMMON_BUILTINS]
        wanted = [w for w in wanted if "%s(%s)" % w not in answers]
        src = "".join("@@ %s(%s)\n" % w for w in wanted)
        proc = self._run(["-E", "-P", "-x", "c", "-"], src)
        values = re.findall(r"^@@ (.*)$", proc.stdout, re.M)
        if proc.returncode != 0 or len(values) != len(wanted):
            # probe one by one (a name the compiler rejects spoils a batch)
            values = []
            for w in wanted:
                p = self._run(["-E", "-P", "-x", "c", "-"], "@@ %s(%s)\n" % w)
                m = re.search(r"^@@ (.*)$", p.stdout, re.M)
                values.append(m.group(1) if m and p.returncode == 0 else "0")
        for w, v in zip(wanted, values):
            v = v.strip()
            answers["%s(%s)" % w] = int(v) if v.isdigit() else 0
        self._save()
        return answers[key]

    def predefined_macros(self):
        """``(name, definition-text)`` pairs as ``-dM`` prints them."""
        answers = self._load()
        if "predefined" in answers:
            return answers["predefined"]
        proc = self._run(["-dM", "-E", "-x", self.lang, "-"], "")
        if proc.returncode != 0:
            raise RuntimeError("%s -dM -E failed: %s" % (" ".join(self.command),
                                                         proc.stderr.strip().splitlines()[-1:]))
        result = []
        for line in proc.stdout.splitlines():
            if line.startswith("#define "):
                result.append(line[len("#define "):])
        answers["predefined"] = result
        self._save()
        return result

    def system_include_dirs(self):
        answers = self._load()
        if "sysdirs" in answers:
            return answers["sysdirs"]
        proc = self._run(["-E", "-v", "-x", "c", "-"], "")
        dirs = []
        inside = False
        for line in proc.stderr.splitlines():
            if line.startswith("#include <...> search starts here"):
                inside = True
                continue
            if line.startswith("End of search list"):
                break
            if inside:
                dirs.append(line.strip())
        answers["sysdirs"] = dirs
        self._save()
        return dirs
