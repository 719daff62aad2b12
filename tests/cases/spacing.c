/* token boundaries that must not merge after expansion */
#define ID(x) x
#define E
#define PLUS +
#define MINUS -
ID(x)1 ID(+)+ ID(-)> ID(.)1 ID(1). ID(<)< ID(&)& ID(|)|
-E- a E b PLUS+ MINUS- -MINUS +PLUS PLUS PLUS ID(/)ID(/) ID(/)ID(*) x ID(/)=
#define CAT(a,b) a##b
CAT(a,b)c CAT(1,2)3
ID(L)"s" ID(u8)"s" ID(x)'c'
/* a function-like name with no '(' after it: gcc re-inserts the padding it skipped,
   chosen as funlike_invocation_p chooses it (found by the trace property test) */
#define FG_A FG_G
#define FG_G(...)
#define FG_B(a, ...) a __VA_ARGS__
FG_B(FG_A, FG_B(-)) FG_B(FG_A,-) FG_B(FG_G, FG_B(+))
