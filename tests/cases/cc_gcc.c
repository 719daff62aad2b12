/* with --cc gcc: the compiler's predefined macros and feature answers */
__GNUC__ __GNUC_MINOR__ __x86_64__ __SIZEOF_LONG__ __CHAR_BIT__ __INT_MAX__ __VERSION__
__STDC_VERSION__ __OPTIMIZE__ __SIZE_TYPE__ __USER_LABEL_PREFIX__ __ORDER_LITTLE_ENDIAN__
#if defined(__GNUC__) && __GNUC__ >= 5 && __has_attribute(__copy__) && __has_builtin(__builtin_expect)
modern_gcc
#endif
#ifdef __linux__
on_linux
#endif
__has_attribute(__fallthrough__) __has_builtin(__builtin_bswap32)
