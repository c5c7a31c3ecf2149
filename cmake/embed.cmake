# Turns a file into a C array (NAME, NAME_len) so the binary carries it: the demo agenda must
# not be read from the source tree at run time. Run as: cmake -DIN= -DOUT= -DNAME= -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* Generated from ${IN} by cmake/embed.cmake; do not edit. */\n#include <stddef.h>\nconst char ${NAME}[] = {\n${body}\n0};\nconst size_t ${NAME}_len = ${bytes};\n")
