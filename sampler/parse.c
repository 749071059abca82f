#include "sampler/parse.h"

#include <errno.h>
#include <string.h>

/*
 * A cursor over a buffer that is not NUL-terminated. Number readers stop at LEN, so
 * a truncated file fails cleanly instead of running into the next allocation.
 */
struct cur {
	const char *p, *end;
};

static void skip_blank(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static void skip_space(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n'))
		c->p++;
}

static int get_u64(struct cur *c, uint64_t *v)
{
	uint64_t x = 0;
	const char *start;

	skip_blank(c);
	start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
		c->p++;
	}
	if (c->p == start)
		return -EINVAL;
	*v = x;
	return 0;
}

static int get_i64(struct cur *c, int64_t *v)
{
	uint64_t u;
	int neg = 0;

	skip_blank(c);
	if (c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	if (get_u64(c, &u) < 0 || u > (uint64_t)INT64_MAX)
		return -EINVAL;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

/* A non-negative decimal such as "0.02" or "12"; enough for loadavg, PSI, uptime. */
static int get_decimal(struct cur *c, double *v)
{
	uint64_t ip, fp = 0;
	double scale = 1.0;

	if (get_u64(c, &ip) < 0)
		return -EINVAL;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (scale < 1e15) {
				fp = fp * 10 + (uint64_t)(*c->p - '0');
				scale *= 10.0;
			}
			c->p++;
		}
	}
	*v = (double)ip + (double)fp / scale;
	return 0;
}

static void skip_field(struct cur *c)
{
	skip_blank(c);
	while (c->p < c->end && *c->p != ' ' && *c->p != '\n')
		c->p++;
}

static int starts(const struct cur *c, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(c->end - c->p) >= n && memcmp(c->p, word, n) == 0;
}

static void next_line(struct cur *c)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	c->p = nl ? nl + 1 : c->end;
}

int parse_stat(const char *buf, size_t len, struct pstat *out)
{
	struct cur c = { buf, buf + len };
	const char *open, *close = NULL;
	uint64_t u[52];
	int64_t pid, v;
	size_t n;
	int i;

	memset(out, 0, sizeof(*out));
	out->processor = -1;
	if (get_i64(&c, &pid) < 0 || pid <= 0)
		return -EINVAL;
	out->pid = (pid_t)pid;
	skip_blank(&c);
	if (c.p >= c.end || *c.p != '(')
		return -EINVAL;
	open = c.p;
	/* comm may itself hold ')' and spaces: the name ends at the last ')'. */
	for (const char *q = c.end; q > open; q--)
		if (q[-1] == ')') {
			close = q - 1;
			break;
		}
	if (!close || close == open)
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(out->comm))
		n = sizeof(out->comm) - 1;
	memcpy(out->comm, open + 1, n);
	out->comm[n] = '\0';
	c.p = close + 1;
	skip_blank(&c);
	if (c.p >= c.end)
		return -EINVAL;
	out->state = *c.p++;
	/* Fields from 4 (ppid) on are integers; u[k] holds field k + 4. Some are
	 * negative (tty, priority), some do not fit a signed 64-bit (rsslim). */
	for (i = 0; i < 36; i++) {
		int r;

		skip_blank(&c);
		if (c.p < c.end && *c.p == '-') {
			r = get_i64(&c, &v);
			u[i] = (uint64_t)v;
		} else {
			r = get_u64(&c, &u[i]);
		}
		if (r < 0) {
			/* Old kernels stop early; the first 19 fields are mandatory. */
			if (i < 19)
				return -EINVAL;
			break;
		}
	}
	out->ppid = (pid_t)u[0];
	out->flags = (unsigned)u[5];
	out->utime = u[10];
	out->stime = u[11];
	out->cutime = u[12];
	out->cstime = u[13];
	/* -1 or ten billion threads is no count: a process has at most PID_MAX_LIMIT */
	out->num_threads = u[16] >= 1 && u[16] <= PSTAT_MAX_THREADS ? (long)u[16] : 0;
	out->starttime = u[18];
	if (i > 35)
		out->processor = (int)u[35];
	return 0;
}

int parse_schedstat(const char *buf, size_t len, struct schedstat *out)
{
	struct cur c = { buf, buf + len };

	memset(out, 0, sizeof(*out));
	if (get_u64(&c, &out->run_ns) < 0 || get_u64(&c, &out->wait_ns) < 0)
		return -EINVAL;
	if (get_u64(&c, &out->slices) < 0)
		out->slices = 0;
	return 0;
}

int parse_status(const char *buf, size_t len, struct pstatus *out)
{
	struct cur c = { buf, buf + len };
	int seen = 0;

	memset(out, 0, sizeof(*out));
	while (c.p < c.end) {
		uint64_t v;

		if (starts(&c, "Uid:")) {
			c.p += 4;
			if (get_u64(&c, &v) == 0) {
				out->uid = (uid_t)v;
				out->have_uid = true;
			}
		} else if (starts(&c, "voluntary_ctxt_switches:")) {
			c.p += 24;
			if (get_u64(&c, &out->vcsw) == 0)
				seen |= 1;
		} else if (starts(&c, "nonvoluntary_ctxt_switches:")) {
			c.p += 27;
			if (get_u64(&c, &out->nvcsw) == 0)
				seen |= 2;
		} else if (starts(&c, "Cpus_allowed_list:")) {
			const char *e;

			c.p += 18;
			skip_blank(&c);
			e = memchr(c.p, '\n', (size_t)(c.end - c.p));
			out->have_cpus = parse_cpulist(c.p, (size_t)((e ? e : c.end) - c.p), out->cpus.w,
						       CPUMASK_MAX) > 0;
		}
		next_line(&c);
	}
	out->have_csw = seen == 3;
	return out->have_uid ? 0 : -EINVAL;
}

int parse_cmdline(char *buf, size_t len, char **argv, int max_args)
{
	int argc = 0;
	size_t i = 0;

	/* Some programs rewrite their argv with spaces and no NULs; that is still one
	 * argument per NUL, as the kernel hands it out. A trailing NUL is optional. */
	while (i < len && argc < max_args) {
		argv[argc++] = buf + i;
		while (i < len && buf[i] != '\0')
			i++;
		i++;
	}
	if (len > 0 && buf[len - 1] != '\0')
		buf[len] = '\0';
	return argc;
}

int parse_procstat(const char *buf, size_t len, struct procstat *out)
{
	struct cur c = { buf, buf + len };
	int found = 0;

	out->ncpus = 0;
	out->max_cpu = -1;
	memset(&out->all, 0, sizeof(out->all));
	while (c.p < c.end && starts(&c, "cpu")) {
		struct cpu_ticks t = { 0, 0, 0, 0, 0 };
		uint64_t f[10] = { 0 };
		uint64_t cpu = 0;
		int is_all, k;

		c.p += 3;
		is_all = c.p < c.end && *c.p == ' ';
		if (!is_all && get_u64(&c, &cpu) < 0)
			return -EINVAL;
		if (!is_all && cpu >= PROCSTAT_MAX_CPUS) {
			next_line(&c); /* no such CPU: Linux numbers them below NR_CPUS */
			continue;
		}
		for (k = 0; k < 10; k++)
			if (get_u64(&c, &f[k]) < 0)
				break;
		if (k < 4)
			return -EINVAL;
		/* user nice system idle iowait irq softirq steal guest guest_nice:
		 * guest time is already counted in user, so the total leaves it out. */
		for (int j = 0; j < 8 && j < k; j++)
			t.total = t.total + f[j] < t.total ? UINT64_MAX : t.total + f[j];
		/* a sum past 2^64 is no count: zero, which the next reading takes as a reset */
		if (t.total == UINT64_MAX || f[4] > t.total || f[3] > t.total - f[4]) {
			t.total = t.busy = 0;
		} else {
			t.busy = t.total - f[3] - f[4];
			/* each part is at most busy, as they are terms of its sum */
			t.user = f[0] + f[1];
			t.system = f[2] + f[5] + f[6];
			t.steal = f[7];
		}
		if (is_all) {
			out->all = t;
			found = 1;
		} else {
			out->ncpus++;
			if ((int)cpu > out->max_cpu)
				out->max_cpu = (int)cpu;
			if (out->cpus && cpu < (uint64_t)out->cap)
				out->cpus[cpu] = t;
		}
		next_line(&c);
	}
	return found ? 0 : -EINVAL;
}

int parse_loadavg(const char *buf, size_t len, struct loadavg *out)
{
	struct cur c = { buf, buf + len };
	uint64_t r, t;

	if (get_decimal(&c, &out->avg1) < 0 || (skip_blank(&c), get_decimal(&c, &out->avg5)) < 0 ||
	    (skip_blank(&c), get_decimal(&c, &out->avg15)) < 0)
		return -EINVAL;
	if (get_u64(&c, &r) < 0 || c.p >= c.end || *c.p != '/')
		return -EINVAL;
	c.p++;
	if (get_u64(&c, &t) < 0)
		return -EINVAL;
	out->runnable = (int)r;
	out->total = (int)t;
	return 0;
}

int parse_psi(const char *buf, size_t len, struct psi *out)
{
	struct cur c = { buf, buf + len };

	memset(out, 0, sizeof(*out));
	while (c.p < c.end) {
		if (starts(&c, "some ")) {
			int have = 0;

			c.p += 5;
			while (c.p < c.end && *c.p != '\n') {
				skip_blank(&c);
				if (starts(&c, "avg10=")) {
					c.p += 6;
					if (get_decimal(&c, &out->some_avg10) == 0)
						have |= 1;
				} else if (starts(&c, "total=")) {
					c.p += 6;
					if (get_u64(&c, &out->some_total_us) == 0)
						have |= 2;
				} else {
					skip_field(&c);
				}
			}
			return have & 1 ? 0 : -EINVAL;
		}
		next_line(&c);
	}
	return -EINVAL;
}

int parse_uptime(const char *buf, size_t len, double *out)
{
	struct cur c = { buf, buf + len };

	return get_decimal(&c, out);
}

int parse_cpulist(const char *buf, size_t len, uint64_t *mask, int nbits)
{
	struct cur c = { buf, buf + len };
	int count = 0;

	skip_space(&c);
	if (c.p >= c.end)
		return 0; /* an empty list is valid: no CPUs */
	for (;;) {
		uint64_t lo, hi;

		if (get_u64(&c, &lo) < 0)
			return -EINVAL;
		hi = lo;
		if (c.p < c.end && *c.p == '-') {
			c.p++;
			if (get_u64(&c, &hi) < 0 || hi < lo)
				return -EINVAL;
		}
		if (hi >= (1u << 20))
			return -EINVAL;
		for (uint64_t b = lo; b <= hi; b++) {
			if (b < (uint64_t)nbits && mask && !(mask[b / 64] & (1ULL << (b % 64))))
				mask[b / 64] |= 1ULL << (b % 64);
			else if (b < (uint64_t)nbits && mask)
				continue; /* listed twice: count once */
			count++;
		}
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			continue;
		}
		skip_space(&c);
		return c.p == c.end ? count : -EINVAL;
	}
}

int parse_cgroup(const char *buf, size_t len, char *out, size_t cap)
{
	struct cur c = { buf, buf + len };
	const char *best = NULL, *best_end = NULL;
	size_t n;

	if (cap == 0)
		return -EINVAL;
	while (c.p < c.end) {
		const char *line = c.p, *eol = memchr(c.p, '\n', (size_t)(c.end - c.p));
		const char *colon1, *colon2;

		if (!eol)
			eol = c.end;
		colon1 = memchr(line, ':', (size_t)(eol - line));
		colon2 = colon1 ? memchr(colon1 + 1, ':', (size_t)(eol - colon1 - 1)) : NULL;
		if (colon2) {
			size_t cl = (size_t)(colon2 - colon1 - 1);
			int v2 = colon1 == line + 1 && line[0] == '0' && cl == 0;
			int v1cpu = 0;

			/* v1 controller lists look like "cpu,cpuacct" */
			for (const char *s = colon1 + 1; s < colon2;) {
				const char *e = memchr(s, ',', (size_t)(colon2 - s));
				if (!e)
					e = colon2;
				if (e - s == 3 && memcmp(s, "cpu", 3) == 0)
					v1cpu = 1;
				s = e + 1;
			}
			if (v2 || (v1cpu && !best)) {
				best = colon2 + 1;
				best_end = eol;
				if (v2)
					break;
			}
		}
		c.p = eol < c.end ? eol + 1 : c.end;
	}
	if (!best)
		return -EINVAL;
	n = (size_t)(best_end - best);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, best, n);
	out[n] = '\0';
	return 0;
}
