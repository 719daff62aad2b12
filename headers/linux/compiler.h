/* Model of include/linux/compiler.h (Linux 6.1), for macrotrace. */
#ifndef __LINUX_COMPILER_H
#define __LINUX_COMPILER_H

#include <linux/compiler_types.h>

/*
 * Make the compiler keep sym, by storing its address in a static variable
 * nobody reads.  The variable goes in the section named by __attrs; with
 * __ADDRESSABLE that is .discard.addressable, which the linker throws away,
 * so the reference costs nothing in the final image.
 */
#define ___ADDRESSABLE(sym, __attrs)						\
	static void * __used __attrs						\
		__UNIQUE_ID(__PASTE(__addressable_,sym)) = (void *)&sym;

#define __ADDRESSABLE(sym) \
	___ADDRESSABLE(sym, __section(".discard.addressable"))

/* A 32-bit offset stored at off, turned back into the address it points to. */
static inline void *offset_to_ptr(const int *off)
{
	return (void *)((unsigned long)off + *off);
}

#endif /* __LINUX_COMPILER_H */
