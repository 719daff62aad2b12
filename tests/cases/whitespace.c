/* form feed and vertical tab are white space; CRLF line ends */
#define FF(x) [x]
FF(1)
ab
