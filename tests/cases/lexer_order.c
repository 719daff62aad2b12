/* The lexer tries identifiers and punctuators first: what they must leave to the other
   branches (a literal's prefix, a comment, a number after a dot) still lexes as gcc
   lexes it. */
#define STR(x) #x
#define XSTR(x) STR(x)
#define CAT(a, b) a ## b
L"s" L'c' u"s" U'c' u8"s" LR"(x)" u8R"d(y)d" R"(z)" Lx Rx u8x uR x
XSTR(L"s" L'c' u8"s" R"(z)" LR"(x)")
CAT(L, "s") CAT(u8, "s") CAT(R, x) CAT(L, x)
a/**/b a//c
a/ /b a/=b .5 .x ..5 ...5 x.5 1.e+5 .e5
	 	x   /* c */  y	/* multi
line */ z
  # define INDENTED 1
INDENTED
