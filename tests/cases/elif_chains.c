/* #elif is not evaluated after a taken group; nested skipped groups */
#define V 2
#if V == 1
one
#elif V == 2
two
#elif 1/0
never
#else
no
#endif
#if 0
# if 1/0
# endif
# ifdef X
# elif garbage (
# endif
#elif V > 1
# if V > 5
#  error nope
# elif V < 3
nested_elif
# endif
#endif
#ifndef V
#else
else_of_ifndef
#endif
