/* the # operator: white space, escapes, padding from expansions */
#define str(x) #x
#define xstr(x) str(x)
str(  a   +   b  ) str(a+b) str( "x\n" ) str('\'') str("\\") str(a "b\"c" d)
str(: @\n) str(\) str(\\) str(L"w" u8"u" U'c')
str(/* comment */ a /**/ b) str(a
b)
#define E
#define P(x) x
xstr(E a E) xstr(P(1)P(2)) xstr( P( 1 ) + P(2) ) xstr(-P(-)) xstr(P(a)b)
#define PLUS +
xstr(PLUS PLUS) xstr(PLUS+) xstr(+PLUS) xstr(a PLUS b)
#define CAT(a,b) a##b
xstr(CAT(x,y)z) xstr([CAT(,)]) xstr(CAT(-,-)-)
str(@) str($x) str(0x1p-3 1.e+5 .5e-3)
#define S2(a,b) #a #b
S2(,) S2( x , y )
