"""What a real compiler answers that no header says: predefined macros, system
include directories, and ``__has_attribute``/``__has_builtin``.

The answers come from running the compiler itself (``cc -dM -E``, ``cc -E -v``, and
``__has_attribute(x)`` probes), cached on disk per compiler binary and flags, so a
second run costs nothing.  A cold run asks what it needs in one compiler run
(``prepare``).  Without a usable compiler the probes answer from the table gcc 12
gives for the attributes the Linux headers test; the engine says so.
"""

import hashlib
import marshal
import os
import re
import shutil

from .diskcache import cache_dir, touch

# Probed together in one compiler run at the first question of a unit, so that a cold
# run starts the compiler once for them (a compiler run costs a unit ~7 ms of CPU; a
# kernel unit asks ~140 of these questions).  The names the Linux headers ask about,
# gcc's documented attributes (each also in its __x__ spelling) and the builtins C code
# commonly tests; a name outside the lists costs one more run.
_ATTRIBUTES = """
access alias aligned alloc_align alloc_size always_inline artificial assume_aligned
btf_type_tag cleanup cold common const constructor copy counted_by deprecated
designated_init destructor diagnose_as_builtin disable_sanitizer_instrumentation error
externally_visible fallthrough flatten format format_arg gnu_inline hot ifunc interrupt
leaf malloc may_alias mode no_caller_saved_registers no_icf no_instrument_function
no_profile_instrument_function no_reorder no_sanitize no_sanitize_address
no_sanitize_coverage no_sanitize_thread no_sanitize_undefined no_split_stack
no_stack_limit no_stack_protector noclone nocommon noinit noinline noipa nonnull
nonstring noplt noreturn nothrow objc_root_class optimize overloadable packed
pass_object_size patchable_function_entry persistent pure retain returns_nonnull
returns_twice scalar_storage_order section sentinel simd stack_protect symver
tainted_args target target_clones tls_model transparent_union unavailable
uninitialized unused used vector_size visibility warn_if_not_aligned
warn_unused_result warning weak weakref zero_call_used_regs
""".split()
COMMON_ATTRIBUTES = _ATTRIBUTES + ["__%s__" % a for a in _ATTRIBUTES]
COMMON_BUILTINS = """
__builtin_expect __builtin_expect_with_probability __builtin_constant_p
__builtin_types_compatible_p __builtin_choose_expr __builtin_offsetof __builtin_unreachable
__builtin_trap __builtin_memcpy __builtin_memset __builtin_memmove __builtin_memcmp
__builtin_strlen __builtin_strcmp __builtin_strcpy __builtin_bswap16 __builtin_bswap32
__builtin_bswap64 __builtin_clz __builtin_clzl __builtin_clzll __builtin_ctz __builtin_ctzl
__builtin_ctzll __builtin_popcount __builtin_popcountl __builtin_popcountll __builtin_parity
__builtin_ffs __builtin_ffsl __builtin_ffsll __builtin_clrsb __builtin_add_overflow
__builtin_sub_overflow __builtin_mul_overflow __builtin_add_overflow_p
__builtin_sub_overflow_p __builtin_mul_overflow_p __builtin_dynamic_object_size
__builtin_object_size __builtin_is_constant_evaluated __builtin_assume_aligned
__builtin_isdigit __builtin_alloca __builtin_alloca_uninitialized
__builtin_alloca_with_align __builtin_prefetch __builtin_return_address
__builtin_frame_address __builtin_extract_return_addr __builtin_speculation_safe_value
__builtin_classify_type __builtin_va_arg_pack __builtin_va_start __builtin_va_end
__builtin_va_copy __builtin_bit_cast __builtin_launder __builtin_addressof
__builtin_convertvector __builtin_shuffle __builtin_shufflevector __builtin_complex
__builtin_has_attribute __builtin_LINE __builtin_FILE __builtin_FUNCTION __builtin_assume
__builtin_unpredictable __builtin_bitreverse8 __builtin_bitreverse16
__builtin_bitreverse32 __builtin_bitreverse64 __builtin_rotateleft32
__builtin_rotateright32 __builtin_huge_val __builtin_inf __builtin_nan __builtin_isnan
__builtin_isinf __builtin_signbit __builtin_abs __builtin_clear_padding
__builtin_stack_address __builtin_counted_by_ref
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
        from .spawn import run      # (only when an answer is not cached: not at every start)
        return run(list(self.command) + list(self.flags) + list(args), stdin, timeout=60)

    # -- answers --------------------------------------------------------------
    def has_feature(self, kind, name):
        answers = self._load()
        key = "%s(%s)" % (kind, name)
        if key in answers:
            return answers[key]
        if not self.available:
            return 0 if name in _FALLBACK_UNSUPPORTED else 1
        wanted = [(kind, name)]
        if not answers.get("probed"):
            wanted += self._common_questions()
            answers["probed"] = True
        self._probe(list(dict.fromkeys(w for w in wanted if "%s(%s)" % w not in answers)))
        self._save()
        return answers[key]

    def _probe(self, wanted):
        """Answer each ``(kind, name)`` of ``wanted``: one compiler run for all of them.
        A question the compiler rejects (an error: its answer is 0) ends what the run
        answers; the rest are asked again in another run, so a bad name costs a run."""
        answers = self._answers
        while wanted:
            src = "".join("@@ %d %s(%s)\n" % (i, k, n) for i, (k, n) in enumerate(wanted))
            proc = self._run(["-E", "-P", "-x", "c", "-"], src)
            values = dict(re.findall(r"^@@ (\d+) (\d+)\s*$", proc.stdout, re.M))
            errors = {int(n) - 1 for n in re.findall(r"^<stdin>:(\d+):[\d:]* error:", proc.stderr, re.M)}
            done = 0
            for i, w in enumerate(wanted):
                if i in errors or str(i) not in values:
                    break
                answers["%s(%s)" % w] = int(values[str(i)])
                done += 1
            if done < len(wanted):
                if done == 0 and not errors:
                    # the compiler answered nothing and named no line: it answers 0
                    for w in wanted:
                        answers["%s(%s)" % w] = 0
                    return
                answers["%s(%s)" % wanted[done]] = 0     # (the question it rejected)
                done += 1
            wanted = wanted[done:]

    def prepare(self, system_dirs=False, predefined=False):
        """Ask the compiler in one run what a unit needs of it and the cache lacks: its
        system include directories (``-v``), its predefined macros (``-dM``; C only)
        and, with them, the answers to the common ``__has_attribute``/``__has_builtin``
        questions.  A compiler run costs a cold unit ~8 ms of CPU, as much as a tenth
        of ``gcc -E`` of a small kernel unit; a kernel unit needs the macros and the
        answers.  When the run's answers are not all there, as the layout below says,
        nothing of it is kept: each answer is asked again on its own, as it would be
        without ``prepare``."""
        answers = self._load()
        if not self.available:
            return
        dirs = system_dirs and "sysdirs" not in answers
        macros = predefined and "predefined" not in answers and self.lang == "c"
        if not (dirs or macros):
            return          # (questions alone wait for the first one a unit asks)
        wanted = [] if answers.get("probed") else self._common_questions()
        proc = self._run((["-dM"] if macros else ["-P"]) + ["-E"] + (["-v"] if dirs else [])
                         + ["-x", "c", "-"], probe_source(wanted, macros))
        values = probe_answers(proc, len(wanted), macros)
        if values is None:
            return
        for w, value in zip(wanted, values):
            answers["%s(%s)" % w] = value
        if wanted:
            answers["probed"] = True
        if dirs:
            answers["sysdirs"] = _search_dirs(proc.stderr)
        if macros:
            answers["predefined"] = [d for d in _definitions(proc.stdout) if not d.startswith(_ZERO)]
        self._save()

    def _common_questions(self):
        return [w for w in [("__has_attribute", a) for a in COMMON_ATTRIBUTES]
                + [("__has_builtin", b) for b in COMMON_BUILTINS]
                if "%s(%s)" % w not in self._answers]

    def predefined_macros(self):
        """``(name, definition-text)`` pairs as ``-dM`` prints them."""
        answers = self._load()
        if "predefined" in answers:
            return answers["predefined"]
        proc = self._run(["-dM", "-E", "-x", self.lang, "-"], "")
        if proc.returncode != 0:
            raise RuntimeError("%s -dM -E failed: %s" % (" ".join(self.command),
                                                         proc.stderr.strip().splitlines()[-1:]))
        result = answers["predefined"] = _definitions(proc.stdout)
        self._save()
        return result

    def system_include_dirs(self):
        answers = self._load()
        if "sysdirs" in answers:
            return answers["sysdirs"]
        proc = self._run(["-E", "-v", "-x", "c", "-"], "")
        dirs = answers["sysdirs"] = _search_dirs(proc.stderr)
        self._save()
        return dirs


def _definitions(dm_output):
    """The ``(name, definition-text)`` lines of ``-dM`` output, in its order."""
    return [line[len("#define "):] for line in dm_output.splitlines() if line.startswith("#define ")]


def _search_dirs(v_output):
    """The ``#include <...>`` directories ``-v`` lists on stderr."""
    dirs = []
    inside = False
    for line in v_output.splitlines():
        if line.startswith("#include <...> search starts here"):
            inside = True
            continue
        if line.startswith("End of search list"):
            break
        if inside:
            dirs.append(line.strip())
    return dirs


# The questions asked with -dM: -dM replaces the preprocessed text (where _probe reads its
# answers) with the macros, so each answer is put where -dM leaves it visible.  A 1 (most
# answers) leaves nothing; a 0 defines a macro (``_ZERO`` and the question's number),
# left out of the predefined macros; any other value (a date: __has_attribute(deprecated)
# is 201904) is the line number of an #error: ``#line`` takes the answer (its operand is
# macro-expanded), the #error that follows is reported at that line, "/dev/null:LINE:COL:
# error: #error @@ K" (named /dev/null, a file gcc opens once to quote a line and finds
# empty: a name it cannot open, <stdin>, it tried ~9 times an error).  A last #error says
# every question was read.  (An #error costs cc1 ~30,000 instructions and a write: one a
# question cost the run 0.9 ms.)  The identifiers the questions add to gcc's hash table
# take free slots (2,500 of 16,384 are used; it grows at 12,288), so -dM prints the
# predefined macros in the order it prints them alone (tests/test_compiler_probes.py
# checks it).  Without -dM the answers are the text, as _probe asks them.
# (compiled by re.match at a cold run's first use, not at every start)
_ZERO = "__macrotrace_probe_zero_"
_PROBE_ERROR = r"^/dev/null(?::(\d+))?(?::\d+)?: error: #error @@ (\d+)$"
_PROBE_TEXT = r"^@@ (\d+) (\d+)\s*$"


def probe_source(wanted, dm):
    if not dm:
        return "".join("@@ %d %s(%s)\n" % (k, kind, name) for k, (kind, name) in enumerate(wanted))
    ask = "".join('#if %s(%s) == 1\n#elif !%s(%s)\n#define %s%d\n#else\n#line %s(%s) "/dev/null"\n'
                  "#error @@ %d\n#endif\n" % (kind, name, kind, name, _ZERO, k, kind, name, k)
                  for k, (kind, name) in enumerate(wanted))
    return ask + '#line 1 "/dev/null"\n#error @@ %d\n' % len(wanted) if wanted else ""


def probe_answers(proc, count, dm):
    """The ``count`` answers of ``probe_source``'s run, in order, or None unless every
    question is answered once, and the compiler reported no other error (a rejected
    question, -Werror, -Wfatal-errors, another diagnostics format...)."""
    errors = proc.stderr.splitlines()
    if any("error:" in line and not (dm and re.match(_PROBE_ERROR, line)) for line in errors):
        return None
    if (proc.returncode != 0) != (dm and count > 0):
        return None
    if not dm:
        values = []
        for line in proc.stdout.splitlines():
            m = re.match(_PROBE_TEXT, line)
            if m is not None:
                if int(m.group(1)) != len(values):
                    return None
                values.append(int(m.group(2)))
        return values if len(values) == count else None
    values = [1] * count
    for line in proc.stdout.splitlines():
        if line.startswith("#define " + _ZERO):
            k = line[len("#define " + _ZERO):].split()
            if not k or not k[0].isdigit() or int(k[0]) >= count or values[int(k[0])] != 1:
                return None
            values[int(k[0])] = 0
    last = -1
    for line in errors:
        m = re.match(_PROBE_ERROR, line)
        if m is None:
            continue
        k = int(m.group(2))
        if k <= last or k > count or (k < count and values[k] != 1):
            return None
        if k < count:
            values[k] = int(m.group(1) or 0)
        last = k
    return values if last == count or not count else None
