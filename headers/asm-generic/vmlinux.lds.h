/* Model of include/asm-generic/vmlinux.lds.h (Linux 6.1), for macrotrace: the part
 * of the kernel's linker script that gathers the initcall tables.  Included from a
 * linker script (arch/x86/kernel/vmlinux.lds.S) preprocessed as
 * -x assembler-with-cpp -D__ASSEMBLY__ -DLINKER_SCRIPT; INIT_DATA_SECTION puts
 * INIT_CALLS inside the .init.data output section. */

/*
 * One level: a symbol marking where the level's table starts, then every input
 * section of that level (KEEP: the linker must not drop them although nothing
 * refers to them), then the level's _sync sections.  Link order is kept inside
 * each KEEP, so within a level the initcalls run in the order the objects were
 * linked.
 */
#define INIT_CALLS_LEVEL(level)						\
		__initcall##level##_start = .;				\
		KEEP(*(.initcall##level##.init))			\
		KEEP(*(.initcall##level##s.init))			\

/*
 * The whole table, level by level; init/main.c's initcall_levels[] points at
 * __initcall0_start ... __initcall7_start and __initcall_end.  early initcalls
 * come first, before __initcall0_start; rootfs sits between levels 5 and 6.
 */
#define INIT_CALLS							\
		__initcall_start = .;					\
		KEEP(*(.initcallearly.init))				\
		INIT_CALLS_LEVEL(0)					\
		INIT_CALLS_LEVEL(1)					\
		INIT_CALLS_LEVEL(2)					\
		INIT_CALLS_LEVEL(3)					\
		INIT_CALLS_LEVEL(4)					\
		INIT_CALLS_LEVEL(5)					\
		INIT_CALLS_LEVEL(rootfs)				\
		INIT_CALLS_LEVEL(6)					\
		INIT_CALLS_LEVEL(7)					\
		__initcall_end = .;

/* console_initcall()s: their own table, run by console_init(). */
#define CON_INITCALL							\
		__con_initcall_start = .;				\
		KEEP(*(.con_initcall.init))				\
		__con_initcall_end = .;
