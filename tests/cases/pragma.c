/* #pragma lines and the _Pragma operator as gcc -E prints them */
#pragma GCC diagnostic push
#pragma weak foo
_Pragma("GCC diagnostic ignored \"-Wformat\"") after_pragma
#define DIAG(x) _Pragma(#x) diag
DIAG(GCC diagnostic pop)
#define X 1
#pragma push_macro("X")
#undef X
#define X 2
X
#pragma pop_macro("X")
X
#pragma message("hello")
#define PSTR "message(\"via a macro\")"
#define PRAGMA_OF(s) _Pragma(s) after
PRAGMA_OF(PSTR) _Pragma(PSTR)
