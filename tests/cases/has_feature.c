/* __has_attribute and __has_builtin answered as gcc answers them */
#if __has_attribute(__copy__)
copy_yes
#endif
#if __has_attribute(noreturn) && __has_attribute(__section__) && !__has_attribute(no_such_attribute_xyz)
attrs
#endif
#if __has_builtin(__builtin_expect) && !__has_builtin(__builtin_no_such_thing)
builtins
#endif
__has_attribute(used) __has_attribute(fallthrough) __has_builtin(__builtin_constant_p)
#ifdef __has_attribute
has_attribute_is_defined
#endif
#define ATTR_NAME unused
#if __has_attribute(ATTR_NAME)
through_macro
#endif
/* outside #if too, operand macro-expanded: a traced step replaces the whole operand */
#define HAS(x) __has_attribute(x) + __has_builtin(x)
int h1 = __has_attribute(ATTR_NAME), h2 = HAS(ATTR_NAME), h3 = HAS(__builtin_expect);
