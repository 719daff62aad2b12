/* _Pragma read while a macro argument is pre-expanded: gcc leaves it alone (it
   may be stringified later) and runs it when the replacement is rescanned. */
#define ID(x) x
#define S(x) #x
#define XS(x) S(x)
#define P _Pragma("inner") p
#define TWICE(x) x x
#define CALL(f, a) f a
a ID(_Pragma("one") b) c
d XS(_Pragma("two") e) f
g ID(_Pragma) ("three") h
i ID(_Pragma)
("four") j
k ID(P) l
m XS(P) n
o TWICE(_Pragma("twice")) q
r CALL(_Pragma, ("called")) s
t ID(ID(_Pragma)) ("nested") u
