/* argument collection: empty arguments, nesting, multi-line invocations */
#define F(a,b,c) <a|b|c>
F(,,) F( , , ) F((a,b),[c d],{e f}) F(1,
2
,
3)
#define G() g
G() G( )
#define ONE(x) [x]
ONE() ONE( ) ONE(())
#define N(x) x
N(N(N(N(1))))
N(
  multi   line
  argument
)
#define COMMA ,
#define PAIR(a,b) a/b
PAIR(1 COMMA 2, 3)
#define APPLY(m, ...) m(__VA_ARGS__)
APPLY(PAIR, x, y)
