/* gethostname, O_CLOEXEC (POSIX 2008), with C11 strict: */
#define _DEFAULT_SOURCE
#include "owner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "status.h"

/* "pid 123 on host h, since 2026-12-01T08:00:00Z": what the file says. */
static void read_owner(int fd, char *buf, size_t n)
{
    ssize_t got = pread(fd, buf, n - 1, 0);
    buf[got > 0 ? got : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    if (!buf[0])
        snprintf(buf, n, "a process that has not yet written its pid");
}

static void write_owner(int fd)
{
    char host[256] = "?", when[32], line[400];
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    int n = snprintf(line, sizeof line, "pid %ld on host %s, since %s\n", (long)getpid(), host, when);
    if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) != n)
        return;     /* only a message is lost: the lock is what counts */
}

/* Whether fd is still the file at path: the last owner removes the parts
 * folder (its lock file with it) when it ends, and a process that opened
 * the file just before then would lock a file nobody else sees. */
static bool still_there(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int owner_take(output_owner *o, const char *dir, const char *out, char *err)
{
    o->fd = -1;
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    snprintf(o->path, sizeof o->path, "%s/owner", dir);
    for (int tries = 0; tries < 100; tries++) {
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return rnb_error(err, RNB_EINVAL, "%s: cannot make the folder: %s", dir, strerror(errno));
        int fd = open(o->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == ENOENT)
                continue;   /* the folder went between mkdir and open */
            return rnb_error(err, RNB_EINVAL, "%s: cannot open: %s", o->path, strerror(errno));
        }
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            int e = errno;
            char who[400];
            read_owner(fd, who, sizeof who);
            close(fd);
            if (e == EACCES || e == EAGAIN)
                return rnb_error(err, RNB_EINVAL, "%s: in use by another rnnbench run (%s); "
                                 "one process writes an output at a time", out, who);
            return rnb_error(err, RNB_EIO, "%s: cannot lock: %s", o->path, strerror(e));
        }
        if (still_there(fd, o->path)) {
            write_owner(fd);
            o->fd = fd;
            return RNB_OK;
        }
        close(fd);
    }
    return rnb_error(err, RNB_EIO, "%s: cannot take it: its parts folder keeps changing", out);
}

/* Whether the folder holds any file but the owner file. */
static bool holds_more(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool more = false;
    for (struct dirent *ent; !more && (ent = readdir(d));)
        more = strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..") && strcmp(ent->d_name, "owner");
    closedir(d);
    return more;
}

void owner_release(output_owner *o, bool tidy)
{
    if (o->fd < 0)
        return;
    /* removed while still held, so that no one takes a file about to go */
    if (tidy && still_there(o->fd, o->path) && !holds_more(o->dir)) {
        unlink(o->path);
        rmdir(o->dir);
    }
    close(o->fd);
    o->fd = -1;
}
