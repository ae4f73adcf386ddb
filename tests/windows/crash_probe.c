/*
 * crash_probe.c: a program that crashes (access violation). tests/windows/run.sh runs it
 * the way it runs every Windows test; if Wine reported its exit as success, a crashing
 * test would pass unnoticed, so the run fails then.
 */
#include <stdio.h>

int main(void);

int main(void)
{
	volatile int *volatile p = NULL;

	fputs("crash_probe: about to dereference NULL\n", stderr);
	fflush(stderr);
	*p = 42;
	fputs("crash_probe: still alive (unexpected)\n", stderr);
	return 0;
}
