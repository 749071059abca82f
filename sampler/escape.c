/*
 * escape.c — the escaping policy of escape.h: one decoder of UTF-8, one list of the
 * controls, and the text, JSON and Prometheus forms built on them.
 */
#include "sampler/escape.h"

#include <stdlib.h>
#include <string.h>

bool report_is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Length of the valid UTF-8 sequence at S (of at most N bytes), or 0 if invalid; its
 * code point in *CP. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len;
	unsigned c;

	*cp = s[0];
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* The text form of the character at S (LEN bytes from utf8_len, 0 if invalid; code
 * point CP) into TMP; returns its length and sets *USED to the bytes of S it covers. */
static size_t escape_one(const unsigned char *s, size_t len, unsigned cp, unsigned flags,
			 char tmp[8], size_t *used)
{
	*used = len ? len : 1;
	if (len == 1 && s[0] == 0x1b)
		return (size_t)snprintf(tmp, 8, "\\e");
	if (len == 1 && s[0] == '\\' && !(flags & ESCAPE_KEEP_BACKSLASH))
		return (size_t)snprintf(tmp, 8, "\\\\");
	if (len == 1 && report_is_control(cp))
		return (size_t)snprintf(tmp, 8, "\\x%02x", s[0]);
	if (len == 2 && cp == 0xd7 && (flags & ESCAPE_ASCII))
		return (size_t)snprintf(tmp, 8, "x"); /* the × of "10 × job" */
	if (len == 0 || (len > 1 && (flags & ESCAPE_ASCII))) {
		*used = 1;
		return (size_t)snprintf(tmp, 8, "\\x%02x", s[0]);
	}
	if (report_is_control(cp))
		return (size_t)snprintf(tmp, 8, "\\u%04x", cp);
	memcpy(tmp, s, len);
	return len;
}

size_t report_escape(const char *in, char *out, size_t cap, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strlen(in), o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		char tmp[8];
		unsigned cp;
		size_t len = utf8_len(s + i, n - i, &cp), used;
		size_t w = escape_one(s + i, len, cp, flags, tmp, &used);

		if (o + w >= cap)
			break;
		memcpy(out + o, tmp, w);
		o += w;
		i += used;
	}
	out[o] = '\0';
	return o;
}

char *report_utf8_clean(const char *in)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strlen(in), o = 0;
	char *out = malloc(n * 3 + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_len(s + i, n - i, &cp);

		if (len == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
	}
	out[o] = '\0';
	return out;
}

/* DOC (a json_dumps result, freed here) with its controls as \u escapes; NULL when out
 * of memory. A control takes 1 to 3 bytes and becomes 6: 6 bytes per input byte is
 * always enough. */
static char *json_rewrite(char *doc)
{
	const unsigned char *s = (const unsigned char *)doc;
	size_t n = strlen(doc), o = 0;
	char *out = malloc(n * 6 + 1);

	if (!out) {
		free(doc);
		return NULL;
	}
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_len(s + i, n - i, &cp);

		/* jansson writes valid UTF-8 only; a stray byte is copied as it came */
		if (len == 0)
			len = 1, cp = 0;
		if (report_is_control(cp) && cp >= 0x7f)
			o += (size_t)sprintf(out + o, "\\u%04x", cp);
		else {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	free(doc);
	return out;
}

char *report_json_dumps(const json_t *j, size_t flags)
{
	char *doc = json_dumps(j, flags);

	return doc ? json_rewrite(doc) : NULL;
}

int report_json_dumpf(const json_t *j, FILE *f, size_t flags)
{
	char *doc = report_json_dumps(j, flags);
	size_t n;

	if (!doc)
		return -1;
	n = strlen(doc);
	n = fwrite(doc, 1, n, f) == n ? 0 : 1;
	free(doc);
	return n ? -1 : 0;
}

char *report_prom_label(const char *in)
{
	size_t n = strlen(in), o = 0;
	char *text = malloc(4 * n + 1), *out = malloc(8 * n + 1);

	if (!text || !out) {
		free(text);
		free(out);
		return NULL;
	}
	report_escape(in, text, 4 * n + 1, 0);
	for (const char *p = text; *p; p++) {
		if (*p == '\\' || *p == '"')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o] = '\0';
	free(text);
	return out;
}
