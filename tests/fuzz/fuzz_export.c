/*
 * libFuzzer harness for `coretop export` (`make fuzz`): a result file is input a user
 * may have edited or got from elsewhere, so every format renders any bytes as a
 * recipe or fails with a one-line reason, never crashes or reads out of bounds. The
 * first byte picks the format; the rest is the result's text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tuner/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { "sh", "env", "parallel", "xargs", "slurm", "json" };
	char err[512], *out = NULL, *buf;

	if (size < 1)
		return 0;
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (export_render(formats[data[0] % 6], buf, size - 1, &out, err, sizeof(err)) == 0 &&
	    !out)
		abort(); /* success always hands back a recipe */
	free(out);
	free(buf);
	return 0;
}
