/*
 * config.c — coretoprc (config.h): libinih reads the lines, one handler per key checks
 * the values, and config_save() writes the file back through a temporary one.
 *
 * inih is given the buffer through its stream interface, one line per read, so this
 * file counts the lines itself: inih's handler is not told the line (Debian builds it
 * without INI_HANDLER_LINENO), and an error's line is what the user needs.
 */
#include "tui/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sampler/escape.h"
#include "sampler/group.h"
#include "sampler/procfs.h"
#include "sampler/window.h"

#define SECTION "dashboard"

static const char *const theme_names[THEME_COUNT] = {
	[THEME_DEFAULT] = "default", [THEME_MONO] = "mono", [THEME_256] = "256",
	[THEME_LIGHT] = "light",
};

static const char *const key_names[CONFIG_NKEYS] = {
	[CONFIG_SORT] = "sort", [CONFIG_GROUP_BY] = "group_by", [CONFIG_INTERVAL] = "interval",
	[CONFIG_WINDOW] = "window", [CONFIG_HIDE_COLUMNS] = "hide_columns",
	[CONFIG_SHOW_IDLE] = "show_idle", [CONFIG_THEME] = "theme",
};

void config_init(struct config *c)
{
	const struct view *v = &table_views[LEVEL_GROUPS];

	memset(c, 0, sizeof(*c));
	c->sort = v->default_sort;
	c->descending = v->cols[v->default_sort].descending;
	c->group_by = GROUP_JOB;
	c->interval = 1.5;
	c->window = WINDOW_DEFAULT_S;
	c->theme = THEME_DEFAULT;
}

const char *config_key_name(enum config_key k)
{
	return key_names[k];
}

const char *config_theme_name(enum theme t)
{
	return theme_names[t];
}

/* ---- columns by heading ---------------------------------------------------------- */

/* A view's first named column is its key (GROUP, PID, TID); the marker has no name. */
static bool is_key_column(const struct view *v, int i)
{
	int first = 0;

	while (first < v->ncols && v->cols[first].name[0] == ' ')
		first++;
	return v->cols[i].name[0] == ' ' || i == first;
}

int config_column_hide(uint32_t hidden[LEVEL_COUNT], const char *name, bool hide)
{
	bool found = false, key = false;

	for (int l = 0; l < LEVEL_COUNT; l++) {
		const struct view *v = &table_views[l];

		for (int i = 0; i < v->ncols && i < 32; i++) {
			if (strcasecmp(v->cols[i].name, name) != 0)
				continue;
			if (is_key_column(v, i)) {
				key = true;
				continue;
			}
			found = true;
			if (hide)
				hidden[l] |= UINT32_C(1) << i;
			else
				hidden[l] &= ~(UINT32_C(1) << i);
		}
	}
	return found ? 0 : key ? -EPERM : -ENOENT;
}

bool config_column_hidden(const uint32_t hidden[LEVEL_COUNT], const char *name)
{
	for (int l = 0; l < LEVEL_COUNT; l++) {
		const struct view *v = &table_views[l];

		for (int i = 0; i < v->ncols && i < 32; i++)
			if ((hidden[l] >> i & 1) && strcasecmp(v->cols[i].name, name) == 0)
				return true;
	}
	return false;
}

int config_hideable(const char **names, int cap)
{
	int n = 0;

	for (int l = 0; l < LEVEL_COUNT; l++) {
		const struct view *v = &table_views[l];

		for (int i = 0; i < v->ncols && i < 32; i++) {
			bool seen = false;

			if (is_key_column(v, i))
				continue;
			for (int k = 0; k < n && !seen; k++)
				seen = strcasecmp(names[k], v->cols[i].name) == 0;
			if (!seen && n < cap)
				names[n++] = v->cols[i].name;
		}
	}
	return n;
}

/* ---- parsing --------------------------------------------------------------------- */

struct parse {
	struct config *c;
	const char *buf, *end, *at;   /* what is left to read */
	int line;                     /* the line inih is handling */
	struct config_error *err;
	bool failed;
};

__attribute__((format(printf, 3, 4))) static int fail(struct parse *p, int line,
							const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return 0;
	p->failed = true;
	p->err->line = line;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return 0;
}

/* inih's fgets: the next line of the buffer, whole. A longer one is an error (inih
 * would read its rest as more lines); a NUL byte too (the text would end there). */
static char *next_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *nl, *stop;
	size_t n;

	if (p->at >= p->end)
		return NULL;
	nl = memchr(p->at, '\n', (size_t)(p->end - p->at));
	stop = nl ? nl + 1 : p->end;
	n = (size_t)(stop - p->at);
	p->line++;
	if (memchr(p->at, '\0', n))
		fail(p, p->line, "a NUL byte: not a text file");
	if (n > (size_t)num - 1 || n - (nl != NULL) > CONFIG_LINE_MAX) {
		fail(p, p->line, "line longer than %d characters", CONFIG_LINE_MAX);
		/* what fits inih's buffer, never past the text (a line of 198 or 199) */
		if (n > (size_t)num - 1)
			n = (size_t)num - 1;
	}
	memcpy(str, p->at, n);
	str[n] = '\0';
	p->at = stop;
	return str;
}

/* VALUE, escaped, for a message. */
static const char *shown(const char *value, char *out, size_t cap)
{
	report_escape(value, out, cap, 0);
	return out;
}

/* A plain decimal number, as the command line takes them (cmd/opts.h): no blanks,
 * hex, inf or nan. */
static int parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static void list_sortable(char *out, size_t cap)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < v->ncols && n < cap; i++)
		if (v->cols[i].compare)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "", v->cols[i].name);
}

static int take_sort(struct parse *p, const char *value)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	char name[64], dir[16] = "", extra[2] = "", esc[128], cols[160];
	int n = sscanf(value, "%63s %15s %1s", name, dir, extra);

	if (n < 1 || extra[0] || (n == 2 && strcasecmp(dir, "asc") && strcasecmp(dir, "desc")))
		return fail(p, p->line, "sort \"%s\": a column, then asc or desc (e.g. DEMAND desc)",
			    shown(value, esc, sizeof(esc)));
	for (int i = 0; i < v->ncols; i++)
		if (v->cols[i].compare && strcasecmp(v->cols[i].name, name) == 0) {
			p->c->sort = i;
			p->c->descending = n == 2 ? strcasecmp(dir, "desc") == 0 : v->cols[i].descending;
			return 1;
		}
	list_sortable(cols, sizeof(cols));
	for (int i = 0; i < v->ncols; i++)
		if (strcasecmp(v->cols[i].name, name) == 0)
			return fail(p, p->line, "the groups cannot be sorted by %s (columns: %s)",
				    v->cols[i].name, cols);
	return fail(p, p->line, "unknown sort column \"%s\" (columns: %s)",
		    shown(name, esc, sizeof(esc)), cols);
}

static int take_columns(struct parse *p, const char *value)
{
	char list[CONFIG_LINE_MAX + 1], esc[128], *save = NULL;

	snprintf(list, sizeof(list), "%s", value);
	memset(p->c->hidden, 0, sizeof(p->c->hidden));
	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *e = tok + strlen(tok);
		int r;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*tok)
			continue;
		r = config_column_hide(p->c->hidden, tok, true);
		if (r == -EPERM)
			return fail(p, p->line, "column %s cannot be hidden: it names the row",
				    shown(tok, esc, sizeof(esc)));
		if (r < 0)
			return fail(p, p->line, "unknown column \"%s\" in hide_columns "
				    "(the headings the dashboard shows, e.g. RUN,THR)",
				    shown(tok, esc, sizeof(esc)));
	}
	return 1;
}

static int take_bool(struct parse *p, const char *value, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false",
		"no", "off", "0" };
	char esc[128];

	for (int i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return *out = true, 1;
		if (strcasecmp(value, no[i]) == 0)
			return *out = false, 1;
	}
	return fail(p, p->line, "show_idle \"%s\": true or false", shown(value, esc, sizeof(esc)));
}

static int take_theme(struct parse *p, const char *value)
{
	char esc[128];

	for (int t = 0; t < THEME_COUNT; t++)
		if (strcasecmp(value, theme_names[t]) == 0) {
			p->c->theme = (enum theme)t;
			return 1;
		}
	return fail(p, p->line, "unknown theme \"%s\" (themes: default, mono, 256, light)",
		    shown(value, esc, sizeof(esc)));
}

static int take_value(struct parse *p, enum config_key k, const char *value)
{
	char esc[128];

	switch (k) {
	case CONFIG_SORT:
		return take_sort(p, value);
	case CONFIG_GROUP_BY:
		if (group_by_parse(value, &p->c->group_by) == 0)
			return 1;
		return fail(p, p->line, "unknown group_by \"%s\" (job, parent, program, user or "
			    "cgroup)", shown(value, esc, sizeof(esc)));
	case CONFIG_INTERVAL:
		if (parse_seconds(value, CONFIG_INTERVAL_MIN, CONFIG_INTERVAL_MAX, &p->c->interval) == 0)
			return 1;
		return fail(p, p->line, "interval \"%s\": seconds between 0.05 and 86400",
			    shown(value, esc, sizeof(esc)));
	case CONFIG_WINDOW:
		if (parse_seconds(value, CONFIG_WINDOW_MIN, CONFIG_WINDOW_MAX, &p->c->window) == 0)
			return 1;
		return fail(p, p->line, "window \"%s\": seconds between 1 and 3600",
			    shown(value, esc, sizeof(esc)));
	case CONFIG_HIDE_COLUMNS:
		return take_columns(p, value);
	case CONFIG_SHOW_IDLE:
		return take_bool(p, value, &p->c->show_idle);
	case CONFIG_THEME:
		return take_theme(p, value);
	default:
		return 0;
	}
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char esc[128];

	if (p->failed)
		return 0;
	if (!*section)
		return fail(p, p->line, "\"%s\" before any section: settings go under [" SECTION "]",
			    shown(name, esc, sizeof(esc)));
	if (strcmp(section, SECTION) != 0)
		return fail(p, p->line, "unknown section [%s] (coretop reads [" SECTION "])",
			    shown(section, esc, sizeof(esc)));
	for (int k = 0; k < CONFIG_NKEYS; k++)
		if (strcmp(name, key_names[k]) == 0) {
			if (!take_value(p, (enum config_key)k, value))
				return 0;
			p->c->set |= 1u << k;
			return 1;
		}
	return fail(p, p->line, "unknown key \"%s\" (keys: sort, group_by, interval, window, "
		    "hide_columns, show_idle, theme)", shown(name, esc, sizeof(esc)));
}

int config_parse(struct config *c, const char *buf, size_t len, struct config_error *err)
{
	struct parse p = { c, buf, buf + len, buf, 0, err, false };
	int r;

	config_init(c);
	err->line = 0;
	err->msg[0] = '\0';
	/* a continuation line would be one more value of the key above: say it is wrong */
	ini_allow_multiline = false;
	r = ini_parse_stream(next_line, &p, handler, &p);
	if (r < 0) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	/* inih reports the first line it could not take; a line without "=" or a section
	 * without "]" never reached the handler */
	if (r > 0 && (!p.failed || r < err->line)) {
		err->line = r;
		snprintf(err->msg, sizeof(err->msg), "not a setting: expected key = value or "
			 "[" SECTION "]");
		return -EINVAL;
	}
	return p.failed ? -EINVAL : 0;
}

/* ---- reading and writing files ------------------------------------------------------ */

__attribute__((format(printf, 2, 3))) static void say(struct config_error *err,
						       const char *fmt, ...)
{
	va_list ap;

	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

int config_load(struct config *c, const char *path, struct config_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, r;

	config_init(c);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r != -ENOENT)
			say(err, "cannot read: %s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		r = -EISDIR;
	else
		r = read_all_fd(fd, CONFIG_FILE_MAX, &buf, &len);
	close(fd);
	if (r == -EFBIG)
		say(err, "over %d KiB: not a coretoprc", CONFIG_FILE_MAX / 1024);
	else if (r < 0)
		say(err, "cannot read: %s", strerror(-r));
	if (r < 0)
		return r;
	r = config_parse(c, buf, len, err);
	free(buf);
	return r;
}

size_t config_format(const struct config *c, char *out, size_t cap)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	char cols[512] = "";
	const char *names[64];
	size_t n = 0;
	int nn = config_hideable(names, 64);

	for (int i = 0; i < nn; i++)
		if (config_column_hidden(c->hidden, names[i]) && n < sizeof(cols))
			n += (size_t)snprintf(cols + n, sizeof(cols) - n, "%s%s", n ? "," : "", names[i]);
	return (size_t)snprintf(out, cap,
		"# coretop's settings: the dashboard's setup screen (F2) writes this file.\n"
		"# Every key is optional; coretop(1) and the README's \"Settings\" say what each takes.\n"
		"[" SECTION "]\n"
		"sort = %s %s\n"
		"group_by = %s\n"
		"interval = %g\n"
		"window = %g\n"
		"hide_columns = %s\n"
		"show_idle = %s\n"
		"theme = %s\n",
		v->cols[c->sort].name, c->descending ? "desc" : "asc", group_by_name(c->group_by),
		c->interval, c->window, cols, c->show_idle ? "true" : "false",
		theme_names[c->theme]);
}

/* mkdir -p of PATH's folders, each new one 0700. */
static int make_folders(const char *path)
{
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	for (char *s = dir + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

/* Write LEN bytes of TEXT to a new file beside PATH, then rename it to PATH; with KEEP_MODE
 * the new file gets MODE (the old one's). */
static int replace_file(const char *path, const char *text, size_t len, bool keep_mode,
			mode_t mode)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, r = 0, dfd, n;

	if (!slash)
		n = snprintf(dir, sizeof(dir), ".");
	else
		n = snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (n >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	/* a name of its own; O_EXCL so that nothing else's file is reused. A new file's
	 * mode (0666 less the umask) comes from open() itself */
	fd = -1;
	for (unsigned k = 0; fd < 0 && k < 100; k++) {
		if (snprintf(tmp, sizeof(tmp), "%s/.coretoprc.%ld.%u", dir, (long)getpid(), k) >=
		    (int)sizeof(tmp))
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	for (size_t done = 0; done < len && r == 0;) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (r == 0 && keep_mode && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	/* the rename itself lasts once the folder is on disk */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int config_save(const struct config *c, const char *path, struct config_error *err)
{
	char text[2048], real[PATH_MAX];
	struct config old;
	struct stat st;
	bool keep = false;
	size_t len;
	int r;

	/* through a symbolic link (a dotfiles folder): its target is the file */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real))
		path = real;
	r = config_load(&old, path, err);
	if (r < 0 && r != -ENOENT)
		return -EBADMSG;
	keep = stat(path, &st) == 0;
	len = config_format(c, text, sizeof(text));
	if (len >= sizeof(text)) {
		say(err, "not saved: the settings do not fit in %zu bytes", sizeof(text));
		return -E2BIG;
	}
	r = make_folders(path);
	if (r == 0)
		r = replace_file(path, text, len, keep, st.st_mode & 07777);
	if (r < 0)
		say(err, "cannot write (%s)", strerror(-r));
	return r;
}

int config_default_path(char *out, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	/* the XDG spec: a relative path is to be ignored */
	if (xdg && xdg[0] == '/')
		n = snprintf(out, cap, "%s/coretop/coretoprc", xdg);
	else if (home && home[0])
		n = snprintf(out, cap, "%s/.config/coretop/coretoprc", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

void config_path_pretty(const char *path, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	size_t h = home ? strlen(home) : 0;
	char tilde[PATH_MAX + 2];

	while (h > 1 && home[h - 1] == '/')
		h--;
	if (h > 1 && strncmp(path, home, h) == 0 && path[h] == '/') {
		snprintf(tilde, sizeof(tilde), "~%s", path + h);
		path = tilde;
	}
	report_escape(path, out, cap, 0);
}
