/* directives inside a macro's argument list (gcc processes them) */
#define F(x) [x]
F(a
#define INSIDE 1
b)
INSIDE
F(
#if 1
yes
#else
no
#endif
)
#define G(x) x
G
#define H 2
(H)
