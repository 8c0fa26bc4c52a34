/*
 * util.h - fixtures shared by the unit tests: temporary directories, the
 * embedded default configuration, a desk on a fresh database, and UTC
 * instants spelled out as civil dates.
 */
#ifndef HD_TEST_UTIL_H
#define HD_TEST_UTIL_H

#include "hd/desk.h"

#include <stdint.h>

/* test_tmpdir - a new empty directory (under $HD_TEST_TMP or /tmp); caller frees. */
char *test_tmpdir(void);

/* test_write_file - write `text` to dir/name; returns the path (caller frees). */
char *test_write_file(const char *dir, const char *name, const char *text);

/* test_embedded - the embedded data file `name` ("deskbot.json", "kb/…"), or NULL. */
const char *test_embedded(const char *name);

/*
 * test_config - the embedded defaults with `overlay` (JSON text, may be
 * NULL) merged over them. Aborts the test program on error.
 */
hd_config *test_config(const char *overlay);

/* test_desk - a desk on a new database file in a temporary directory. */
hd_desk *test_desk(const hd_config *cfg);

/* test_utc - seconds since the epoch of a UTC civil time. */
int64_t test_utc(int year, int month, int day, int hour, int minute);

/* test_employee - add an employee; returns its id (aborts on error). */
int64_t test_employee(hd_desk *desk, const char *username, int vip, int agent);

#endif
