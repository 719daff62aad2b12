/* defined in every form, including from a macro expansion (gcc evaluates it) */
#define A
#define B 0
#define ISDEF(x) defined(x)
#define FN(x) x
#if defined A && defined(B) && defined ( A ) && !defined C
one
#endif
#if ISDEF(FN) && !ISDEF(C)
two
#endif
#define D defined
#if D A
three
#endif
#if defined(A) + defined(B) == 2
four
#endif
#undef A
#ifdef A
not_five
#else
five
#endif
#if defined __COUNTER__ && defined __LINE__ && defined __FILE__ && defined _Pragma
six
#endif
#if (defined A || defined B) && !(defined A)
seven
#endif
