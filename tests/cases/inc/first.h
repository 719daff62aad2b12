first __FILE__ __INCLUDE_LEVEL__
#include "sub/nested.h"
