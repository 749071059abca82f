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

/*
 * Where a `{}` sits in a sh script, as far as quoting goes. The script is the user's
 * code; the input never enters it: each `{}` becomes a reference to "$1", written so
 * that it is one word wherever it stands: "$1" bare, ${1} inside double quotes, '"$1"'
 * inside single quotes (close, the reference, reopen). `$(…)` and backquotes start
 * their own quoting. A slot the scanner misreads can only cost word splitting of the
 * input, never run it: what is substituted is a reference, not the data.
 */
enum sh_ctx { SH_BARE, SH_SINGLE, SH_DOUBLE };

struct sh_scan {
	enum sh_ctx stack[32]; /* the context of each open $( or ` … */
	int depth;             /* open $( and ` */
	enum sh_ctx ctx;
};

static void sh_push(struct sh_scan *sc)
{
	if (sc->depth < (int)(sizeof(sc->stack) / sizeof(sc->stack[0])))
		sc->stack[sc->depth] = sc->ctx;
	sc->depth++;
	sc->ctx = SH_BARE;
}

static void sh_pop(struct sh_scan *sc)
{
	sc->depth--;
	if (sc->depth < (int)(sizeof(sc->stack) / sizeof(sc->stack[0])))
		sc->ctx = sc->stack[sc->depth];
}

/* Steps over the character at S[I] (not a slot); returns how many bytes it took. */
static size_t sh_step(struct sh_scan *sc, const char *s, size_t i)
{
	char c = s[i];

	if (sc->ctx == SH_SINGLE) {
		if (c == '\'')
			sc->ctx = SH_BARE;
		return 1;
	}
	if (c == '\\' && s[i + 1])
		return sc->ctx == SH_BARE || strchr("$`\"\\\n", s[i + 1]) ? 2 : 1;
	if (c == '$' && s[i + 1] == '(') {
		sh_push(sc);
		return 2;
	}
	if (c == '`') {
		if (sc->depth > 0 && sc->ctx == SH_BARE)
			sh_pop(sc);
		else
			sh_push(sc);
		return 1;
	}
	if (c == ')' && sc->depth > 0 && sc->ctx == SH_BARE) {
		sh_pop(sc);
		return 1;
	}
	if (c == '"')
		sc->ctx = sc->ctx == SH_DOUBLE ? SH_BARE : SH_DOUBLE;
	else if (c == '\'' && sc->ctx == SH_BARE)
		sc->ctx = SH_SINGLE;
	return 1;
}

static const char *sh_reference(enum sh_ctx ctx)
{
	return ctx == SH_SINGLE ? "'\"$1\"'" : ctx == SH_DOUBLE ? "${1}" : "\"$1\"";
}

char *tune_shell_script(char *const *tmpl, int n)
{
	struct sh_scan sc = { .ctx = SH_BARE };
	char *script = NULL;
	size_t len = 0, cap = 0;
	bool slot = false;

	if (buf_add(&script, &len, &cap, "", 0))
		return NULL;
	for (int w = 0; w < n; w++) {
		const char *s = tmpl[w];

		if (w && buf_add(&script, &len, &cap, " ", 1))
			goto fail;
		for (size_t i = 0; s[i];) {
			size_t step;

			if (s[i] == '{' && s[i + 1] == '}') {
				const char *ref = sh_reference(sc.ctx);

				if (buf_add(&script, &len, &cap, ref, strlen(ref)))
					goto fail;
				slot = true;
				i += 2;
				continue;
			}
			step = sh_step(&sc, s, i);
			if (buf_add(&script, &len, &cap, s + i, step))
				goto fail;
			i += step;
		}
	}
	if (!slot && buf_add(&script, &len, &cap, " \"$1\"", 5))
		goto fail;
	return script;
fail:
	free(script);
	return NULL;
}

/* /bin/sh -c SCRIPT sh INPUT: the input is the script's $1, an argument, never code. */
static int expand_shell(char *const *tmpl, int n, const char *input, struct tune_strv *out)
{
	char *script = tune_shell_script(tmpl, n);
	int ret = -ENOMEM;

	if (script && !tune_strv_push(out, "/bin/sh") && !tune_strv_push(out, "-c") &&
	    !tune_strv_push(out, script) && !tune_strv_push(out, "sh") &&
	    !tune_strv_push(out, input))
		ret = 0;
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
