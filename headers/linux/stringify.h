/* Model of include/linux/stringify.h (Linux 6.1), for macrotrace. */
#ifndef __LINUX_STRINGIFY_H
#define __LINUX_STRINGIFY_H

/*
 * Two levels, so that the argument is macro-expanded before # turns it into a
 * string: __stringify(__LINE__) gives "19", __stringify_1(__LINE__) "__LINE__".
 * The GNU named variadic parameter (x...) lets the argument contain commas.
 */
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

#endif
