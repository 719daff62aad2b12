/* backslash-newline splices, anywhere */
#def\
ine SPL\
ICED 4\
2
SPLICED
"str\
ing" a\
b /\
* comment *\
/ c /\
/ line comment
#define M(x) \
  x + \
  1
M(2)
