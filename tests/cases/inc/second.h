#ifndef SECOND_H
#define SECOND_H
second_once __FILE__
#endif
