/* Callgrind client requests, for bench/message_path_instructions.py (loaded with ctypes).
   Outside valgrind each request is a few no-op instructions. */
#include <valgrind/callgrind.h>

void vigie_zero_stats(void) { CALLGRIND_ZERO_STATS; }
void vigie_dump_stats(void) { CALLGRIND_DUMP_STATS; }
