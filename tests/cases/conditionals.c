// flags: -Iinc
/* #if semantics, defined in all its forms, skipped groups */
#define ONE 1
#define ZERO 0
#define EMPTY
#define FN(x) x
#if defined ONE && defined(ZERO) && !defined NOPE && defined ( EMPTY )
a
#endif
#if ONE + FN(2) == 3
b
#elif 1/0
never
#endif
#if 0
#error not reached
garbage ' " unterminated in a skipped group
#elif ZERO
c0
#elif ONE
c
#else
no
#endif
#ifdef EMPTY
d
#endif
#ifndef NOPE
e
#endif
#if -1 > 0u
f_unsigned
#endif
#if (2 || 1/0) && (0 && 1/0) == 0
g
#endif
#if 'a' == 97 && '\377' < 0 && L'\377' > 0
h
#endif
#if 0x7fffffffffffffff + 0 > 0 && 18446744073709551615u == -1
i
#endif
#if UNDEFINED_IDENT == 0 && (1 ? 2 : (1/0))
j
#endif
#define DEF defined(ONE)
#if DEF
k
#endif
#if 1
# if 0
# elif 1
l
# endif
#else
# if 1
not_l
# endif
#endif
#if (1, 2) == 2
m
#endif
#if 1 << 63 < 0 && (-1 >> 1) == -1
n
#endif
#ifdef __LINE__
o
#endif
#if defined(__has_include) && __has_include("conditionals.c") && !__has_include(<no_such_header.h>)
p
#endif
