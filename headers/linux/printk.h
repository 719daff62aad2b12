/* Model of include/linux/printk.h and include/linux/kern_levels.h
 * (Linux 6.1, without CONFIG_PRINTK_INDEX), for macrotrace. */
#ifndef __KERNEL_PRINTK__
#define __KERNEL_PRINTK__

#include <linux/compiler.h>

/* A log level is a prefix glued to the format string: "\001" "6". */
#define KERN_SOH	"\001"
#define KERN_INFO	KERN_SOH "6"

/* Modules may define pr_fmt to prefix all their messages. */
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

int _printk(const char *fmt, ...);

/* Without CONFIG_PRINTK_INDEX no format index entry is emitted. */
#define __printk_index_emit(...) do {} while (0)

#define printk_index_wrap(_p_func, _fmt, ...)				\
	({								\
		__printk_index_emit(_fmt, NULL, NULL);			\
		_p_func(_fmt, ##__VA_ARGS__);				\
	})

#define printk(fmt, ...) printk_index_wrap(_printk, fmt, ##__VA_ARGS__)

#define pr_info(fmt, ...) \
	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

#endif /* __KERNEL_PRINTK__ */
