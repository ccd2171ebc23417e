/* SPDX-License-Identifier: MIT */
/* A SQLite VFS over the default "unix" one, registered as the default, so that acsa's store
 * uses it unchanged. It counts reads, writes (and truncations) and syncs, and can
 * - fail the Nth operation of a kind with an I/O error or a full disk, once or from then on;
 * - lose power at the Nth operation: that operation and every later one fail, and
 *   fault_vfs_reboot() then discards every write made to a file since its last successful
 *   sync, as a disk cache would on a power cut. */
#ifndef FAULT_VFS_H
#define FAULT_VFS_H

#include <stdbool.h>

enum fault_op { FAULT_READ, FAULT_WRITE, FAULT_SYNC, FAULT_ANY };

/** Registers the shim as SQLite's default VFS. Call once, before any database is opened. */
void fault_vfs_install(void);

/** Counts operations of kind op from zero; the nth (1: the next one) fails with code (an
 * SQLITE_IOERR is made the extended code of the operation: SQLITE_IOERR_WRITE ...), and with
 * persistent every later one of that kind too. */
void fault_vfs_arm(enum fault_op op, unsigned long n, int code, bool persistent);
/** Counts operations of kind op from zero and records, for every file, what it held at its last
 * sync; at the nth operation the power fails. */
void fault_vfs_arm_power_loss(enum fault_op op, unsigned long n);
/** Stops failing and counting faults (tracking of unsynced writes ends too). */
void fault_vfs_disarm(void);
/** Operations of the armed kind counted since the last arm. */
unsigned long fault_vfs_count(void);
/** Whether the armed fault (or the power loss) has happened. */
bool fault_vfs_fired(void);
/** After a power loss, with every connection closed: puts every file back as it was at its
 * last sync (writes after it lost, files grown since cut back), then disarms. Returns the
 * number of writes discarded. */
unsigned long fault_vfs_reboot(void);

#endif
