/* __LINE__ in arguments, in bodies, across multi-line invocations */
#define L __LINE__
#define F(x) x __LINE__
#define FL(x) x
#define OBJ FL
L
F(a)
F(
b
)
FL(
__LINE__
)
OBJ(
__LINE__
)
F(F(
c)
)
FL(L
)
#define H() __LINE__
H(
)
H
(
)
__LINE__ __FILE__ __INCLUDE_LEVEL__
#line 100
__LINE__ L F(d)
#line 200 "renamed.c"
__LINE__ __FILE__
