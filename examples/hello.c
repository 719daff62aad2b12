// A classic out-of-tree module: what macrotrace's first example traces.
#include <linux/init.h>
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("macrotrace");
MODULE_DESCRIPTION("hello, initcalls");

static int __init hello_init(void)
{
	pr_info("hello, world\n");
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("goodbye\n");
}

module_init(hello_init);
module_exit(hello_exit);
