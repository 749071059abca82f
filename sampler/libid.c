/*
 * libid.c — which pool library a file a process maps is, told by the file's own ELF
 * (elf.h, pools_identify), for pools_parse_maps(). The file is read through
 * PID/map_files/START-END, which is the mapped file itself even when it was deleted or
 * lives in another mount namespace (it needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE),
 * else through PID/root/PATH when that is still the same inode. Each distinct file,
 * keyed by (device, inode), is read once per sampler: a box runs hundreds of
 * processes over a few dozen libraries.
 */
#include "sampler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sampler/procfs.h"

#define LIBID_SLOTS 4096   /* distinct files remembered; then the memory starts again */

struct libid_entry {
	bool used;
	bool told;                /* a pool library: id is valid */
	unsigned major, minor;
	uint64_t inode;
	struct pool_id id;
};

static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	size_t got = 0;

	if (off > (uint64_t)INT64_MAX - len)
		return 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (int)got;
}

/* The mapped file F of process PID, opened for reading; -errno when it cannot be. */
static int open_mapped(struct sampler *s, pid_t pid, const struct maps_file *f)
{
	char path[4200];
	struct stat st;
	int fd;

	/* a device mapped executable (rare) is never opened: opening one can act */
	if (f->path_len >= 5 && memcmp(f->path, "/dev/", 5) == 0)
		return -EPERM;
	snprintf(path, sizeof(path), "%d/map_files/%.*s", (int)pid, (int)f->range_len, f->range);
	fd = procfs_open(s->rootfd, path);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			return fd;
		close(fd);
		return -EINVAL;
	}
	if (f->deleted || f->path_len + 32 > sizeof(path))
		return fd;
	snprintf(path, sizeof(path), "%d/root%.*s", (int)pid, (int)f->path_len, f->path);
	fd = procfs_open(s->rootfd, path);
	if (fd < 0)
		return fd;
	/* the path may name a newer file than the one mapped (an upgrade) */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_ino == f->inode)
		return fd;
	close(fd);
	return -ESTALE;
}

static struct libid_entry *slot(struct sampler *s, const struct maps_file *f)
{
	uint64_t h = (f->inode * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)f->dev_major << 20 | f->dev_minor);

	if (!s->libid && !(s->libid = calloc(LIBID_SLOTS, sizeof(*s->libid))))
		return NULL;
	if (s->nlibid >= LIBID_SLOTS * 3 / 4) {
		memset(s->libid, 0, LIBID_SLOTS * sizeof(*s->libid));
		s->nlibid = 0;
	}
	for (size_t i = 0; i < LIBID_SLOTS; i++) {
		struct libid_entry *e = &s->libid[(h + i) % LIBID_SLOTS];

		if (!e->used || (e->inode == f->inode && e->major == f->dev_major &&
				 e->minor == f->dev_minor))
			return e;
	}
	return NULL;
}

int libid_ident(void *ctx, const struct maps_file *f, struct pool_id *id)
{
	const struct libid_req *req = ctx;
	struct libid_entry *e = slot(req->s, f);
	struct elf_info info;
	struct elf_src src;
	int fd, r;

	if (!e)
		return -ENOMEM;
	if (!e->used) {
		if ((fd = open_mapped(req->s, req->pid, f)) < 0)
			return fd; /* not remembered: another process may let it be read */
		src.read = fd_read;
		src.ctx = &fd;
		r = elf_inspect(&src, pools_elf_query(), &info);
		close(fd);
		e->used = true;
		e->major = f->dev_major;
		e->minor = f->dev_minor;
		e->inode = f->inode;
		e->told = r == 0 && pools_identify(&info, &e->id) == 1;
		req->s->nlibid++;
	}
	if (!e->told)
		return 0;
	*id = e->id;
	return 1;
}

void libid_release(struct sampler *s)
{
	free(s->libid);
	s->libid = NULL;
	s->nlibid = 0;
}
