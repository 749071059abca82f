#include "sampler/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int (*procfs_fault_hook)(const char *path);

int procfs_open_root(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

DIR *procfs_opendir_at(int dirfd, const char *path, int *err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		*err = -ENOMEM;
		close(fd);
	}
	return d;
}

/* The hook's word on the next read: 0 (go on), a negative errno, or a byte limit. */
static int fault(const char *path)
{
	return procfs_fault_hook ? procfs_fault_hook(path) : 0;
}

/*
 * O_NONBLOCK: a FIFO opened for reading waits for a writer, and a fixture tree can hold
 * one where /proc has a file. Every file the kernel makes under /proc and /sys is a
 * regular file; anything else (FIFO, device, socket) is refused, not read.
 */
static int open_regular(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int procfs_open(int dirfd, const char *path)
{
	int r = fault(path);

	return r < 0 ? r : open_regular(dirfd, path);
}

static ssize_t read_fully(int fd, char *buf, size_t cap, int use_pread)
{
	size_t len = 0;

	if (cap == 0)
		return -EINVAL;
	while (len < cap - 1) {
		ssize_t n = use_pread ? pread(fd, buf + len, cap - 1 - len, (off_t)len)
				      : read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		/* /proc's files give all they have in one read: one that gives less is
		 * done, and the read that would return 0 is saved (it was a second pread
		 * for every schedstat) */
		if (use_pread && (size_t)n < cap - 1 - (len - (size_t)n))
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/* A short read the hook asked for: at most LIMIT bytes of CAP. */
static size_t limit_cap(size_t cap, int limit)
{
	return limit > 0 && (size_t)limit + 1 < cap ? (size_t)limit + 1 : cap;
}

ssize_t procfs_pread(int fd, char *buf, size_t cap)
{
	int r = fault(NULL);

	if (r < 0)
		return r;
	return read_fully(fd, buf, limit_cap(cap, r), 1);
}

ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t cap)
{
	int r = fault(path), fd;
	ssize_t n;

	if (r < 0)
		return r;
	fd = open_regular(dirfd, path);
	if (fd < 0)
		return fd;
	n = read_fully(fd, buf, limit_cap(cap, r), 0);
	close(fd);
	return n;
}

ssize_t procfs_readlink_at(int dirfd, const char *path, char *buf, size_t cap)
{
	int r = fault(path);
	ssize_t n;

	if (cap == 0)
		return -EINVAL;
	if (r < 0)
		return r;
	n = readlinkat(dirfd, path, buf, limit_cap(cap, r) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int read_all_fd(int fd, size_t max, char **buf, size_t *len)
{
	size_t cap = 0;
	char *b = NULL;

	*buf = NULL;
	*len = 0;
	for (;;) {
		ssize_t n;

		if (*len + 4096 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (*len > max || !(nb = realloc(b, cap + 1))) {
				free(b);
				return *len > max ? -EFBIG : -ENOMEM;
			}
			b = nb;
		}
		n = read(fd, b + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(b);
			return -errno;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	if (*len > max) {
		free(b);
		return -EFBIG;
	}
	b[*len] = '\0';
	*buf = b;
	return 0;
}
