next_from_inc
#include_next <next.h>
