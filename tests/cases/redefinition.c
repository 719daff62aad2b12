// flags: -DA=1 -UA -DB -DC=3 -DC=4
/* redefinition and #undef take effect in order; -D and -U order */
#define X 1
X
#undef X
X
#define X 2
X
#define X 2
A B C
#undef B
B
