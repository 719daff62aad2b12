/* pp-tokens as gcc lexes them: pp-numbers, prefixes, raw strings, digraphs, $, no trigraphs */
#define CAT(a,b) a##b
1.5e+3 0x1p-2 12abc .5 1..2 0xe+1 1e 1_000 08
u8"utf8" u"u16" U"u32" L"wide" L'w' u'c' U'c' u8 'c'
/* u8'c' is not a character constant before C2x: the identifier u8, then 'c' */
#define STR(x) #x
#define XSTR(x) STR(x)
#define u8 utf8
u8'c' STR(u8'c') XSTR(u8'c') XSTR(u8"c") CAT(x,u8'c')
#undef u8
R"(raw "string" \n)" R"delim(a)delim" LR"(x)"
<: :> <% %> %: %:%: a->b a- >b +++ ++ + -- - ->* ...
$dollar a$b
"??=" ??/
x = a//**/b
;
/* comment */ # /* null directive after comment */
@ ` \
CAT(x, 1) CAT(., 5) CAT(1, e) CAT(1e, +)
