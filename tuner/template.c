/*
 * template.c — from the command template and one input to a job's argv, and a job's
 * environment.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuner/internal.h"

bool tune_template_has_slot(char *const *argv, int argc)
{
	for (int i = 0; i < argc; i++)
		if (strstr(argv[i], "{}"))
			return true;
	return false;
}

/* Appends S to BUF (LEN used, CAP allocated), growing it. */
static int buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 64;
		char *b;

		while (*len + n + 1 > c)
			c *= 2;
		b = realloc(*buf, c);
		if (!b)
			return -ENOMEM;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

/* ARG with every `{}` replaced by INPUT, appended to OUT. */
static int subst_push(struct tune_strv *out, const char *arg, const char *input)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, ilen = strlen(input);
	const char *p = arg, *slot;
	int ret = 0;

	while ((slot = strstr(p, "{}"))) {
		ret = buf_add(&buf, &len, &cap, p, (size_t)(slot - p));
		if (!ret)
			ret = buf_add(&buf, &len, &cap, input, ilen);
		if (ret)
			goto out;
		p = slot + 2;
	}
	ret = buf_add(&buf, &len, &cap, p, strlen(p));
	if (!ret)
		ret = tune_strv_pushn(out, buf, len);
out:
	free(buf);
	return ret;
}

char *tune_shell_quote(const char *s)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	/* 'it'\''s': close the quote, an escaped quote, reopen. */
	if (buf_add(&buf, &len, &cap, "'", 1))
		return NULL;
	for (const char *p = s; *p; p++) {
		const char *piece = *p == '\'' ? "'\\''" : p;
		size_t n = *p == '\'' ? 4 : 1;

		if (buf_add(&buf, &len, &cap, piece, n))
			goto fail;
	}
	if (buf_add(&buf, &len, &cap, "'", 1))
		goto fail;
	return buf;
fail:
	free(buf);
	return NULL;
}

static int expand_shell(char *const *tmpl, int n, const char *input, struct tune_strv *out)
{
	char *quoted = tune_shell_quote(input), *script = NULL;
	size_t len = 0, cap = 0;
	struct tune_strv one = { 0 };
	bool slot = tune_template_has_slot(tmpl, n);
	int ret = -ENOMEM;

	if (!quoted)
		goto out;
	for (int i = 0; i < n; i++) {
		tune_strv_release(&one);
		if ((i && buf_add(&script, &len, &cap, " ", 1)) ||
		    subst_push(&one, tmpl[i], quoted) ||
		    buf_add(&script, &len, &cap, one.v[0], strlen(one.v[0])))
			goto out;
	}
	if (!slot && (buf_add(&script, &len, &cap, " ", 1) ||
		      buf_add(&script, &len, &cap, quoted, strlen(quoted))))
		goto out;
	if (tune_strv_push(out, "/bin/sh") || tune_strv_push(out, "-c") ||
	    tune_strv_push(out, script ? script : ""))
		goto out;
	ret = 0;
out:
	tune_strv_release(&one);
	free(quoted);
	free(script);
	return ret;
}

int tune_template_expand(char *const *tmpl, int n, bool shell, const char *input,
			 struct tune_strv *out)
{
	if (n <= 0)
		return -EINVAL;
	if (shell)
		return expand_shell(tmpl, n, input, out);
	for (int i = 0; i < n; i++)
		if (subst_push(out, tmpl[i], input))
			return -ENOMEM;
	if (!tune_template_has_slot(tmpl, n) && tune_strv_push(out, input))
		return -ENOMEM;
	return 0;
}

/* Whether ENTRY ("NAME=VALUE") sets NAME (NAMELEN bytes). */
static bool env_is(const char *entry, const char *name, size_t namelen)
{
	return !strncmp(entry, name, namelen) && entry[namelen] == '=';
}

static bool env_in_extra(const char *entry, char *const *extra)
{
	for (int i = 0; extra && extra[i]; i++) {
		const char *eq = strchr(extra[i], '=');

		if (eq && env_is(entry, extra[i], (size_t)(eq - extra[i])))
			return true;
	}
	return false;
}

static bool env_overridden(const char *entry, char *const *extra)
{
	const char *const *vars = pools_thread_vars();

	for (int i = 0; vars[i]; i++)
		if (env_is(entry, vars[i], strlen(vars[i])))
			return true;
	return env_in_extra(entry, extra);
}

int tune_env_build(struct tune_strv *out, char *const *base, int threads, char *const *extra)
{
	const char *const *vars = pools_thread_vars();
	char var[64];

	for (int i = 0; base && base[i]; i++)
		if (!env_overridden(base[i], extra) && tune_strv_push(out, base[i]))
			return -ENOMEM;
	for (int i = 0; threads > 0 && vars[i]; i++) {
		snprintf(var, sizeof(var), "%s=%d", vars[i], threads);
		if (!env_in_extra(var, extra) && tune_strv_push(out, var))
			return -ENOMEM;
	}
	for (int i = 0; extra && extra[i]; i++)
		if (tune_strv_push(out, extra[i]))
			return -ENOMEM;
	return 0;
}
