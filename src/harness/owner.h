/* owner.h - one process owns an output at a time.
 *
 * Ownership is an fcntl write lock on OUT.parts/owner, taken before
 * anything of OUT or its parts is looked at and held until the sweep ends.
 * The kernel drops it with the process, so a kill -9 leaves nothing that
 * blocks the next --resume (a pid file would). The file also holds the
 * owner's pid, host and start time, which a refused process names.
 * fcntl locks are the kind NFS carries to its server (docs/results.md). */
#ifndef RNB_OWNER_H
#define RNB_OWNER_H

#include <stdbool.h>

typedef struct {
    int fd;                 /* the locked file; -1: not owned */
    char dir[1100];         /* OUT.parts */
    char path[1200];        /* OUT.parts/owner */
} output_owner;

/* Takes out (OUT, for messages) through its parts folder dir, made if
 * missing. RNB_EINVAL naming OUT and its owner when another process holds
 * it; RNB_EIO when the file system gives no locks. */
int owner_take(output_owner *o, const char *dir, const char *out, char *err);

/* Gives it up. With tidy, a parts folder that holds nothing but the owner
 * file is removed: a sweep that never wrote a part leaves nothing. */
void owner_release(output_owner *o, bool tidy);

#endif
