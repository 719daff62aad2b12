/* Model of include/linux/compiler_attributes.h (Linux 6.1), for macrotrace:
 * only the attributes the initcall and module story uses. */
#ifndef __LINUX_COMPILER_ATTRIBUTES_H
#define __LINUX_COMPILER_ATTRIBUTES_H

/* Each macro names one GCC attribute; the kernel spells attributes with
 * leading and trailing underscores so a user macro cannot clash with them. */
#define __aligned(x)			__attribute__((__aligned__(x)))
#define __cold				__attribute__((__cold__))

/* __copy is only known to newer compilers: the kernel asks the compiler. */
#if __has_attribute(__copy__)
# define __copy(symbol)			__attribute__((__copy__(symbol)))
#else
# define __copy(symbol)
#endif

#define __gnu_inline			__attribute__((__gnu_inline__))
#define __noreturn			__attribute__((__noreturn__))
#define __section(section)		__attribute__((__section__(section)))
#define __maybe_unused			__attribute__((__unused__))
#define __used				__attribute__((__used__))

/* Kept visible to the linker even under LTO (what .mod.c's __this_module needs). */
#if __has_attribute(__externally_visible__)
# define __visible			__attribute__((__externally_visible__))
#else
# define __visible
#endif

#endif /* __LINUX_COMPILER_ATTRIBUTES_H */
