// flags: -std=gnu2x
/* C2x: u8'c' is one character constant (an unsigned char), not u8 then 'c' */
#define S(x) #x
#define C(a,b) a##b
S(u8'a') C(u8,'a') S(u8 'a')
#if u8'a' == 97 && u8'\xff' == 255 && u8'\xff' > 0 && u8'\377' == 0xff
c2x_char_values
#endif
#define u8 U8
u8'a' u8"s" u8 'a' u8
