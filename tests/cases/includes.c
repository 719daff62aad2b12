// flags: -Iinc -Iinc2
/* include search: current dir first for quotes, -I chain, include_next, guards, once */
#include "inc/first.h"
#include <second.h>
#include <second.h>
#include "inc/once.h"
#include "inc/once.h"
#define HEADER <second.h>
#include HEADER
#define QHEADER "inc/first.h"
#include QHEADER
#include <next.h>
__FILE__ __INCLUDE_LEVEL__
