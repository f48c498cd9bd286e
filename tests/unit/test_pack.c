/*
 * test_pack.c — unit tests for common/pack.c (struct.pack / calcsize).
 * The expected bytes and messages were produced by CPython 3.11.7's struct
 * module on x86-64 Linux; each value is the YAML text standing for the Python
 * object that was packed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "util.h"
#include "unit.h"

struct pcase {
	const char	*fmt;
	size_t		 nvalues;
	const char	*values[8];
	const char	*hex;		/* expected bytes, or NULL for an error */
	const char	*err;		/* expected message */
	int		 bad;		/* expected *bad_value */
};

struct ccase {
	const char	*fmt;
	long		 size;
	const char	*err;
};

static const struct pcase basic_cases[] = {
	{ "=iif", 3, { "1", "4", "2.7" }, "0100000004000000cdcc2c40", NULL, 0 },
	{ "@bi", 2, { "1", "2" }, "0100000002000000", NULL, 0 },
	{ "bi", 2, { "-1", "-2" }, "ff000000feffffff", NULL, 0 },
	{ "<h", 1, { "-2" }, "feff", NULL, 0 },
	{ ">h", 1, { "4660" }, "1234", NULL, 0 },
	{ "!H", 1, { "65535" }, "ffff", NULL, 0 },
	{ ">Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "<Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "<q", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ ">q", 1, { "9223372036854775807" }, "7fffffffffffffff", NULL, 0 },
	{ "!4s", 1, { "ab" }, "61620000", NULL, 0 },
	{ "!4s", 1, { "abcdef" }, "61626364", NULL, 0 },
	{ "3p", 1, { "hello" }, "026865", NULL, 0 },
	{ "3p", 1, { "" }, "000000", NULL, 0 },
	{ "4p", 1, { "ab" }, "02616200", NULL, 0 },
	{ "0p", 1, { "abc" }, "", NULL, 0 },
	{ "0s", 1, { "abc" }, "", NULL, 0 },
	{ "0px", 1, { "abc" }, "ff", NULL, 0 },
	{ "@x0p0l", 1, { "" }, "00ff000000000000", NULL, 0 },
	{ "@x0pl", 2, { "", "5" }, "00ff0000000000000500000000000000", NULL, 0 },
	{ "0p4s", 2, { "a", "" }, "ff000000", NULL, 0 },
	{ "0p4s", 2, { "a", "b" }, "62000000", NULL, 0 },
	{ "<0pi", 2, { "a", "-1" }, "ffffffff", NULL, 0 },
	{ "2x", 0, { NULL }, "0000", NULL, 0 },
	{ "<2xh2x", 1, { "7" }, "000007000000", NULL, 0 },
	{ "3i", 3, { "1", "2", "3" }, "010000000200000003000000", NULL, 0 },
	{ ">2h3B", 5, { "1", "-1", "1", "2", "255" }, "0001ffff0102ff", NULL, 0 },
	{ "i i", 2, { "1", "2" }, "0100000002000000", NULL, 0 },
	{ "\011i\012", 1, { "1" }, "01000000", NULL, 0 },
	{ "c", 1, { "A" }, "41", NULL, 0 },
	{ "<cxc", 2, { "a", "b" }, "610062", NULL, 0 },
	{ "", 0, { NULL }, "", NULL, 0 },
	{ "<", 0, { NULL }, "", NULL, 0 },
	{ "5s", 1, { "h\303\251llo" }, "68c3a96c6c", NULL, 0 },
	{ "300p", 1, { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }, "ff6161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161"
	    "616161616161616161616161616161616161616161616161616161616161", NULL, 0 },
	{ "@n", 1, { "-5" }, "fbffffffffffffff", NULL, 0 },
	{ "@N", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "N", 1, { "9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "P", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "P", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "l", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "L", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ ">l", 1, { "-2147483648" }, "80000000", NULL, 0 },
	{ "<L", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "=l", 1, { "-2" }, "feffffff", NULL, 0 },
	{ ">I", 1, { "3735928559" }, "deadbeef", NULL, 0 },
};

static const struct pcase align_cases[] = {
	{ "@bi", 2, { "7", "7" }, "0700000007000000", NULL, 0 },
	{ "@bh", 2, { "7", "7" }, "07000700", NULL, 0 },
	{ "@bq", 2, { "7", "7" }, "07000000000000000700000000000000", NULL, 0 },
	{ "@bd", 2, { "7", "1.5" }, "0700000000000000000000000000f83f", NULL, 0 },
	{ "@bf", 2, { "7", "1.5" }, "070000000000c03f", NULL, 0 },
	{ "@be", 2, { "7", "1.5" }, "0700003e", NULL, 0 },
	{ "@b?", 2, { "7", "true" }, "0701", NULL, 0 },
	{ "@bP", 2, { "7", "7" }, "07000000000000000700000000000000", NULL, 0 },
	{ "@bn", 2, { "7", "7" }, "07000000000000000700000000000000", NULL, 0 },
	{ "@bN", 2, { "7", "7" }, "07000000000000000700000000000000", NULL, 0 },
	{ "@bl", 2, { "7", "7" }, "07000000000000000700000000000000", NULL, 0 },
	{ "@b0i", 1, { "7" }, "07000000", NULL, 0 },
	{ "@ib", 2, { "7", "7" }, "0700000007", NULL, 0 },
	{ "@3xi", 1, { "7" }, "0000000007000000", NULL, 0 },
	{ "@b2s", 2, { "7", "zz" }, "077a7a", NULL, 0 },
	{ "@cH", 2, { "c", "7" }, "63000700", NULL, 0 },
	{ "@bxi", 2, { "7", "7" }, "0700000007000000", NULL, 0 },
	{ "bq0h", 2, { "7", "7" }, "07000000000000000700000000000000", NULL, 0 },
	{ "@?d", 2, { "true", "1.5" }, "0100000000000000000000000000f83f", NULL, 0 },
	{ "=bi", 2, { "7", "7" }, "0707000000", NULL, 0 },
	{ "<bq", 2, { "7", "7" }, "070700000000000000", NULL, 0 },
	{ ">bd", 2, { "7", "1.5" }, "073ff8000000000000", NULL, 0 },
	{ "!be", 2, { "7", "1.5" }, "073e00", NULL, 0 },
};

static const struct pcase bool_cases[] = {
	{ "?", 1, { "true" }, "01", NULL, 0 },
	{ "?", 1, { "false" }, "00", NULL, 0 },
	{ "?", 1, { "yes" }, "01", NULL, 0 },
	{ "?", 1, { "No" }, "00", NULL, 0 },
	{ "?", 1, { "TRUE" }, "01", NULL, 0 },
	{ "?", 1, { "1" }, "01", NULL, 0 },
	{ "?", 1, { "0" }, "00", NULL, 0 },
	{ "?", 1, { "2" }, "01", NULL, 0 },
	{ "?", 1, { "-1" }, "01", NULL, 0 },
	{ "?", 1, { "0x0" }, "00", NULL, 0 },
	{ "?", 1, { "0.0" }, "00", NULL, 0 },
	{ "?", 1, { "0.5" }, "01", NULL, 0 },
	{ "<3?", 3, { "true", "false", "7" }, "010001", NULL, 0 },
	{ "i", 1, { "true" }, "01000000", NULL, 0 },
	{ "f", 1, { "true" }, "0000803f", NULL, 0 },
	{ ">h", 1, { "yes" }, "0001", NULL, 0 },
};

static const struct pcase intsyntax_cases[] = {
	{ "<i", 1, { "0x7f" }, "7f000000", NULL, 0 },
	{ "<i", 1, { "-0x10" }, "f0ffffff", NULL, 0 },
	{ "<i", 1, { "0o17" }, "0f000000", NULL, 0 },
	{ "<i", 1, { "0b101" }, "05000000", NULL, 0 },
	{ "<i", 1, { "+42" }, "2a000000", NULL, 0 },
	{ "<i", 1, { "007" }, "07000000", NULL, 0 },
	{ "<i", 1, { "1_000" }, "e8030000", NULL, 0 },
	{ "<i", 1, { "0XFF" }, "ff000000", NULL, 0 },
	{ "<Q", 1, { "0xffffffffffffffff" }, "ffffffffffffffff", NULL, 0 },
	{ "<q", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "<Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "<q", 1, { "-0b100000000000000000000000000000000000000000000000000000000"
	    "0000000" }, "0000000000000080", NULL, 0 },
	{ "<i", 1, { "1.0" }, NULL, "required argument is not an integer", 0 },
	{ "<i", 1, { "abc" }, NULL, "required argument is not an integer", 0 },
	{ "<i", 1, { "" }, NULL, "required argument is not an integer", 0 },
	{ "<i", 1, { "0x" }, NULL, "required argument is not an integer", 0 },
	{ "<i", 1, { "1e3" }, NULL, "required argument is not an integer", 0 },
	{ "<i", 1, { "1__0" }, NULL, "required argument is not an integer", 0 },
	{ "<i", 1, { "0b102" }, NULL, "required argument is not an integer", 0 },
	{ "<i", 1, { "nan" }, NULL, "required argument is not an integer", 0 },
};

static const struct pcase range_cases[] = {
	{ "@b", 1, { "-128" }, "80", NULL, 0 },
	{ "@b", 1, { "127" }, "7f", NULL, 0 },
	{ "@b", 1, { "-129" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "@b", 1, { "128" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "@b", 1, { "-1" }, "ff", NULL, 0 },
	{ "@b", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@b", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@b", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@b", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@B", 1, { "0" }, "00", NULL, 0 },
	{ "@B", 1, { "255" }, "ff", NULL, 0 },
	{ "@B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "@B", 1, { "256" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "@B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "@B", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@B", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@B", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@B", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@h", 1, { "-32768" }, "0080", NULL, 0 },
	{ "@h", 1, { "32767" }, "ff7f", NULL, 0 },
	{ "@h", 1, { "-32769" }, NULL, "short format requires -32768 <= number <= 32767", 0 },
	{ "@h", 1, { "32768" }, NULL, "short format requires -32768 <= number <= 32767", 0 },
	{ "@h", 1, { "-1" }, "ffff", NULL, 0 },
	{ "@h", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@h", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@h", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@h", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@H", 1, { "0" }, "0000", NULL, 0 },
	{ "@H", 1, { "65535" }, "ffff", NULL, 0 },
	{ "@H", 1, { "-1" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "@H", 1, { "65536" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "@H", 1, { "-1" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "@H", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@H", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@H", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@H", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@i", 1, { "-2147483648" }, "00000080", NULL, 0 },
	{ "@i", 1, { "2147483647" }, "ffffff7f", NULL, 0 },
	{ "@i", 1, { "-2147483649" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "@i", 1, { "2147483648" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "@i", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ "@i", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@i", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@i", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@i", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@I", 1, { "0" }, "00000000", NULL, 0 },
	{ "@I", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "@I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@I", 1, { "4294967296" }, NULL, "'I' format requires 0 <= number <= 4294967295", 0 },
	{ "@I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@I", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@I", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@I", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@I", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@l", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "@l", 1, { "9223372036854775807" }, "ffffffffffffff7f", NULL, 0 },
	{ "@l", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@l", 1, { "9223372036854775808" }, NULL, "argument out of range", 0 },
	{ "@l", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "@l", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@l", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@l", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@l", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@L", 1, { "0" }, "0000000000000000", NULL, 0 },
	{ "@L", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "@L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@L", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@L", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@L", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@L", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@L", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@q", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "@q", 1, { "9223372036854775807" }, "ffffffffffffff7f", NULL, 0 },
	{ "@q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@q", 1, { "9223372036854775808" }, NULL, "argument out of range", 0 },
	{ "@q", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "@q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@Q", 1, { "0" }, "0000000000000000", NULL, 0 },
	{ "@Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "@Q", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@Q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@Q", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@Q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@Q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@Q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@Q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@n", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "@n", 1, { "9223372036854775807" }, "ffffffffffffff7f", NULL, 0 },
	{ "@n", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@n", 1, { "9223372036854775808" }, NULL, "argument out of range", 0 },
	{ "@n", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "@n", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@n", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@n", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@n", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@N", 1, { "0" }, "0000000000000000", NULL, 0 },
	{ "@N", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "@N", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@N", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@N", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "@N", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "@N", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "@N", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "@N", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "@P", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "@P", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "@P", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ "@P", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ "@P", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "@P", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ "@P", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ "@P", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "int too large to convert", 0 },
	{ "@P", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "int too large to convert", 0 },
	{ "=b", 1, { "-128" }, "80", NULL, 0 },
	{ "=b", 1, { "127" }, "7f", NULL, 0 },
	{ "=b", 1, { "-129" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "=b", 1, { "128" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "=b", 1, { "-1" }, "ff", NULL, 0 },
	{ "=b", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=b", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=b", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=b", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=B", 1, { "0" }, "00", NULL, 0 },
	{ "=B", 1, { "255" }, "ff", NULL, 0 },
	{ "=B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "=B", 1, { "256" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "=B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "=B", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=B", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=B", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=B", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=h", 1, { "-32768" }, "0080", NULL, 0 },
	{ "=h", 1, { "32767" }, "ff7f", NULL, 0 },
	{ "=h", 1, { "-32769" }, NULL, "short format requires -32768 <= number <= 32767", 0 },
	{ "=h", 1, { "32768" }, NULL, "short format requires -32768 <= number <= 32767", 0 },
	{ "=h", 1, { "-1" }, "ffff", NULL, 0 },
	{ "=h", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=h", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=h", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=h", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=H", 1, { "0" }, "0000", NULL, 0 },
	{ "=H", 1, { "65535" }, "ffff", NULL, 0 },
	{ "=H", 1, { "-1" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "=H", 1, { "65536" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "=H", 1, { "-1" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "=H", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=H", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=H", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=H", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=i", 1, { "-2147483648" }, "00000080", NULL, 0 },
	{ "=i", 1, { "2147483647" }, "ffffff7f", NULL, 0 },
	{ "=i", 1, { "-2147483649" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "=i", 1, { "2147483648" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "=i", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ "=i", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=i", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=i", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=i", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=I", 1, { "0" }, "00000000", NULL, 0 },
	{ "=I", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "=I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "=I", 1, { "4294967296" }, NULL, "'I' format requires 0 <= number <= 4294967295", 0 },
	{ "=I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "=I", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=I", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=I", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=I", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=l", 1, { "-2147483648" }, "00000080", NULL, 0 },
	{ "=l", 1, { "2147483647" }, "ffffff7f", NULL, 0 },
	{ "=l", 1, { "-2147483649" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "=l", 1, { "2147483648" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "=l", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ "=l", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=l", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=l", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=l", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=L", 1, { "0" }, "00000000", NULL, 0 },
	{ "=L", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "=L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "=L", 1, { "4294967296" }, NULL, "'L' format requires 0 <= number <= 4294967295", 0 },
	{ "=L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "=L", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=L", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=L", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=L", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=q", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "=q", 1, { "9223372036854775807" }, "ffffffffffffff7f", NULL, 0 },
	{ "=q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=q", 1, { "9223372036854775808" }, NULL, "argument out of range", 0 },
	{ "=q", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "=q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "=Q", 1, { "0" }, "0000000000000000", NULL, 0 },
	{ "=Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "=Q", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "=Q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=Q", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "=Q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "=Q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "=Q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "=Q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<b", 1, { "-128" }, "80", NULL, 0 },
	{ "<b", 1, { "127" }, "7f", NULL, 0 },
	{ "<b", 1, { "-129" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "<b", 1, { "128" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "<b", 1, { "-1" }, "ff", NULL, 0 },
	{ "<b", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<b", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<b", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<b", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<B", 1, { "0" }, "00", NULL, 0 },
	{ "<B", 1, { "255" }, "ff", NULL, 0 },
	{ "<B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "<B", 1, { "256" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "<B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "<B", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<B", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<B", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<B", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<h", 1, { "-32768" }, "0080", NULL, 0 },
	{ "<h", 1, { "32767" }, "ff7f", NULL, 0 },
	{ "<h", 1, { "-32769" }, NULL, "short format requires -32768 <= number <= 32767", 0 },
	{ "<h", 1, { "32768" }, NULL, "short format requires -32768 <= number <= 32767", 0 },
	{ "<h", 1, { "-1" }, "ffff", NULL, 0 },
	{ "<h", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<h", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<h", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<h", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<H", 1, { "0" }, "0000", NULL, 0 },
	{ "<H", 1, { "65535" }, "ffff", NULL, 0 },
	{ "<H", 1, { "-1" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "<H", 1, { "65536" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "<H", 1, { "-1" }, NULL, "ushort format requires 0 <= number <= 65535", 0 },
	{ "<H", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<H", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<H", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<H", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<i", 1, { "-2147483648" }, "00000080", NULL, 0 },
	{ "<i", 1, { "2147483647" }, "ffffff7f", NULL, 0 },
	{ "<i", 1, { "-2147483649" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "<i", 1, { "2147483648" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "<i", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ "<i", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<i", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<i", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<i", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<I", 1, { "0" }, "00000000", NULL, 0 },
	{ "<I", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "<I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "<I", 1, { "4294967296" }, NULL, "'I' format requires 0 <= number <= 4294967295", 0 },
	{ "<I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "<I", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<I", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<I", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<I", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<l", 1, { "-2147483648" }, "00000080", NULL, 0 },
	{ "<l", 1, { "2147483647" }, "ffffff7f", NULL, 0 },
	{ "<l", 1, { "-2147483649" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "<l", 1, { "2147483648" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "<l", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ "<l", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<l", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<l", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<l", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<L", 1, { "0" }, "00000000", NULL, 0 },
	{ "<L", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "<L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "<L", 1, { "4294967296" }, NULL, "'L' format requires 0 <= number <= 4294967295", 0 },
	{ "<L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "<L", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<L", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<L", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<L", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<q", 1, { "-9223372036854775808" }, "0000000000000080", NULL, 0 },
	{ "<q", 1, { "9223372036854775807" }, "ffffffffffffff7f", NULL, 0 },
	{ "<q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<q", 1, { "9223372036854775808" }, NULL, "argument out of range", 0 },
	{ "<q", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "<q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "<Q", 1, { "0" }, "0000000000000000", NULL, 0 },
	{ "<Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "<Q", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "<Q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<Q", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "<Q", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "<Q", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "<Q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "<Q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">b", 1, { "-128" }, "80", NULL, 0 },
	{ ">b", 1, { "127" }, "7f", NULL, 0 },
	{ ">b", 1, { "-129" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ ">b", 1, { "128" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ ">b", 1, { "-1" }, "ff", NULL, 0 },
	{ ">b", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">b", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">b", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">b", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">B", 1, { "0" }, "00", NULL, 0 },
	{ ">B", 1, { "255" }, "ff", NULL, 0 },
	{ ">B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ ">B", 1, { "256" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ ">B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ ">B", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">B", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">B", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">B", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">h", 1, { "-32768" }, "8000", NULL, 0 },
	{ ">h", 1, { "32767" }, "7fff", NULL, 0 },
	{ ">h", 1, { "-32769" }, NULL, "'h' format requires -32768 <= number <= 32767", 0 },
	{ ">h", 1, { "32768" }, NULL, "'h' format requires -32768 <= number <= 32767", 0 },
	{ ">h", 1, { "-1" }, "ffff", NULL, 0 },
	{ ">h", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">h", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">h", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">h", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">H", 1, { "0" }, "0000", NULL, 0 },
	{ ">H", 1, { "65535" }, "ffff", NULL, 0 },
	{ ">H", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ ">H", 1, { "65536" }, NULL, "'H' format requires 0 <= number <= 65535", 0 },
	{ ">H", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ ">H", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">H", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">H", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">H", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">i", 1, { "-2147483648" }, "80000000", NULL, 0 },
	{ ">i", 1, { "2147483647" }, "7fffffff", NULL, 0 },
	{ ">i", 1, { "-2147483649" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ ">i", 1, { "2147483648" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ ">i", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ ">i", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">i", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">i", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">i", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">I", 1, { "0" }, "00000000", NULL, 0 },
	{ ">I", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ ">I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ ">I", 1, { "4294967296" }, NULL, "'I' format requires 0 <= number <= 4294967295", 0 },
	{ ">I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ ">I", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">I", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">I", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">I", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">l", 1, { "-2147483648" }, "80000000", NULL, 0 },
	{ ">l", 1, { "2147483647" }, "7fffffff", NULL, 0 },
	{ ">l", 1, { "-2147483649" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ ">l", 1, { "2147483648" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ ">l", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ ">l", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">l", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">l", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">l", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">L", 1, { "0" }, "00000000", NULL, 0 },
	{ ">L", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ ">L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ ">L", 1, { "4294967296" }, NULL, "'L' format requires 0 <= number <= 4294967295", 0 },
	{ ">L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ ">L", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ ">L", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ ">L", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ ">L", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ ">q", 1, { "-9223372036854775808" }, "8000000000000000", NULL, 0 },
	{ ">q", 1, { "9223372036854775807" }, "7fffffffffffffff", NULL, 0 },
	{ ">q", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ ">q", 1, { "9223372036854775808" }, NULL, "int too large to convert", 0 },
	{ ">q", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ ">q", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ ">q", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ ">q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "int too large to convert", 0 },
	{ ">q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "int too large to convert", 0 },
	{ ">Q", 1, { "0" }, "0000000000000000", NULL, 0 },
	{ ">Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ ">Q", 1, { "-1" }, NULL, "int too large to convert", 0 },
	{ ">Q", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ ">Q", 1, { "-1" }, NULL, "int too large to convert", 0 },
	{ ">Q", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ ">Q", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ ">Q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "int too large to convert", 0 },
	{ ">Q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "int too large to convert", 0 },
	{ "!b", 1, { "-128" }, "80", NULL, 0 },
	{ "!b", 1, { "127" }, "7f", NULL, 0 },
	{ "!b", 1, { "-129" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "!b", 1, { "128" }, NULL, "byte format requires -128 <= number <= 127", 0 },
	{ "!b", 1, { "-1" }, "ff", NULL, 0 },
	{ "!b", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!b", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!b", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!b", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!B", 1, { "0" }, "00", NULL, 0 },
	{ "!B", 1, { "255" }, "ff", NULL, 0 },
	{ "!B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "!B", 1, { "256" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "!B", 1, { "-1" }, NULL, "ubyte format requires 0 <= number <= 255", 0 },
	{ "!B", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!B", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!B", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!B", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!h", 1, { "-32768" }, "8000", NULL, 0 },
	{ "!h", 1, { "32767" }, "7fff", NULL, 0 },
	{ "!h", 1, { "-32769" }, NULL, "'h' format requires -32768 <= number <= 32767", 0 },
	{ "!h", 1, { "32768" }, NULL, "'h' format requires -32768 <= number <= 32767", 0 },
	{ "!h", 1, { "-1" }, "ffff", NULL, 0 },
	{ "!h", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!h", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!h", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!h", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!H", 1, { "0" }, "0000", NULL, 0 },
	{ "!H", 1, { "65535" }, "ffff", NULL, 0 },
	{ "!H", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "!H", 1, { "65536" }, NULL, "'H' format requires 0 <= number <= 65535", 0 },
	{ "!H", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "!H", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!H", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!H", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!H", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!i", 1, { "-2147483648" }, "80000000", NULL, 0 },
	{ "!i", 1, { "2147483647" }, "7fffffff", NULL, 0 },
	{ "!i", 1, { "-2147483649" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "!i", 1, { "2147483648" }, NULL, "'i' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "!i", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ "!i", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!i", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!i", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!i", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!I", 1, { "0" }, "00000000", NULL, 0 },
	{ "!I", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "!I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "!I", 1, { "4294967296" }, NULL, "'I' format requires 0 <= number <= 4294967295", 0 },
	{ "!I", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "!I", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!I", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!I", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!I", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!l", 1, { "-2147483648" }, "80000000", NULL, 0 },
	{ "!l", 1, { "2147483647" }, "7fffffff", NULL, 0 },
	{ "!l", 1, { "-2147483649" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "!l", 1, { "2147483648" }, NULL, "'l' format requires -2147483648 <= number <= 2147483647", 0 },
	{ "!l", 1, { "-1" }, "ffffffff", NULL, 0 },
	{ "!l", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!l", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!l", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!l", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!L", 1, { "0" }, "00000000", NULL, 0 },
	{ "!L", 1, { "4294967295" }, "ffffffff", NULL, 0 },
	{ "!L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "!L", 1, { "4294967296" }, NULL, "'L' format requires 0 <= number <= 4294967295", 0 },
	{ "!L", 1, { "-1" }, NULL, "argument out of range", 0 },
	{ "!L", 1, { "-9223372036854775809" }, NULL, "argument out of range", 0 },
	{ "!L", 1, { "18446744073709551616" }, NULL, "argument out of range", 0 },
	{ "!L", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "argument out of range", 0 },
	{ "!L", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "argument out of range", 0 },
	{ "!q", 1, { "-9223372036854775808" }, "8000000000000000", NULL, 0 },
	{ "!q", 1, { "9223372036854775807" }, "7fffffffffffffff", NULL, 0 },
	{ "!q", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ "!q", 1, { "9223372036854775808" }, NULL, "int too large to convert", 0 },
	{ "!q", 1, { "-1" }, "ffffffffffffffff", NULL, 0 },
	{ "!q", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ "!q", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ "!q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "int too large to convert", 0 },
	{ "!q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "int too large to convert", 0 },
	{ "!Q", 1, { "0" }, "0000000000000000", NULL, 0 },
	{ "!Q", 1, { "18446744073709551615" }, "ffffffffffffffff", NULL, 0 },
	{ "!Q", 1, { "-1" }, NULL, "int too large to convert", 0 },
	{ "!Q", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ "!Q", 1, { "-1" }, NULL, "int too large to convert", 0 },
	{ "!Q", 1, { "-9223372036854775809" }, NULL, "int too large to convert", 0 },
	{ "!Q", 1, { "18446744073709551616" }, NULL, "int too large to convert", 0 },
	{ "!Q", 1, { "160693804425899027554196209234116260252220299378279283530137"
	    "6" }, NULL, "int too large to convert", 0 },
	{ "!Q", 1, { "-16069380442589902755419620923411626025222029937827928353013"
	    "76" }, NULL, "int too large to convert", 0 },
	{ "<hhh", 3, { "1", "2", "40000" }, NULL, "short format requires -32768 <= number <= 32767", 2 },
	{ "bB", 2, { "1", "256" }, NULL, "ubyte format requires 0 <= number <= 255", 1 },
};

static const struct pcase float_cases[] = {
	{ "@f", 1, { "2.7" }, "cdcc2c40", NULL, 0 },
	{ "@d", 1, { "2.7" }, "9a99999999990540", NULL, 0 },
	{ "@f", 1, { "-0.0" }, "00000080", NULL, 0 },
	{ "@d", 1, { "-0.0" }, "0000000000000080", NULL, 0 },
	{ "@f", 1, { "1e-45" }, "01000000", NULL, 0 },
	{ "@d", 1, { "1e-45" }, "b96a37ad01d69636", NULL, 0 },
	{ "@f", 1, { "3.4028234663852886e+38" }, "ffff7f7f", NULL, 0 },
	{ "@d", 1, { "3.4028234663852886e+38" }, "000000e0ffffef47", NULL, 0 },
	{ "@f", 1, { "1e+300" }, "0000807f", NULL, 0 },
	{ "@d", 1, { "1e+300" }, "9c7500883ce4377e", NULL, 0 },
	{ "@f", 1, { "inf" }, "0000807f", NULL, 0 },
	{ "@d", 1, { "inf" }, "000000000000f07f", NULL, 0 },
	{ "@f", 1, { "-inf" }, "000080ff", NULL, 0 },
	{ "@d", 1, { "-inf" }, "000000000000f0ff", NULL, 0 },
	{ "@f", 1, { "nan" }, "0000c07f", NULL, 0 },
	{ "@d", 1, { "nan" }, "000000000000f87f", NULL, 0 },
	{ "@f", 1, { "-nan" }, "0000c0ff", NULL, 0 },
	{ "@d", 1, { "-nan" }, "000000000000f8ff", NULL, 0 },
	{ "@f", 1, { ".inf" }, "0000807f", NULL, 0 },
	{ "@d", 1, { ".inf" }, "000000000000f07f", NULL, 0 },
	{ "@f", 1, { "-.inf" }, "000080ff", NULL, 0 },
	{ "@d", 1, { "-.inf" }, "000000000000f0ff", NULL, 0 },
	{ "@f", 1, { ".nan" }, "0000c07f", NULL, 0 },
	{ "@d", 1, { ".nan" }, "000000000000f87f", NULL, 0 },
	{ "@f", 1, { "1e400" }, "0000807f", NULL, 0 },
	{ "@d", 1, { "1e400" }, "000000000000f07f", NULL, 0 },
	{ "@f", 1, { "0x1p3" }, "00000041", NULL, 0 },
	{ "@d", 1, { "0x1p3" }, "0000000000002040", NULL, 0 },
	{ "@f", 1, { "5" }, "0000a040", NULL, 0 },
	{ "@d", 1, { "5" }, "0000000000001440", NULL, 0 },
	{ "@f", 1, { "-0" }, "00000000", NULL, 0 },
	{ "@d", 1, { "-0" }, "0000000000000000", NULL, 0 },
	{ "@f", 1, { "0o17" }, "00007041", NULL, 0 },
	{ "@d", 1, { "0o17" }, "0000000000002e40", NULL, 0 },
	{ "@f", 1, { "0b11" }, "00004040", NULL, 0 },
	{ "@d", 1, { "0b11" }, "0000000000000840", NULL, 0 },
	{ "@f", 1, { "1_5" }, "00007041", NULL, 0 },
	{ "@d", 1, { "1_5" }, "0000000000002e40", NULL, 0 },
	{ "@f", 1, { "9007199254740993" }, "0000005a", NULL, 0 },
	{ "@d", 1, { "9007199254740993" }, "0000000000004043", NULL, 0 },
	{ "@f", 1, { "0x1fffffffffffff1" }, "0000005c", NULL, 0 },
	{ "@d", 1, { "0x1fffffffffffff1" }, "ffffffffffff7f43", NULL, 0 },
	{ "@f", 1, { "340282356779733661637539395458142568448" }, "0000807f", NULL, 0 },
	{ "@d", 1, { "340282356779733661637539395458142568448" }, "000000f0ffffef47", NULL, 0 },
	{ "@f", 1, { "340282356779733661637539395458142568447" }, "0000807f", NULL, 0 },
	{ "@d", 1, { "340282356779733661637539395458142568447" }, "000000f0ffffef47", NULL, 0 },
	{ "@f", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "@d", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "@f", 1, { "0b1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "@d", 1, { "0b1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "@f", 1, { "0o7777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "77777777777777777777777" }, "0000807f", NULL, 0 },
	{ "@d", 1, { "0o7777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "77777777777777777777777" }, "000000000000a065", NULL, 0 },
	{ "@f", 1, { "0x1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000" }, "0000807f", NULL, 0 },
	{ "@d", 1, { "0x1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000" }, "000000000000b07f", NULL, 0 },
	{ "<f", 1, { "2.7" }, "cdcc2c40", NULL, 0 },
	{ "<d", 1, { "2.7" }, "9a99999999990540", NULL, 0 },
	{ "<f", 1, { "-0.0" }, "00000080", NULL, 0 },
	{ "<d", 1, { "-0.0" }, "0000000000000080", NULL, 0 },
	{ "<f", 1, { "1e-45" }, "01000000", NULL, 0 },
	{ "<d", 1, { "1e-45" }, "b96a37ad01d69636", NULL, 0 },
	{ "<f", 1, { "3.4028234663852886e+38" }, "ffff7f7f", NULL, 0 },
	{ "<d", 1, { "3.4028234663852886e+38" }, "000000e0ffffef47", NULL, 0 },
	{ "<f", 1, { "1e+300" }, NULL, "float too large to pack with f format", 0 },
	{ "<d", 1, { "1e+300" }, "9c7500883ce4377e", NULL, 0 },
	{ "<f", 1, { "inf" }, "0000807f", NULL, 0 },
	{ "<d", 1, { "inf" }, "000000000000f07f", NULL, 0 },
	{ "<f", 1, { "-inf" }, "000080ff", NULL, 0 },
	{ "<d", 1, { "-inf" }, "000000000000f0ff", NULL, 0 },
	{ "<f", 1, { "nan" }, "0000c07f", NULL, 0 },
	{ "<d", 1, { "nan" }, "000000000000f87f", NULL, 0 },
	{ "<f", 1, { "-nan" }, "0000c0ff", NULL, 0 },
	{ "<d", 1, { "-nan" }, "000000000000f8ff", NULL, 0 },
	{ "<f", 1, { ".inf" }, "0000807f", NULL, 0 },
	{ "<d", 1, { ".inf" }, "000000000000f07f", NULL, 0 },
	{ "<f", 1, { "-.inf" }, "000080ff", NULL, 0 },
	{ "<d", 1, { "-.inf" }, "000000000000f0ff", NULL, 0 },
	{ "<f", 1, { ".nan" }, "0000c07f", NULL, 0 },
	{ "<d", 1, { ".nan" }, "000000000000f87f", NULL, 0 },
	{ "<f", 1, { "1e400" }, "0000807f", NULL, 0 },
	{ "<d", 1, { "1e400" }, "000000000000f07f", NULL, 0 },
	{ "<f", 1, { "0x1p3" }, "00000041", NULL, 0 },
	{ "<d", 1, { "0x1p3" }, "0000000000002040", NULL, 0 },
	{ "<f", 1, { "5" }, "0000a040", NULL, 0 },
	{ "<d", 1, { "5" }, "0000000000001440", NULL, 0 },
	{ "<f", 1, { "-0" }, "00000000", NULL, 0 },
	{ "<d", 1, { "-0" }, "0000000000000000", NULL, 0 },
	{ "<f", 1, { "0o17" }, "00007041", NULL, 0 },
	{ "<d", 1, { "0o17" }, "0000000000002e40", NULL, 0 },
	{ "<f", 1, { "0b11" }, "00004040", NULL, 0 },
	{ "<d", 1, { "0b11" }, "0000000000000840", NULL, 0 },
	{ "<f", 1, { "1_5" }, "00007041", NULL, 0 },
	{ "<d", 1, { "1_5" }, "0000000000002e40", NULL, 0 },
	{ "<f", 1, { "9007199254740993" }, "0000005a", NULL, 0 },
	{ "<d", 1, { "9007199254740993" }, "0000000000004043", NULL, 0 },
	{ "<f", 1, { "0x1fffffffffffff1" }, "0000005c", NULL, 0 },
	{ "<d", 1, { "0x1fffffffffffff1" }, "ffffffffffff7f43", NULL, 0 },
	{ "<f", 1, { "340282356779733661637539395458142568448" }, NULL, "int too large to convert", 0 },
	{ "<d", 1, { "340282356779733661637539395458142568448" }, "000000f0ffffef47", NULL, 0 },
	{ "<f", 1, { "340282356779733661637539395458142568447" }, NULL, "int too large to convert", 0 },
	{ "<d", 1, { "340282356779733661637539395458142568447" }, "000000f0ffffef47", NULL, 0 },
	{ "<f", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "<d", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "<f", 1, { "0b1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "<d", 1, { "0b1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "<f", 1, { "0o7777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "77777777777777777777777" }, NULL, "int too large to convert", 0 },
	{ "<d", 1, { "0o7777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "77777777777777777777777" }, "000000000000a065", NULL, 0 },
	{ "<f", 1, { "0x1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000" }, NULL, "int too large to convert", 0 },
	{ "<d", 1, { "0x1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000" }, "000000000000b07f", NULL, 0 },
	{ ">f", 1, { "2.7" }, "402ccccd", NULL, 0 },
	{ ">d", 1, { "2.7" }, "400599999999999a", NULL, 0 },
	{ ">f", 1, { "-0.0" }, "80000000", NULL, 0 },
	{ ">d", 1, { "-0.0" }, "8000000000000000", NULL, 0 },
	{ ">f", 1, { "1e-45" }, "00000001", NULL, 0 },
	{ ">d", 1, { "1e-45" }, "3696d601ad376ab9", NULL, 0 },
	{ ">f", 1, { "3.4028234663852886e+38" }, "7f7fffff", NULL, 0 },
	{ ">d", 1, { "3.4028234663852886e+38" }, "47efffffe0000000", NULL, 0 },
	{ ">f", 1, { "1e+300" }, NULL, "float too large to pack with f format", 0 },
	{ ">d", 1, { "1e+300" }, "7e37e43c8800759c", NULL, 0 },
	{ ">f", 1, { "inf" }, "7f800000", NULL, 0 },
	{ ">d", 1, { "inf" }, "7ff0000000000000", NULL, 0 },
	{ ">f", 1, { "-inf" }, "ff800000", NULL, 0 },
	{ ">d", 1, { "-inf" }, "fff0000000000000", NULL, 0 },
	{ ">f", 1, { "nan" }, "7fc00000", NULL, 0 },
	{ ">d", 1, { "nan" }, "7ff8000000000000", NULL, 0 },
	{ ">f", 1, { "-nan" }, "ffc00000", NULL, 0 },
	{ ">d", 1, { "-nan" }, "fff8000000000000", NULL, 0 },
	{ ">f", 1, { ".inf" }, "7f800000", NULL, 0 },
	{ ">d", 1, { ".inf" }, "7ff0000000000000", NULL, 0 },
	{ ">f", 1, { "-.inf" }, "ff800000", NULL, 0 },
	{ ">d", 1, { "-.inf" }, "fff0000000000000", NULL, 0 },
	{ ">f", 1, { ".nan" }, "7fc00000", NULL, 0 },
	{ ">d", 1, { ".nan" }, "7ff8000000000000", NULL, 0 },
	{ ">f", 1, { "1e400" }, "7f800000", NULL, 0 },
	{ ">d", 1, { "1e400" }, "7ff0000000000000", NULL, 0 },
	{ ">f", 1, { "0x1p3" }, "41000000", NULL, 0 },
	{ ">d", 1, { "0x1p3" }, "4020000000000000", NULL, 0 },
	{ ">f", 1, { "5" }, "40a00000", NULL, 0 },
	{ ">d", 1, { "5" }, "4014000000000000", NULL, 0 },
	{ ">f", 1, { "-0" }, "00000000", NULL, 0 },
	{ ">d", 1, { "-0" }, "0000000000000000", NULL, 0 },
	{ ">f", 1, { "0o17" }, "41700000", NULL, 0 },
	{ ">d", 1, { "0o17" }, "402e000000000000", NULL, 0 },
	{ ">f", 1, { "0b11" }, "40400000", NULL, 0 },
	{ ">d", 1, { "0b11" }, "4008000000000000", NULL, 0 },
	{ ">f", 1, { "1_5" }, "41700000", NULL, 0 },
	{ ">d", 1, { "1_5" }, "402e000000000000", NULL, 0 },
	{ ">f", 1, { "9007199254740993" }, "5a000000", NULL, 0 },
	{ ">d", 1, { "9007199254740993" }, "4340000000000000", NULL, 0 },
	{ ">f", 1, { "0x1fffffffffffff1" }, "5c000000", NULL, 0 },
	{ ">d", 1, { "0x1fffffffffffff1" }, "437fffffffffffff", NULL, 0 },
	{ ">f", 1, { "340282356779733661637539395458142568448" }, NULL, "int too large to convert", 0 },
	{ ">d", 1, { "340282356779733661637539395458142568448" }, "47effffff0000000", NULL, 0 },
	{ ">f", 1, { "340282356779733661637539395458142568447" }, NULL, "int too large to convert", 0 },
	{ ">d", 1, { "340282356779733661637539395458142568447" }, "47effffff0000000", NULL, 0 },
	{ ">f", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ ">d", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ ">f", 1, { "0b1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ ">d", 1, { "0b1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ ">f", 1, { "0o7777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "77777777777777777777777" }, NULL, "int too large to convert", 0 },
	{ ">d", 1, { "0o7777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "777777777777777777777777777777777777777777777777777777777777"
	    "77777777777777777777777" }, "65a0000000000000", NULL, 0 },
	{ ">f", 1, { "0x1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000" }, NULL, "int too large to convert", 0 },
	{ ">d", 1, { "0x1000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000" }, "7fb0000000000000", NULL, 0 },
	{ "<f", 1, { "abc" }, NULL, "required argument is not a float", 0 },
	{ "<d", 1, { "" }, NULL, "required argument is not a float", 0 },
	{ "<d", 1, { " 1" }, NULL, "required argument is not a float", 0 },
	{ "<d", 1, { "1.5x" }, NULL, "required argument is not a float", 0 },
};

static const struct pcase half_cases[] = {
	{ "@e", 1, { "0.0" }, "0000", NULL, 0 },
	{ "@e", 1, { "-0.0" }, "0080", NULL, 0 },
	{ "@e", 1, { "1.0" }, "003c", NULL, 0 },
	{ "@e", 1, { "-2.0" }, "00c0", NULL, 0 },
	{ "@e", 1, { "65504.0" }, "ff7b", NULL, 0 },
	{ "@e", 1, { "65504" }, "ff7b", NULL, 0 },
	{ "@e", 1, { "-65504" }, "fffb", NULL, 0 },
	{ "@e", 1, { "65519.99" }, "ff7b", NULL, 0 },
	{ "@e", 1, { "65520.0" }, NULL, "float too large to pack with e format", 0 },
	{ "@e", 1, { "65520" }, NULL, "int too large to convert", 0 },
	{ "@e", 1, { "1000000.0" }, NULL, "float too large to pack with e format", 0 },
	{ "@e", 1, { "1000000" }, NULL, "int too large to convert", 0 },
	{ "@e", 1, { "5.960464477539063e-08" }, "0100", NULL, 0 },
	{ "@e", 1, { "2.9802322387695312e-08" }, "0000", NULL, 0 },
	{ "@e", 1, { "2.980232238769532e-08" }, "0100", NULL, 0 },
	{ "@e", 1, { "1e-10" }, "0000", NULL, 0 },
	{ "@e", 1, { "6.103515625e-05" }, "0004", NULL, 0 },
	{ "@e", 1, { "6.097555160522461e-05" }, "ff03", NULL, 0 },
	{ "@e", 1, { "1.00048828125" }, "003c", NULL, 0 },
	{ "@e", 1, { "1.00146484375" }, "023c", NULL, 0 },
	{ "@e", 1, { "0.3333333333333333" }, "5535", NULL, 0 },
	{ "@e", 1, { "0.1" }, "662e", NULL, 0 },
	{ "@e", 1, { "inf" }, "007c", NULL, 0 },
	{ "@e", 1, { "-inf" }, "00fc", NULL, 0 },
	{ "@e", 1, { "nan" }, "007e", NULL, 0 },
	{ "@e", 1, { "-nan" }, "00fe", NULL, 0 },
	{ "@e", 1, { "2047.5" }, "0068", NULL, 0 },
	{ "@e", 1, { "2049.0" }, "0068", NULL, 0 },
	{ "@e", 1, { "2051.0" }, "0268", NULL, 0 },
	{ "@e", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ "<e", 1, { "0.0" }, "0000", NULL, 0 },
	{ "<e", 1, { "-0.0" }, "0080", NULL, 0 },
	{ "<e", 1, { "1.0" }, "003c", NULL, 0 },
	{ "<e", 1, { "-2.0" }, "00c0", NULL, 0 },
	{ "<e", 1, { "65504.0" }, "ff7b", NULL, 0 },
	{ "<e", 1, { "65504" }, "ff7b", NULL, 0 },
	{ "<e", 1, { "-65504" }, "fffb", NULL, 0 },
	{ "<e", 1, { "65519.99" }, "ff7b", NULL, 0 },
	{ "<e", 1, { "65520.0" }, NULL, "float too large to pack with e format", 0 },
	{ "<e", 1, { "65520" }, NULL, "int too large to convert", 0 },
	{ "<e", 1, { "1000000.0" }, NULL, "float too large to pack with e format", 0 },
	{ "<e", 1, { "1000000" }, NULL, "int too large to convert", 0 },
	{ "<e", 1, { "5.960464477539063e-08" }, "0100", NULL, 0 },
	{ "<e", 1, { "2.9802322387695312e-08" }, "0000", NULL, 0 },
	{ "<e", 1, { "2.980232238769532e-08" }, "0100", NULL, 0 },
	{ "<e", 1, { "1e-10" }, "0000", NULL, 0 },
	{ "<e", 1, { "6.103515625e-05" }, "0004", NULL, 0 },
	{ "<e", 1, { "6.097555160522461e-05" }, "ff03", NULL, 0 },
	{ "<e", 1, { "1.00048828125" }, "003c", NULL, 0 },
	{ "<e", 1, { "1.00146484375" }, "023c", NULL, 0 },
	{ "<e", 1, { "0.3333333333333333" }, "5535", NULL, 0 },
	{ "<e", 1, { "0.1" }, "662e", NULL, 0 },
	{ "<e", 1, { "inf" }, "007c", NULL, 0 },
	{ "<e", 1, { "-inf" }, "00fc", NULL, 0 },
	{ "<e", 1, { "nan" }, "007e", NULL, 0 },
	{ "<e", 1, { "-nan" }, "00fe", NULL, 0 },
	{ "<e", 1, { "2047.5" }, "0068", NULL, 0 },
	{ "<e", 1, { "2049.0" }, "0068", NULL, 0 },
	{ "<e", 1, { "2051.0" }, "0268", NULL, 0 },
	{ "<e", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
	{ ">e", 1, { "0.0" }, "0000", NULL, 0 },
	{ ">e", 1, { "-0.0" }, "8000", NULL, 0 },
	{ ">e", 1, { "1.0" }, "3c00", NULL, 0 },
	{ ">e", 1, { "-2.0" }, "c000", NULL, 0 },
	{ ">e", 1, { "65504.0" }, "7bff", NULL, 0 },
	{ ">e", 1, { "65504" }, "7bff", NULL, 0 },
	{ ">e", 1, { "-65504" }, "fbff", NULL, 0 },
	{ ">e", 1, { "65519.99" }, "7bff", NULL, 0 },
	{ ">e", 1, { "65520.0" }, NULL, "float too large to pack with e format", 0 },
	{ ">e", 1, { "65520" }, NULL, "int too large to convert", 0 },
	{ ">e", 1, { "1000000.0" }, NULL, "float too large to pack with e format", 0 },
	{ ">e", 1, { "1000000" }, NULL, "int too large to convert", 0 },
	{ ">e", 1, { "5.960464477539063e-08" }, "0001", NULL, 0 },
	{ ">e", 1, { "2.9802322387695312e-08" }, "0000", NULL, 0 },
	{ ">e", 1, { "2.980232238769532e-08" }, "0001", NULL, 0 },
	{ ">e", 1, { "1e-10" }, "0000", NULL, 0 },
	{ ">e", 1, { "6.103515625e-05" }, "0400", NULL, 0 },
	{ ">e", 1, { "6.097555160522461e-05" }, "03ff", NULL, 0 },
	{ ">e", 1, { "1.00048828125" }, "3c00", NULL, 0 },
	{ ">e", 1, { "1.00146484375" }, "3c02", NULL, 0 },
	{ ">e", 1, { "0.3333333333333333" }, "3555", NULL, 0 },
	{ ">e", 1, { "0.1" }, "2e66", NULL, 0 },
	{ ">e", 1, { "inf" }, "7c00", NULL, 0 },
	{ ">e", 1, { "-inf" }, "fc00", NULL, 0 },
	{ ">e", 1, { "nan" }, "7e00", NULL, 0 },
	{ ">e", 1, { "-nan" }, "fe00", NULL, 0 },
	{ ">e", 1, { "2047.5" }, "6800", NULL, 0 },
	{ ">e", 1, { "2049.0" }, "6800", NULL, 0 },
	{ ">e", 1, { "2051.0" }, "6802", NULL, 0 },
	{ ">e", 1, { "100000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000" }, NULL, "required argument is not a float", 0 },
};

static const struct pcase fmterr_cases[] = {
	{ "z", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "<n", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "<N", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "!P", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "2", 0, { NULL }, NULL, "repeat count given without format specifier", -1 },
	{ "ii3", 2, { "1", "2" }, NULL, "repeat count given without format specifier", -1 },
	{ "2 i", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "<i<", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ " <i", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "i@", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "99999999999999999999i", 1, { "1" }, NULL, "total struct size too long", -1 },
	{ "4611686018427387904i", 0, { NULL }, NULL, "total struct size too long", -1 },
	{ "ii", 1, { "1" }, NULL, "pack expected 2 items for packing (got 1)", -1 },
	{ "i", 2, { "1", "2" }, NULL, "pack expected 1 items for packing (got 2)", -1 },
	{ "2x", 1, { "1" }, NULL, "pack expected 0 items for packing (got 1)", -1 },
	{ "3s", 0, { NULL }, NULL, "pack expected 1 items for packing (got 0)", -1 },
	{ "0i", 1, { "1" }, NULL, "pack expected 0 items for packing (got 1)", -1 },
	{ "3p2i", 1, { "a" }, NULL, "pack expected 3 items for packing (got 1)", -1 },
	{ "-1i", 1, { "1" }, NULL, "bad char in struct format", -1 },
	{ "c", 1, { "ab" }, NULL, "char format requires a bytes object of length 1", 0 },
	{ "c", 1, { "" }, NULL, "char format requires a bytes object of length 1", 0 },
	{ "ic", 2, { "1", "\303\251" }, NULL, "char format requires a bytes object of length 1", 1 },
	{ "<iii", 3, { "1", "x", "3" }, NULL, "required argument is not an integer", 1 },
};

static const struct ccase calcsize_cases[] = {
	{ "", 0L, NULL },
	{ "@bi", 8L, NULL },
	{ "=bi", 5L, NULL },
	{ "@be", 4L, NULL },
	{ "@b?", 2L, NULL },
	{ "@bP", 16L, NULL },
	{ "@bn", 16L, NULL },
	{ "@bq", 16L, NULL },
	{ "@bd", 16L, NULL },
	{ "@bf", 8L, NULL },
	{ "@bl", 16L, NULL },
	{ "@b0i", 4L, NULL },
	{ "@ib", 5L, NULL },
	{ "@3xi", 8L, NULL },
	{ "<qh", 10L, NULL },
	{ "!4s3p", 7L, NULL },
	{ "@b2s", 3L, NULL },
	{ "@cH", 4L, NULL },
	{ "5e", 10L, NULL },
	{ "@n", 8L, NULL },
	{ "@N", 8L, NULL },
	{ "@P", 8L, NULL },
	{ "<l", 4L, NULL },
	{ "@l", 8L, NULL },
	{ "9223372036854775807s", 9223372036854775807L, NULL },
	{ "1152921504606846975q", 9223372036854775800L, NULL },
	{ "2", -1L, "repeat count given without format specifier" },
	{ "z", -1L, "bad char in struct format" },
	{ "<P", -1L, "bad char in struct format" },
	{ "99999999999999999999", -1L, "total struct size too long" },
	{ "99999999999999999999i", -1L, "total struct size too long" },
	{ "4611686018427387904i", -1L, "total struct size too long" },
	{ "9223372036854775807sb", -1L, "total struct size too long" },
};

static int
hexval(int c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Runs a table of cases and reports each mismatch with its format. */
static void
run_cases(const struct pcase *cases, size_t ncases)
{
	unsigned char want[1024];
	char err[256];
	struct buf out;
	size_t i, j, wantlen;
	int bad, rc, before;

	for (i = 0; i < ncases; i++) {
		const struct pcase *c = &cases[i];

		before = unit_failed_checks;
		buf_init(&out);
		err[0] = '\0';
		bad = 12345;
		rc = pack_encode(c->fmt, c->values, c->nvalues, &out, err,
		    sizeof err, &bad);
		if (c->hex != NULL) {
			wantlen = strlen(c->hex) / 2;
			for (j = 0; j < wantlen; j++)
				want[j] = (unsigned char)(hexval(c->hex[2 * j]) * 16 +
				    hexval(c->hex[2 * j + 1]));
			CHECK_INT(rc, 0);
			CHECK_MEM(out.data, out.len, want, wantlen);
			CHECK_INT(pack_calcsize(c->fmt, err, sizeof err),
			    (long)wantlen);
		} else {
			CHECK_INT(rc, -1);
			CHECK_STR(err, c->err);
			CHECK_INT(bad, c->bad);
			CHECK_INT(out.len, 0);
		}
		if (unit_failed_checks != before)
			fprintf(stderr, "  in case %zu: format \"%s\", %zu value(s)%s%s\n",
			    i, c->fmt, c->nvalues, c->nvalues ? ", first " : "",
			    c->nvalues ? c->values[0] : "");
		buf_free(&out);
	}
}

#define RUN_TABLE(t)	run_cases(t, sizeof t / sizeof t[0])

UNIT_TEST(test_basic)
{
	RUN_TABLE(basic_cases);
}

UNIT_TEST(test_align)
{
	RUN_TABLE(align_cases);
}

UNIT_TEST(test_bool)
{
	RUN_TABLE(bool_cases);
}

UNIT_TEST(test_int_syntax)
{
	RUN_TABLE(intsyntax_cases);
}

UNIT_TEST(test_int_ranges)
{
	RUN_TABLE(range_cases);
}

UNIT_TEST(test_float)
{
	RUN_TABLE(float_cases);
}

UNIT_TEST(test_half)
{
	RUN_TABLE(half_cases);
}

UNIT_TEST(test_format_errors)
{
	RUN_TABLE(fmterr_cases);
}

UNIT_TEST(test_calcsize)
{
	char err[128];
	size_t i;

	for (i = 0; i < sizeof calcsize_cases / sizeof calcsize_cases[0]; i++) {
		const struct ccase *c = &calcsize_cases[i];

		err[0] = '\0';
		CHECK_INT(pack_calcsize(c->fmt, err, sizeof err), c->size);
		if (c->err != NULL)
			CHECK_STR(err, c->err);
	}
}

/* Packing appends, aligns relative to its own start, and undoes a failure. */
UNIT_TEST(test_append)
{
	static const unsigned char want[] = { 'h', 'i', 0x01, 0, 0, 0,
	    0x02, 0, 0, 0 };
	const char *ok[] = { "1", "2" };
	const char *bad[] = { "1", "x" };
	char err[128];
	struct buf out;
	int badv = 0;

	buf_init(&out);
	buf_add(&out, "hi", 2);
	CHECK_INT(pack_encode("@bi", ok, 2, &out, err, sizeof err, &badv), 0);
	CHECK_MEM(out.data, out.len, "hi\x01\0\0\0\x02\0\0\0", (size_t)10);
	CHECK_MEM(out.data, out.len, want, sizeof want);
	CHECK_INT(pack_encode("@bi", bad, 2, &out, err, sizeof err, &badv), -1);
	CHECK_INT(badv, 1);
	CHECK_STR(err, "required argument is not an integer");
	CHECK_MEM(out.data, out.len, want, sizeof want);
	CHECK_INT(out.data[out.len], 0);
	buf_free(&out);
}

/* NULL err and bad_value are allowed; an over-large struct is refused. */
UNIT_TEST(test_misc)
{
	const char *v[] = { "1" };
	char err[128];
	struct buf out;
	int badv = 0;

	buf_init(&out);
	CHECK_INT(pack_encode("i", v, 1, &out, NULL, 0, NULL), 0);
	CHECK_INT(out.len, 4);
	CHECK_INT(pack_encode("ii", v, 1, &out, NULL, 0, NULL), -1);
	CHECK_INT(pack_encode("999999999999x", NULL, 0, &out, err, sizeof err,
	    &badv), -1);
	CHECK_INT(badv, -1);
	CHECK(strstr(err, "too large") != NULL);
	CHECK_INT(out.len, 4);
	CHECK_INT(pack_encode("", NULL, 0, &out, err, sizeof err, &badv), 0);
	CHECK_INT(out.len, 4);
	/* a short err buffer is truncated, not overrun */
	CHECK_INT(pack_encode("z", NULL, 0, &out, err, 4, &badv), -1);
	CHECK_STR(err, "bad");
	buf_free(&out);
}

int
main(void)
{
	UNIT_RUN(test_basic);
	UNIT_RUN(test_align);
	UNIT_RUN(test_bool);
	UNIT_RUN(test_int_syntax);
	UNIT_RUN(test_int_ranges);
	UNIT_RUN(test_float);
	UNIT_RUN(test_half);
	UNIT_RUN(test_format_errors);
	UNIT_RUN(test_calcsize);
	UNIT_RUN(test_append);
	UNIT_RUN(test_misc);
	return UNIT_END();
}
