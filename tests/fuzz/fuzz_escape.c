/*
 * libFuzzer harness for the escaping policy (sampler/escape.h, `make fuzz`): for any
 * bytes, the text form, a Prometheus label and a JSON dump hold valid UTF-8 and none of
 * the controls report_is_control() names, the text form fits the documented bound,
 * and the JSON reads back to the string it was given. Any breach aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sampler/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes one UTF-8 character of S (N bytes left) into *CP; its length, 0 if invalid. */
static size_t decode(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (!len || len > n)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* S is valid UTF-8 with no control of the policy's list (LF allowed when NL). */
static void assert_clean(const char *s, int nl)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = decode(p + i, n - i, &cp);

		if (!len || (report_is_control(cp) && !(nl && cp == '\n')))
			abort();
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out, *label, *clean, *dump;
	size_t cap = 4 * size + 1;
	json_t *j, *back;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	out = malloc(cap);
	if (out) {
		for (unsigned flags = 0; flags < 4; flags++) {
			/* the documented bound is enough: nothing is cut */
			if (report_escape(in, out, cap, flags) >= cap)
				abort();
			assert_clean(out, 0);
			for (const char *c = out; (flags & ESCAPE_ASCII) && *c; c++)
				if (*c < 0x20 || *c > 0x7e) /* the batch text is printable ASCII */
					abort();
			/* and a small buffer truncates, never overruns */
			report_escape(in, out, 1 + size % 7, flags);
		}
		free(out);
	}
	label = report_prom_label(in);
	if (label) {
		assert_clean(label, 0);
		free(label);
	}
	clean = report_utf8_clean(in);
	j = clean ? json_string(clean) : NULL;
	dump = j ? report_json_dumps(j, JSON_ENCODE_ANY) : NULL;
	if (dump) {
		assert_clean(dump, 0);
		back = json_loads(dump, JSON_DECODE_ANY, NULL);
		if (!back || strcmp(json_string_value(back), clean))
			abort();
		json_decref(back);
	}
	free(dump);
	json_decref(j);
	free(clean);
	free(in);
	return 0;
}
