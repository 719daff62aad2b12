/* Model of the parts of include/linux/types.h (Linux 6.1, x86-64) the model
 * headers use, for macrotrace. */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

typedef unsigned long		uintptr_t;
typedef unsigned long		size_t;
typedef _Bool			bool;

#endif /* _LINUX_TYPES_H */
