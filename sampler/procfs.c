#include "sampler/procfs.h"

#include <errno.h>
#include <fcntl.h>
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

int procfs_open(int dirfd, const char *path)
{
	int fd;

	if (procfs_fault_hook) {
		int r = procfs_fault_hook(path);
		if (r < 0)
			return r;
	}
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
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
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t procfs_pread(int fd, char *buf, size_t cap)
{
	if (procfs_fault_hook) {
		int r = procfs_fault_hook(NULL);
		if (r < 0)
			return r;
	}
	return read_fully(fd, buf, cap, 1);
}

ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = procfs_open(dirfd, path);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read_fully(fd, buf, cap, 0);
	close(fd);
	return n;
}

ssize_t procfs_readlink_at(int dirfd, const char *path, char *buf, size_t cap)
{
	ssize_t n;

	if (cap == 0)
		return -EINVAL;
	if (procfs_fault_hook) {
		int r = procfs_fault_hook(path);
		if (r < 0)
			return r;
	}
	n = readlinkat(dirfd, path, buf, cap - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}
