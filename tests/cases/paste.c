/* the ## operator: evaluation order, placemarkers, results that are macros */
#define CAT(a,b) a##b
#define XCAT(a,b) CAT(a,b)
CAT(x,y) CAT(x,) CAT(,y) CAT(,) CAT(1,2) CAT(-,>) CAT(<<,=) CAT(%:,%:) CAT(L,"s") CAT(u8,"s")
#define xy 42
CAT(x,y) XCAT(x,y)
#define CAT3(a,b,c) a##b##c
CAT3(a,b,c) CAT3(,b,) CAT3(1,,2) CAT3(,,)
#define LEFT(a) a##_suffix
#define RIGHT(a) prefix_##a
LEFT(x) RIGHT(y) LEFT() RIGHT()
#define M(a) [a]
#define CALLM(n) M(n)
CALLM(3)
#define HH # ## #
HH
#define CATE(a) a##1 ## 2
CATE(0) CATE()
#define PASTE_ARGS(a,b) a##b a b
#define one 1
PASTE_ARGS(one,one)
#define W(x, y) x ## y ## x
W(ab, cd)
