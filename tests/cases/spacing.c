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
