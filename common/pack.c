/*
 * pack.c — Python's struct.pack and struct.calcsize (as CPython 3.11 does
 * them on x86-64 Linux) for the experiment language's {pack: FMT, values: [...]}.
 * Values arrive as the text of YAML scalars and are read as the Python object
 * a YAML loader would have made of them: integers (decimal, 0x, 0o, 0b, sign,
 * underscores between digits), floats (anything strtod(3) takes, .inf, .nan),
 * booleans (true/false/yes/no) and strings (their UTF-8 bytes).  See pack.h.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "pack.h"

/* Largest struct pack_encode will build; CPython would try, then MemoryError. */
#define PACK_MAX	(256L * 1024 * 1024)

enum order {
	ORD_NATIVE,		/* '@': native sizes, alignment and byte order */
	ORD_HOST,		/* '=': standard sizes, native byte order */
	ORD_LITTLE,		/* '<' */
	ORD_BIG			/* '>' and '!' */
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG	1
#else
#define HOST_BIG	0
#endif

struct fmtent {
	char	 code;
	size_t	 nsize;		/* native size */
	size_t	 nalign;	/* native alignment */
	size_t	 ssize;		/* standard size; 0: native mode only */
};

static const struct fmtent fmtents[] = {
	{ 'x', 1, 1, 1 },
	{ 'c', 1, 1, 1 },
	{ 'b', sizeof(signed char), 1, 1 },
	{ 'B', sizeof(unsigned char), 1, 1 },
	{ '?', sizeof(_Bool), _Alignof(_Bool), 1 },
	{ 'h', sizeof(short), _Alignof(short), 2 },
	{ 'H', sizeof(unsigned short), _Alignof(unsigned short), 2 },
	{ 'i', sizeof(int), _Alignof(int), 4 },
	{ 'I', sizeof(unsigned int), _Alignof(unsigned int), 4 },
	{ 'l', sizeof(long), _Alignof(long), 4 },
	{ 'L', sizeof(unsigned long), _Alignof(unsigned long), 4 },
	{ 'q', sizeof(long long), _Alignof(long long), 8 },
	{ 'Q', sizeof(unsigned long long), _Alignof(unsigned long long), 8 },
	{ 'n', sizeof(ssize_t), _Alignof(ssize_t), 0 },
	{ 'N', sizeof(size_t), _Alignof(size_t), 0 },
	{ 'e', 2, _Alignof(short), 2 },
	{ 'f', sizeof(float), _Alignof(float), 4 },
	{ 'd', sizeof(double), _Alignof(double), 8 },
	{ 's', 1, 1, 1 },
	{ 'p', 1, 1, 1 },
	{ 'P', sizeof(void *), _Alignof(void *), 0 },
};

/* Walks a format: byte order first, then (count, code) items. */
struct fmtiter {
	const char	*p;
	enum order	 order;
};

/* One item of a format: a code with its repeat count, size and alignment. */
struct fmtitem {
	const struct fmtent	*ent;
	long			 count;
	size_t			 size;		/* of one element */
	size_t			 align;		/* 1 unless native */
};

/* A scalar read as a number. */
struct num {
	bool		 isint;		/* an int (or bool) in Python's eyes */
	bool		 big;		/* an int too large for ival */
	__int128	 ival;
	bool		 isfloat;	/* a float, or an int that converts to one */
	double		 fval;
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
fmt_start(struct fmtiter *it, const char *fmt)
{
	it->p = fmt;
	switch (*fmt) {
	case '@':
		it->order = ORD_NATIVE;
		it->p++;
		break;
	case '=':
		it->order = ORD_HOST;
		it->p++;
		break;
	case '<':
		it->order = ORD_LITTLE;
		it->p++;
		break;
	case '>':
	case '!':
		it->order = ORD_BIG;
		it->p++;
		break;
	default:
		it->order = ORD_NATIVE;
		break;
	}
}

/*
 * The next item of the format, as CPython's prepare_s() reads it.  Returns 1
 * with *item filled in, 0 at the end, -1 with a message in err.
 */
static int
fmt_next(struct fmtiter *it, struct fmtitem *item, char *err, size_t errlen)
{
	const struct fmtent *e;
	long num;
	size_t i;
	char c;

	do {
		c = *it->p++;
	} while (c == ' ' || (c >= '\t' && c <= '\r'));
	if (c == '\0') {
		it->p--;
		return 0;
	}
	if (c >= '0' && c <= '9') {
		num = c - '0';
		while ((c = *it->p++) >= '0' && c <= '9') {
			if (num >= LONG_MAX / 10 && (num > LONG_MAX / 10 ||
			    c - '0' > LONG_MAX % 10)) {
				seterr(err, errlen, "total struct size too long");
				return -1;
			}
			num = num * 10 + (c - '0');
		}
		if (c == '\0') {
			seterr(err, errlen,
			    "repeat count given without format specifier");
			return -1;
		}
	} else
		num = 1;
	e = NULL;
	for (i = 0; i < sizeof fmtents / sizeof fmtents[0]; i++)
		if (fmtents[i].code == c) {
			e = &fmtents[i];
			break;
		}
	if (e == NULL || (it->order != ORD_NATIVE && e->ssize == 0)) {
		seterr(err, errlen, "bad char in struct format");
		return -1;
	}
	item->ent = e;
	item->count = num;
	if (it->order == ORD_NATIVE) {
		item->size = e->nsize;
		item->align = e->nalign;
	} else {
		item->size = e->ssize;
		item->align = 1;
	}
	return 1;
}

/*
 * Walks the whole format: its size as struct.calcsize() gives it and the
 * number of values it takes.  Returns 0 or -1 with a message in err.
 */
static int
fmt_measure(const char *fmt, long *sizep, size_t *nvalp, char *err,
    size_t errlen)
{
	struct fmtiter it;
	struct fmtitem item;
	long size = 0, extra;
	size_t nval = 0;
	int r;

	fmt_start(&it, fmt);
	while ((r = fmt_next(&it, &item, err, errlen)) == 1) {
		if (item.ent->code == 's' || item.ent->code == 'p')
			nval++;
		else if (item.ent->code != 'x')
			nval += (size_t)item.count;
		if (item.align > 1 && size > 0) {
			extra = ((long)item.align - 1) -
			    (size - 1) % (long)item.align;
			if (extra > LONG_MAX - size)
				goto overflow;
			size += extra;
		}
		if (item.count > (LONG_MAX - size) / (long)item.size)
			goto overflow;
		size += item.count * (long)item.size;
	}
	if (r < 0)
		return -1;
	*sizep = size;
	*nvalp = nval;
	return 0;
overflow:
	seterr(err, errlen, "total struct size too long");
	return -1;
}

long
pack_calcsize(const char *fmt, char *err, size_t errlen)
{
	long size;
	size_t nval;

	if (fmt_measure(fmt, &size, &nval, err, errlen) < 0)
		return -1;
	return size;
}

static bool
is_bool_word(const char *s, bool *val)
{
	static const char *const yes[] = { "true", "yes" };
	static const char *const no[] = { "false", "no" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*val = true;
			return true;
		}
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcasecmp(s, no[i]) == 0) {
			*val = false;
			return true;
		}
	return false;
}

static int
digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * Reads an integer literal: [+-] then decimal digits, or 0x/0o/0b and digits
 * of that base, with single underscores allowed between digits.  Returns
 * true for an integer; *big is set when it does not fit in __int128.  The
 * digits, without sign, prefix or underscores, go into digits (for the float
 * conversion), with *basep their base.
 */
static bool
parse_int(const char *s, __int128 *valp, bool *bigp, char *digits,
    int *basep, bool *negp)
{
	unsigned __int128 mag = 0, lim;
	const char *p = s;
	bool neg = false, big = false, any = false;
	int base = 10, d;
	size_t nd = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	}
	/* magnitudes up to 2**127 (for -2**127) are representable */
	lim = (unsigned __int128)1 << 127;
	for (; *p != '\0'; p++) {
		if (*p == '_') {
			if (!any || p[1] == '_' || p[1] == '\0')
				return false;
			continue;
		}
		if ((d = digit_value((unsigned char)*p)) >= base)
			return false;
		any = true;
		digits[nd++] = *p;
		if (!big) {
			if (mag > (lim - (unsigned)d) / (unsigned)base)
				big = true;
			else
				mag = mag * (unsigned)base + (unsigned)d;
		}
	}
	digits[nd] = '\0';
	if (!any)
		return false;
	if (!big && !neg && mag == lim)
		big = true;
	*bigp = big;
	if (big)
		*valp = 0;
	else if (neg)
		*valp = mag == 0 ? 0 : -(__int128)(mag - 1) - 1;
	else
		*valp = (__int128)mag;
	*basep = base;
	*negp = neg;
	return true;
}

/* An integer's digits (in base 2, 8, 10 or 16) as a correctly rounded double. */
static double
int_to_double(const char *digits, int base, bool neg)
{
	static const char hexd[] = "0123456789abcdef";
	char *text, *q;
	const char *p;
	size_t n = strlen(digits), nbits;
	unsigned acc;
	double v;
	int bits, have, k;

	text = xmalloc(n + 4);
	q = text;
	*q++ = '0';
	if (base == 10)
		memcpy(q, digits, n + 1);
	else {
		/* rewrite as hex so that strtod rounds it exactly */
		*q++ = 'x';
		bits = base == 16 ? 4 : base == 8 ? 3 : 1;
		if (bits == 4)
			memcpy(q, digits, n + 1);
		else {
			nbits = n * (size_t)bits;
			/* pad on the left to a multiple of 4 bits */
			have = (int)((4 - nbits % 4) % 4);
			acc = 0;
			for (p = digits; *p != '\0'; p++) {
				for (k = bits - 1; k >= 0; k--) {
					acc = (acc << 1) |
					    (((unsigned)digit_value(*p) >> k) & 1);
					if (++have == 4) {
						*q++ = hexd[acc];
						acc = 0;
						have = 0;
					}
				}
			}
			*q = '\0';
		}
	}
	errno = 0;
	v = strtod(text, NULL);
	free(text);
	if (errno == ERANGE && isinf(v))
		return NAN;		/* too large: not convertible */
	if (v == 0.0)
		return 0.0;		/* ints have no negative zero */
	return neg ? -v : v;
}

/* Reads a float literal: strtod(3)'s syntax or YAML's .inf and .nan. */
static bool
parse_float(const char *s, double *valp)
{
	const char *p = s;
	char *end;
	bool neg = false;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 ||
	    strcmp(p, ".INF") == 0) {
		*valp = neg ? -INFINITY : INFINITY;
		return true;
	}
	if (strcmp(p, ".nan") == 0 || strcmp(p, ".NaN") == 0 ||
	    strcmp(p, ".NAN") == 0) {
		*valp = neg ? -NAN : NAN;
		return true;
	}
	if (*s == '\0' || isspace((unsigned char)*s))
		return false;
	*valp = strtod(s, &end);
	return *end == '\0';
}

/* What a scalar's text is, read as a number. */
static void
read_num(const char *s, struct num *n)
{
	char *digits;
	bool b, neg;
	int base;

	memset(n, 0, sizeof *n);
	if (s == NULL)
		return;
	if (is_bool_word(s, &b)) {
		n->isint = n->isfloat = true;
		n->ival = b;
		n->fval = b;
		return;
	}
	digits = xmalloc(strlen(s) + 1);
	if (parse_int(s, &n->ival, &n->big, digits, &base, &neg)) {
		n->isint = true;
		n->fval = int_to_double(digits, base, neg);
		/* an int beyond float range is no float: Python raises */
		n->isfloat = !isnan(n->fval);
	} else if (parse_float(s, &n->fval))
		n->isfloat = true;
	free(digits);
}

static bool
fits(const struct num *n, __int128 lo, __int128 hi)
{
	return !n->big && n->ival >= lo && n->ival <= hi;
}

/* Stores the low size bytes of v at p in the byte order. */
static void
put_uint(unsigned char *p, uint64_t v, size_t size, bool big)
{
	size_t i;

	for (i = 0; i < size; i++)
		p[big ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/*
 * Checks an int for code c as CPython 3.11's packing function for it does
 * (the messages differ between the native and the standard functions) and
 * returns its value as the low bits of a uint64_t.  -1 with err on failure.
 */
static int
check_int(char c, bool nativefn, size_t size, const struct num *n,
    uint64_t *vp, char *err, size_t errlen)
{
	const __int128 lmin = LONG_MIN, lmax = LONG_MAX, ulmax = ULONG_MAX;
	__int128 smax, umax;

	if (!n->isint) {
		seterr(err, errlen, "required argument is not an integer");
		return -1;
	}
	smax = ((__int128)1 << (8 * size - 1)) - 1;
	umax = ((__int128)1 << (8 * size)) - 1;
	switch (c) {
	case 'b':
	case 'B':
	case 'h':
	case 'H':
		if (c == 'b' || c == 'B' || nativefn) {
			/* np_byte, np_ubyte, np_short, np_ushort */
			if (!fits(n, lmin, lmax))
				goto aoor;
			if (c == 'b' && !fits(n, SCHAR_MIN, SCHAR_MAX)) {
				seterr(err, errlen, "byte format requires "
				    "%d <= number <= %d", SCHAR_MIN, SCHAR_MAX);
				return -1;
			}
			if (c == 'B' && !fits(n, 0, UCHAR_MAX)) {
				seterr(err, errlen, "ubyte format requires "
				    "0 <= number <= %d", UCHAR_MAX);
				return -1;
			}
			if (c == 'h' && !fits(n, SHRT_MIN, SHRT_MAX)) {
				seterr(err, errlen, "short format requires "
				    "%d <= number <= %d", SHRT_MIN, SHRT_MAX);
				return -1;
			}
			if (c == 'H' && !fits(n, 0, USHRT_MAX)) {
				seterr(err, errlen, "ushort format requires "
				    "0 <= number <= %d", USHRT_MAX);
				return -1;
			}
			break;
		}
		if (c == 'h')
			goto sint;
		goto uint;
	case 'i':
	case 'l':
	sint:
		/* np_int, bp_int, lp_int; np_long */
		if (!fits(n, lmin, lmax))
			goto aoor;
		if (!fits(n, -smax - 1, smax))
			goto range;
		break;
	case 'I':
	case 'L':
	uint:
		/* np_uint, bp_uint, lp_uint; np_ulong */
		if (!fits(n, 0, ulmax))
			goto aoor;
		if (!fits(n, 0, umax))
			goto range;
		break;
	case 'q':
		if (!fits(n, LLONG_MIN, LLONG_MAX))
			goto toolarge_or_aoor;
		break;
	case 'Q':
		if (!fits(n, 0, ULLONG_MAX))
			goto toolarge_or_aoor;
		break;
	case 'n':
		if (!fits(n, -(__int128)SSIZE_MAX - 1, SSIZE_MAX))
			goto aoor;
		break;
	case 'N':
		if (!fits(n, 0, SIZE_MAX))
			goto aoor;
		break;
	case 'P':
		if (!fits(n, lmin, ulmax))
			goto toolarge;
		break;
	}
	*vp = (uint64_t)n->ival;
	return 0;
range:
	if (c == 'i' || c == 'l' || c == 'h')
		seterr(err, errlen, "'%c' format requires %lld <= number <= %lld",
		    c, (long long)(-smax - 1), (long long)smax);
	else
		seterr(err, errlen, "'%c' format requires 0 <= number <= %llu",
		    c, (unsigned long long)umax);
	return -1;
toolarge_or_aoor:
	if (nativefn)
		goto aoor;
toolarge:
	seterr(err, errlen, "int too large to convert");
	return -1;
aoor:
	seterr(err, errlen, "argument out of range");
	return -1;
}

/* IEEE 754 binary16 bits for x as CPython's PyFloat_Pack2; -1 on overflow. */
static int
half_bits(double x, uint16_t *bitsp)
{
	unsigned sign, bits;
	double f;
	int e;

	if (x == 0.0) {
		sign = signbit(x) ? 1 : 0;
		e = 0;
		bits = 0;
	} else if (isinf(x)) {
		sign = x < 0.0;
		e = 0x1f;
		bits = 0;
	} else if (isnan(x)) {
		sign = signbit(x) ? 1 : 0;
		e = 0x1f;
		bits = 512;
	} else {
		sign = x < 0.0;
		if (sign)
			x = -x;
		f = frexp(x, &e);
		/* normalise f to [1.0, 2.0) */
		f *= 2.0;
		e--;
		if (e >= 16)
			return -1;
		else if (e < -25) {
			/* |x| < 2**-25: underflow to zero */
			f = 0.0;
			e = 0;
		} else if (e < -14) {
			/* |x| < 2**-14: gradual underflow */
			f = ldexp(f, 14 + e);
			e = 0;
		} else {
			e += 15;
			f -= 1.0;
		}
		f *= 1024.0;
		bits = (unsigned)f;
		/* round half to even */
		if (f - bits > 0.5 || (f - bits == 0.5 && bits % 2 == 1)) {
			if (++bits == 1024) {
				bits = 0;
				if (++e == 31)
					return -1;
			}
		}
	}
	*bitsp = (uint16_t)(bits | ((unsigned)e << 10) | (sign << 15));
	return 0;
}

/*
 * Packs one element of a numeric or char code into the size bytes at p.
 * Returns 0 or -1 with err.
 */
static int
pack_one(unsigned char *p, char c, enum order order, size_t size,
    const char *s, char *err, size_t errlen)
{
	struct num n;
	uint64_t u;
	uint32_t u32;
	uint16_t u16;
	float fl;
	double d;
	bool big, nativefn;

	big = order == ORD_BIG ||
	    ((order == ORD_NATIVE || order == ORD_HOST) && HOST_BIG);
	/*
	 * CPython packs '@' with its native functions, and the standard
	 * table of the host's byte order with them too where the sizes
	 * agree (not for f, d and ?).  Their error messages differ.
	 */
	nativefn = order == ORD_NATIVE || order == ORD_HOST ||
	    (order == ORD_LITTLE && !HOST_BIG) || (order == ORD_BIG && HOST_BIG);
	if (nativefn && order != ORD_NATIVE) {
		switch (c) {
		case 'l':
			nativefn = sizeof(long) == size;
			break;
		case 'L':
			nativefn = sizeof(unsigned long) == size;
			break;
		case 'h':
		case 'H':
		case 'i':
		case 'I':
		case 'q':
		case 'Q':
			nativefn = true;	/* 2, 4, 8 on every platform we run */
			break;
		default:
			nativefn = false;
			break;
		}
	}
	if (s == NULL)
		s = "";
	switch (c) {
	case 'c':
		if (strlen(s) != 1) {
			seterr(err, errlen,
			    "char format requires a bytes object of length 1");
			return -1;
		}
		p[0] = (unsigned char)s[0];
		return 0;
	case '?':
		read_num(s, &n);
		if (n.isint)
			p[0] = n.big || n.ival != 0;
		else if (n.isfloat)
			p[0] = n.fval != 0.0;
		else {
			seterr(err, errlen,
			    "'?' format requires a boolean or a number");
			return -1;
		}
		return 0;
	case 'e':
	case 'f':
	case 'd':
		read_num(s, &n);
		if (!n.isfloat) {
			seterr(err, errlen, "required argument is not a float");
			return -1;
		}
		d = n.fval;
		if (c == 'd') {
			memcpy(&u, &d, sizeof u);
			put_uint(p, u, 8, big);
			return 0;
		}
		if (c == 'f') {
			/* round to nearest, ties to even, as the C cast does */
			if (isfinite(d) && fabs(d) >= 0x1.ffffffp127) {
				if (order != ORD_NATIVE)
					goto overflow;
				fl = d < 0 ? -INFINITY : INFINITY;
			} else
				fl = (float)d;
			memcpy(&u32, &fl, sizeof u32);
			put_uint(p, u32, 4, big);
			return 0;
		}
		if (half_bits(d, &u16) < 0)
			goto overflow;
		put_uint(p, u16, 2, big);
		return 0;
	overflow:
		if (n.isint)
			seterr(err, errlen, "int too large to convert");
		else
			seterr(err, errlen,
			    "float too large to pack with %c format", c);
		return -1;
	default:
		read_num(s, &n);
		if (check_int(c, nativefn, size, &n, &u, err, errlen) < 0)
			return -1;
		put_uint(p, u, size, big);
		return 0;
	}
}

int
pack_encode(const char *fmt, const char *const *values, size_t nvalues,
    struct buf *out, char *err, size_t errlen, int *bad_value)
{
	struct fmtiter it;
	struct fmtitem item;
	unsigned char *res;
	size_t nval, vi, n, len;
	long size, pos, i;
	const char *s;
	int dummy;

	if (bad_value == NULL)
		bad_value = &dummy;
	*bad_value = -1;
	if (fmt_measure(fmt, &size, &nval, err, errlen) < 0)
		return -1;
	if (nval != nvalues) {
		seterr(err, errlen, "pack expected %zu items for packing (got %zu)",
		    nval, nvalues);
		return -1;
	}
	if (size > PACK_MAX) {
		seterr(err, errlen, "struct of %ld bytes is too large to pack "
		    "(at most %ld)", size, PACK_MAX);
		return -1;
	}
	/*
	 * Like CPython: zero the whole struct, then store each field at its
	 * offset.  Padding and the unused tail of 's' are never written.
	 */
	buf_reserve(out, (size_t)size);
	res = out->data + out->len;
	memset(res, 0, (size_t)size + 1);
	fmt_start(&it, fmt);
	pos = 0;
	vi = 0;
	while (fmt_next(&it, &item, NULL, 0) == 1) {
		if (item.align > 1 && pos % (long)item.align != 0)
			pos += (long)item.align - pos % (long)item.align;
		switch (item.ent->code) {
		case 'x':
			break;
		case 's':
			s = values[vi] != NULL ? values[vi] : "";
			vi++;
			len = strlen(s);
			n = (size_t)item.count;
			memcpy(res + pos, s, len < n ? len : n);
			break;
		case 'p':
			s = values[vi] != NULL ? values[vi] : "";
			vi++;
			len = strlen(s);
			if (item.count == 0) {
				/*
				 * CPython 3.11 stores the length byte even
				 * for "0p", as 0xff, over the next byte:
				 * struct.pack("0px", b"") == b"\xff".  At
				 * the end of the struct it lands on the NUL
				 * past the end.
				 */
				if (pos < size)
					res[pos] = 0xff;
				break;
			}
			n = (size_t)item.count - 1;
			if (len > n)
				len = n;
			res[pos] = (unsigned char)(len > 255 ? 255 : len);
			memcpy(res + pos + 1, s, len);
			break;
		default:
			for (i = 0; i < item.count; i++, vi++) {
				if (pack_one(res + pos + i * (long)item.size,
				    item.ent->code, it.order, item.size,
				    values[vi], err, errlen) < 0) {
					*bad_value = (int)vi;
					res[0] = '\0';
					return -1;
				}
			}
			break;
		}
		pos += item.count * (long)item.size;
	}
	out->len += (size_t)size;
	return 0;
}
