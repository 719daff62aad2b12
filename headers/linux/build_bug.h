/* Model of include/linux/build_bug.h (Linux 6.1), for macrotrace. */
#ifndef _LINUX_BUILD_BUG_H
#define _LINUX_BUILD_BUG_H

#include <linux/compiler.h>

/*
 * static_assert(expr) with an optional message: without one, the expression
 * itself, stringified, becomes the message.  The GNU ", ##__VA_ARGS__" drops
 * the comma when no message is given.
 */
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)

#endif /* _LINUX_BUILD_BUG_H */
