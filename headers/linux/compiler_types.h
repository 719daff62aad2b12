/* Model of include/linux/compiler_types.h and the gcc parts of
 * include/linux/compiler-gcc.h (Linux 6.1), for macrotrace. */
#ifndef __LINUX_COMPILER_TYPES_H
#define __LINUX_COMPILER_TYPES_H

#include <linux/compiler_attributes.h>

/*
 * Token pasting in two levels: __PASTE expands its arguments first (they are
 * ordinary parameters), ___PASTE then glues the results with ##.  Without the
 * outer level, __PASTE(x, __COUNTER__) would glue the word __COUNTER__ itself.
 */
#define ___PASTE(a,b) a##b
#define __PASTE(a,b) ___PASTE(a,b)

/* A name no other expansion in the file can produce (gcc has __COUNTER__). */
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

/* Without CONFIG_GCC_PLUGIN_LATENT_ENTROPY the attribute is empty. */
#define __latent_entropy

/* ftrace must not instrument these functions. */
#define notrace			__attribute__((__no_instrument_function__))

/*
 * The kernel redefines the inline keyword: GNU inline semantics, no warning
 * for unused static inlines in .c files, and no tracing.
 */
#define inline inline __gnu_inline __inline_maybe_unused notrace
#define __inline_maybe_unused __maybe_unused

/* True when a and b have compatible types (a compile-time check). */
#define __same_type(a, b) __builtin_types_compatible_p(typeof(a), typeof(b))

#endif /* __LINUX_COMPILER_TYPES_H */
