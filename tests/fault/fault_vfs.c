/* SPDX-License-Identifier: MIT */
/* The fault VFS (fault_vfs.h). Each file wraps the "unix" VFS's file, which follows it in the
 * same block. For power loss, every write to a named file first saves the bytes it overwrites
 * (an undo log per file, emptied by each successful sync), so that a reboot can write them
 * back in reverse order and cut the file to its synced size: what a disk holds after losing its
 * unsynced writes. Temporary files (no name) are not tracked: they do not outlive a crash. */
#include "fault_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_SIZE 512

enum mode { MODE_OFF, MODE_FAULT, MODE_POWER };

/* Bytes a write or truncation overwrote, to be put back on a power loss. */
struct undo {
    struct undo *next;                 /* The previous change (newest first). */
    sqlite3_int64 offset;
    size_t size;
    unsigned char bytes[];
};

/* What a named file held at its last sync. */
struct tracked {
    struct tracked *next;
    char path[PATH_SIZE];
    sqlite3_int64 synced_size;
    struct undo *undo;
    unsigned long unsynced;            /* Writes and truncations since the last sync. */
};

struct fault_file {
    sqlite3_file base;
    sqlite3_file *real;                /* The unix VFS's file, right after this struct. */
    char path[PATH_SIZE];              /* "" for temporary files. */
};

static struct {
    sqlite3_vfs vfs;
    sqlite3_vfs *real;
    enum mode mode;
    enum fault_op op;
    unsigned long target;
    int code;
    bool persistent;
    unsigned long counted;
    bool fired;
    bool powered_off;
    struct tracked *files;
} g;

/* ---- Fault points --------------------------------------------------------------------- */

static int extended(enum fault_op op, int code)
{
    if (code != SQLITE_IOERR) {
        return code;
    }
    return op == FAULT_READ ? SQLITE_IOERR_READ
           : op == FAULT_SYNC ? SQLITE_IOERR_FSYNC : SQLITE_IOERR_WRITE;
}

/* An operation of kind op is about to run: SQLITE_OK, or the error it must return instead. */
static int fault_point(enum fault_op op)
{
    if (g.powered_off) {
        return extended(op, SQLITE_IOERR);
    }
    if (g.mode == MODE_OFF || (g.op != FAULT_ANY && g.op != op)) {
        return SQLITE_OK;
    }
    g.counted++;
    bool hit = g.counted == g.target || (g.persistent && g.counted > g.target);
    if (!hit) {
        return SQLITE_OK;
    }
    g.fired = true;
    if (g.mode == MODE_POWER) {
        g.powered_off = true;
        return extended(op, SQLITE_IOERR);
    }
    return extended(op, g.code);
}

/* ---- Power-loss tracking -------------------------------------------------------------- */

static struct tracked *tracked_of(struct fault_file *f)
{
    if (g.mode != MODE_POWER || f->path[0] == '\0') {
        return NULL;
    }
    for (struct tracked *t = g.files; t != NULL; t = t->next) {
        if (strcmp(t->path, f->path) == 0) {
            return t;
        }
    }
    /* First seen since arming: what it holds now is on disk (the arm follows a clean close). */
    struct tracked *t = calloc(1, sizeof(*t));
    sqlite3_int64 size = 0;
    if (t == NULL || f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK) {
        fprintf(stderr, "fault_vfs: cannot track %s\n", f->path);
        abort();
    }
    snprintf(t->path, sizeof(t->path), "%s", f->path);
    t->synced_size = size;
    t->next = g.files;
    g.files = t;
    return t;
}

/* Saves the bytes of [offset, offset + size) the file holds now, before they change. */
static void save_undo(struct fault_file *f, sqlite3_int64 offset, sqlite3_int64 size)
{
    struct tracked *t = tracked_of(f);
    sqlite3_int64 file_size = 0;
    if (t != NULL) {
        t->unsynced++;
    }
    if (t == NULL || f->real->pMethods->xFileSize(f->real, &file_size) != SQLITE_OK ||
        offset >= file_size) {
        return; /* Bytes past the end are cut back by the reboot. */
    }
    size_t n = (size_t)(offset + size > file_size ? file_size - offset : size);
    struct undo *u = malloc(sizeof(*u) + n);
    if (u == NULL || f->real->pMethods->xRead(f->real, u->bytes, (int)n, offset) != SQLITE_OK) {
        fprintf(stderr, "fault_vfs: cannot save bytes of %s\n", f->path);
        abort();
    }
    u->offset = offset;
    u->size = n;
    u->next = t->undo;
    t->undo = u;
}

static void free_undo(struct tracked *t)
{
    while (t->undo != NULL) {
        struct undo *next = t->undo->next;
        free(t->undo);
        t->undo = next;
    }
}

static void synced(struct fault_file *f)
{
    struct tracked *t = tracked_of(f);
    if (t != NULL) {
        free_undo(t);
        t->unsynced = 0;
        (void)f->real->pMethods->xFileSize(f->real, &t->synced_size);
    }
}

static void forget_files(void)
{
    while (g.files != NULL) {
        struct tracked *next = g.files->next;
        free_undo(g.files);
        free(g.files);
        g.files = next;
    }
}

/* ---- The file methods ----------------------------------------------------------------- */

#define REAL(file) (((struct fault_file *)(file))->real)

static int f_close(sqlite3_file *file)
{
    return REAL(file)->pMethods->xClose(REAL(file));
}

static int f_read(sqlite3_file *file, void *buf, int amount, sqlite3_int64 offset)
{
    int rc = fault_point(FAULT_READ);
    return rc != SQLITE_OK ? rc : REAL(file)->pMethods->xRead(REAL(file), buf, amount, offset);
}

static int f_write(sqlite3_file *file, const void *buf, int amount, sqlite3_int64 offset)
{
    int rc = fault_point(FAULT_WRITE);
    if (rc != SQLITE_OK) {
        return rc;
    }
    save_undo((struct fault_file *)file, offset, amount);
    return REAL(file)->pMethods->xWrite(REAL(file), buf, amount, offset);
}

static int f_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    int rc = fault_point(FAULT_WRITE);
    if (rc != SQLITE_OK) {
        return rc;
    }
    sqlite3_int64 old = 0;
    if (REAL(file)->pMethods->xFileSize(REAL(file), &old) == SQLITE_OK && old > size) {
        save_undo((struct fault_file *)file, size, old - size);
    }
    return REAL(file)->pMethods->xTruncate(REAL(file), size);
}

static int f_sync(sqlite3_file *file, int flags)
{
    int rc = fault_point(FAULT_SYNC);
    rc = rc != SQLITE_OK ? rc : REAL(file)->pMethods->xSync(REAL(file), flags);
    if (rc == SQLITE_OK) {
        synced((struct fault_file *)file);
    }
    return rc;
}

static int f_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int f_lock(sqlite3_file *file, int level)
{
    return REAL(file)->pMethods->xLock(REAL(file), level);
}

static int f_unlock(sqlite3_file *file, int level)
{
    return REAL(file)->pMethods->xUnlock(REAL(file), level);
}

static int f_check_reserved(sqlite3_file *file, int *out)
{
    return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}

static int f_file_control(sqlite3_file *file, int op, void *arg)
{
    return REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
}

static int f_sector_size(sqlite3_file *file)
{
    return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int f_device(sqlite3_file *file)
{
    return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

static int f_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
    return REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend, out);
}

static int f_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
    return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *file)
{
    REAL(file)->pMethods->xShmBarrier(REAL(file));
}

static int f_shm_unmap(sqlite3_file *file, int delete_flag)
{
    return REAL(file)->pMethods->xShmUnmap(REAL(file), delete_flag);
}

static int f_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
    /* No memory-mapped reads: every read must pass a fault point. */
    (void)file;
    (void)offset;
    (void)amount;
    *out = NULL;
    return SQLITE_OK;
}

static int f_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *pointer)
{
    (void)file;
    (void)offset;
    (void)pointer;
    return SQLITE_OK;
}

static const sqlite3_io_methods fault_methods = {
    3,           f_close,         f_read,          f_write,        f_truncate,
    f_sync,      f_file_size,     f_lock,          f_unlock,       f_check_reserved,
    f_file_control, f_sector_size, f_device,       f_shm_map,      f_shm_lock,
    f_shm_barrier, f_shm_unmap,   f_fetch,         f_unfetch,
};

/* ---- The VFS -------------------------------------------------------------------------- */

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                  int *out_flags)
{
    (void)vfs;
    struct fault_file *f = (struct fault_file *)file;
    memset(f, 0, sizeof(*f));
    f->real = (sqlite3_file *)(f + 1);
    bool temporary = name == NULL || (flags & SQLITE_OPEN_DELETEONCLOSE) != 0;
    snprintf(f->path, sizeof(f->path), "%s", temporary ? "" : name);
    int rc = g.real->xOpen(g.real, name, f->real, flags, out_flags);
    f->base.pMethods = f->real->pMethods != NULL ? &fault_methods : NULL;
    return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    if (g.powered_off) {
        return SQLITE_IOERR_DELETE;
    }
    /* A deletion is taken as durable (the unix VFS syncs the directory): the file's history
     * goes with it. */
    for (struct tracked **t = &g.files; *t != NULL; t = &(*t)->next) {
        if (strcmp((*t)->path, name) == 0) {
            struct tracked *gone = *t;
            *t = gone->next;
            free_undo(gone);
            free(gone);
            break;
        }
    }
    return g.real->xDelete(g.real, name, sync_dir);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return g.real->xAccess(g.real, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out)
{
    (void)vfs;
    return g.real->xFullPathname(g.real, name, size, out);
}

static int v_randomness(sqlite3_vfs *vfs, int size, char *out)
{
    (void)vfs;
    return g.real->xRandomness(g.real, size, out);
}

static int v_sleep(sqlite3_vfs *vfs, int microseconds)
{
    (void)vfs;
    return g.real->xSleep(g.real, microseconds);
}

static int v_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return g.real->xCurrentTime(g.real, out);
}

static int v_last_error(sqlite3_vfs *vfs, int size, char *out)
{
    (void)vfs;
    return g.real->xGetLastError(g.real, size, out);
}

static int v_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return g.real->xCurrentTimeInt64(g.real, out);
}

void fault_vfs_install(void)
{
    g.real = sqlite3_vfs_find("unix");
    if (g.real == NULL || g.real->iVersion < 2) {
        fprintf(stderr, "fault_vfs: no unix VFS\n");
        abort();
    }
    g.vfs.iVersion = 2;
    g.vfs.szOsFile = (int)sizeof(struct fault_file) + g.real->szOsFile;
    g.vfs.mxPathname = g.real->mxPathname < PATH_SIZE - 1 ? g.real->mxPathname : PATH_SIZE - 1;
    g.vfs.zName = "fault";
    g.vfs.xOpen = v_open;
    g.vfs.xDelete = v_delete;
    g.vfs.xAccess = v_access;
    g.vfs.xFullPathname = v_full_pathname;
    g.vfs.xRandomness = v_randomness;
    g.vfs.xSleep = v_sleep;
    g.vfs.xCurrentTime = v_current_time;
    g.vfs.xGetLastError = v_last_error;
    g.vfs.xCurrentTimeInt64 = v_current_time_int64;
    if (sqlite3_vfs_register(&g.vfs, 1) != SQLITE_OK) {
        fprintf(stderr, "fault_vfs: cannot register\n");
        abort();
    }
}

static void arm(enum mode mode, enum fault_op op, unsigned long n, int code, bool persistent)
{
    forget_files();
    g.mode = mode;
    g.op = op;
    g.target = n;
    g.code = code;
    g.persistent = persistent;
    g.counted = 0;
    g.fired = false;
    g.powered_off = false;
}

void fault_vfs_arm(enum fault_op op, unsigned long n, int code, bool persistent)
{
    arm(MODE_FAULT, op, n, code, persistent);
}

void fault_vfs_arm_power_loss(enum fault_op op, unsigned long n)
{
    arm(MODE_POWER, op, n, SQLITE_IOERR, false);
}

void fault_vfs_disarm(void)
{
    forget_files();
    g.mode = MODE_OFF;
    g.powered_off = false;
}

unsigned long fault_vfs_count(void)
{
    return g.counted;
}

bool fault_vfs_fired(void)
{
    return g.fired;
}

/* Puts one file back as its last sync left it. */
static unsigned long restore(const struct tracked *t)
{
    int fd = open(t->path, O_RDWR);
    if (fd < 0) {
        return 0; /* Deleted since: nothing of it survives either way. */
    }
    for (const struct undo *u = t->undo; u != NULL; u = u->next) {
        if (pwrite(fd, u->bytes, u->size, (off_t)u->offset) != (ssize_t)u->size) {
            fprintf(stderr, "fault_vfs: cannot restore %s\n", t->path);
            abort();
        }
    }
    if (ftruncate(fd, (off_t)t->synced_size) != 0) {
        fprintf(stderr, "fault_vfs: cannot cut %s back\n", t->path);
        abort();
    }
    close(fd);
    return t->unsynced;
}

unsigned long fault_vfs_reboot(void)
{
    unsigned long lost = 0;
    for (const struct tracked *t = g.files; t != NULL; t = t->next) {
        lost += restore(t);
    }
    fault_vfs_disarm();
    return lost;
}
