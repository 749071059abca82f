/*
 * libFuzzer harness for the settings file (tui/config.c, `make fuzz`): for any bytes,
 * config_parse() either refuses them with a line number within the text and a
 * message, or gives settings within their documented ranges; those settings,
 * written by config_format(), read back to the same settings. Any breach aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct config *a, const struct config *b)
{
	return a->sort == b->sort && a->descending == b->descending && a->group_by == b->group_by &&
	       a->interval == b->interval && a->window == b->window &&
	       memcmp(a->hidden, b->hidden, sizeof(a->hidden)) == 0 &&
	       a->show_idle == b->show_idle && a->theme == b->theme;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, back;
	struct config_error err = { 0, "" };
	char text[4096];
	size_t lines = 1, n;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	config_init(&c);
	if (config_parse(&c, (const char *)data, size, &err) != 0) {
		if (err.line < 0 || (size_t)err.line > lines || !err.msg[0] ||
		    !memchr(err.msg, '\0', sizeof(err.msg)))
			abort();
		return 0;
	}
	if (c.interval < CONFIG_INTERVAL_MIN || c.interval > CONFIG_INTERVAL_MAX ||
	    c.window < CONFIG_WINDOW_MIN || c.window > CONFIG_WINDOW_MAX)
		abort();
	n = config_format(&c, text, sizeof(text));
	if (n >= sizeof(text))
		abort();
	config_init(&back);
	if (config_parse(&back, text, n, &err) != 0 || !same(&c, &back))
		abort();
	return 0;
}
