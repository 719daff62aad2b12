/* rescanning with the rest of the source; painted-blue names */
#define f(a) a*g
#define g(a) f(a)
f(2)(9)
#define AA BB
#define BB AA
AA BB
#define SELF SELF + 1
SELF
#define REC(x) x REC(x)
REC(REC(1))
#define LPAREN (
#define F1(x) [x]
F1 LPAREN 1)
#define ID(x) x
#define F2 ID(F2)
F2 ID(F2) ID(ID(F2))
#define obj(x) x obj
obj(1)(2)(3)
#define NIL(x) x
#define G0(x) NIL
G0(1)(2)
#define EMPTY
#define DEFER(m) m EMPTY
#define EXPAND(...) __VA_ARGS__
#define A_() 123
DEFER(A_)() EXPAND(DEFER(A_)())
#define lparen (
#define call(f) f lparen 1)
call(ID)
#define fn_no_paren(x) x
fn_no_paren + fn_no_paren
fn_no_paren
(4)
fn_no_paren /* comment */ (5)
