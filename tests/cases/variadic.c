/* variadic macros: __VA_ARGS__, GNU named variadics, comma swallowing, __VA_OPT__ */
#define V(...) <__VA_ARGS__>
V() V(1) V(1,2,3) V( a , b )
#define N(fmt, args...) p(fmt, ## args)
N(a) N(a,) N(a,b) N(a,b,c)
#define G(fmt, ...) q(fmt, ## __VA_ARGS__)
G(a) G(a,) G(a,b)
#define ONLY(...) r(x, ## __VA_ARGS__)
ONLY() ONLY(1)
#define S(x...) #x
S() S(a,b) S( a , b )
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define SEC .init
__stringify(SEC) __stringify(a, SEC, b)
#define OPT(...) f(0 __VA_OPT__(,) __VA_ARGS__)
OPT() OPT(1) OPT(a,b)
#define OPT2(a, ...) [a __VA_OPT__(- __VA_ARGS__ -) a]
OPT2(1) OPT2(1,) OPT2(1,2)
#define EMPTY
OPT(EMPTY) OPT2(1,EMPTY)
#define CNT(...) __VA_OPT__(x)
CNT() CNT(1)
#define LAST(a, ...) __VA_ARGS__ a
LAST(1) LAST(1,2,3)
