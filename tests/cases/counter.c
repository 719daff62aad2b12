/* __COUNTER__: pre-expansion order, # and ## operands, several uses */
#define ID(x) x
#define TWICE(x) x x
#define SWAP(a,b) b a
#define CAT(a,b) a##b
#define XCAT(a,b) CAT(a,b)
#define STR(x) #x
__COUNTER__ ID(__COUNTER__) TWICE(__COUNTER__) SWAP(__COUNTER__, __COUNTER__)
CAT(v, __COUNTER__) XCAT(v, __COUNTER__) STR(__COUNTER__)
#define BOTH(x) STR(x) x
BOTH(__COUNTER__)
#define UNIQ(p) XCAT(XCAT(__UNIQUE_ID_, p), __COUNTER__)
UNIQ(a) UNIQ(b) UNIQ(a)
#define OPTC(a, ...) __VA_OPT__(x) a __VA_ARGS__
OPTC(__COUNTER__, __COUNTER__) OPTC(__COUNTER__)
#if __COUNTER__ == 17
counter_in_if_seen
#endif
__COUNTER__
