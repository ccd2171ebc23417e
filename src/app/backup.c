/* SPDX-License-Identifier: MIT */
/* acsa backup and acsa restore (backup.h). The file (ARCHITECTURE.md "Backup files"):
 *
 *   0  8  magic "ACSABKUP"
 *   8  2  format version (1), big-endian
 *  10  1  key derivation: 1 = Argon2id v1.3 (crypto_pwhash_ALG_ARGON2ID13)
 *  11  1  0
 *  12  8  opslimit, big-endian
 *  20  8  memlimit in bytes, big-endian
 *  28 16  salt
 *  44 24  secretstream header (crypto_secretstream_xchacha20poly1305)
 *  68 ..  sections: a 4-byte big-endian length, then that many bytes sealed by the stream
 *
 * Each section opens to a type byte and its content: 'M' the manifest (first; key=value
 * lines), 'K' the node key (at most one), 'D' database bytes (at most 1 MiB each, in order),
 * 'E' the end (last, tagged final: the database's byte count, 8 bytes big-endian, and its
 * SHA-256). The 68 header bytes are the additional data of the first section, so a wrong
 * passphrase and an altered header both fail there; the stream's tags make a truncated,
 * reordered or altered file fail at the section where it was changed. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_copy.h"
#include "alloc.h"
#include "app_int.h"
#include "app_key.h"
#include "auth.h"
#include "node.h"

#define MAGIC "ACSABKUP"
#define FORMAT_VERSION 1u
#define KDF_ARGON2ID13 1u
#define HEADER_SIZE 68u
#define SALT_AT 28u
#define STREAM_AT 44u
#define PLAIN_MAX (1u + ACSA_BACKUP_CHUNK)
#define SEALED_MAX (PLAIN_MAX + crypto_secretstream_xchacha20poly1305_ABYTES)
#define MANIFEST_MAX 2048u
#define KEY_FILE_MAX 4096u
#define END_SIZE (8u + crypto_hash_sha256_BYTES)
#define PATH_SIZE 4200

/* Key derivation cost: libsodium's "interactive" level (64 MiB, 2 passes). A file may ask for
 * more, up to its "sensitive" level; anything outside that range is refused unread. */
#define OPS_WRITTEN crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM_WRITTEN crypto_pwhash_MEMLIMIT_INTERACTIVE

_Static_assert(STREAM_AT + crypto_secretstream_xchacha20poly1305_HEADERBYTES == HEADER_SIZE,
               "the header layout");
_Static_assert(SALT_AT + crypto_pwhash_SALTBYTES == STREAM_AT, "the salt's place");

static void put_be(uint8_t *p, uint64_t value, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(value >> (8 * (n - 1 - i)));
    }
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t value = 0;
    for (size_t i = 0; i < n; i++) {
        value = value << 8 | p[i];
    }
    return value;
}

/* ---- The passphrase ----------------------------------------------------------------------- */

struct passphrase {
    char text[ACSA_BACKUP_PASSPHRASE_MAX + 3];
    size_t len;
};

static enum acsa_rc passphrase_read(const char *path, struct passphrase *out,
                                    struct acsa_error *err)
{
    out->len = 0;
    if (path == NULL || path[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "passphrase-file", "passphrase-file: required "
                              "(a file holding the passphrase on its first line)");
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "passphrase-file", "passphrase-file: cannot "
                              "read %s: %s", path, strerror(errno));
    }
    ssize_t n = 0;
    size_t size = 0;
    do {
        n = read(fd, out->text + size, sizeof(out->text) - 1 - size);
        size += n > 0 ? (size_t)n : 0;
    } while ((n > 0 || (n < 0 && errno == EINTR)) && size < sizeof(out->text) - 1);
    close(fd);
    if (n < 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "passphrase-file", "passphrase-file: cannot "
                              "read %s", path);
    }
    /* One line: a final newline (or CR LF) is not part of it. */
    if (size > 0 && out->text[size - 1] == '\n') {
        size--;
        size -= size > 0 && out->text[size - 1] == '\r' ? 1 : 0;
    }
    out->len = size;
    if (size > ACSA_BACKUP_PASSPHRASE_MAX) {
        sodium_memzero(out, sizeof(*out));
        return acsa_error_set(err, ACSA_EUSAGE, "passphrase-file", "passphrase-file: %s holds "
                              "more than %d bytes; a passphrase is one line of at most %d",
                              path, ACSA_BACKUP_PASSPHRASE_MAX, ACSA_BACKUP_PASSPHRASE_MAX);
    }
    if (size == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "passphrase-file", "passphrase-file: %s is "
                              "empty", path);
    }
    if (memchr(out->text, '\n', size) != NULL || memchr(out->text, '\0', size) != NULL) {
        sodium_memzero(out, sizeof(*out));
        return acsa_error_set(err, ACSA_EUSAGE, "passphrase-file", "passphrase-file: %s holds "
                              "more than one line", path);
    }
    if (size < ACSA_BACKUP_PASSPHRASE_MIN) {
        sodium_memzero(out, sizeof(*out));
        return acsa_error_set(err, ACSA_EUSAGE, "passphrase-file", "passphrase-file: the "
                              "passphrase in %s is shorter than %d bytes", path,
                              ACSA_BACKUP_PASSPHRASE_MIN);
    }
    return ACSA_OK;
}

#define STREAM_KEY_SIZE crypto_secretstream_xchacha20poly1305_KEYBYTES

static enum acsa_rc derive(const struct passphrase *p, const uint8_t *salt, uint64_t ops,
                           uint64_t mem, uint8_t key[STREAM_KEY_SIZE], struct acsa_error *err)
{
    if (crypto_pwhash(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, p->text, p->len,
                      salt, ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory deriving the key from the "
                              "passphrase (Argon2id asks for %" PRIu64 " MiB)", mem >> 20);
    }
    return ACSA_OK;
}

/* ---- Files -------------------------------------------------------------------------------- */

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The directory of path synced, so that a rename in it lasts. */
static void sync_dir_of(const char *path)
{
    char dir[PATH_SIZE];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof(dir), ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static enum acsa_rc beside(char *out, const char *path, const char *suffix,
                           const char *field, struct acsa_error *err)
{
    int n = snprintf(out, PATH_SIZE, "%s.%ld%s", path, (long)getpid(), suffix);
    if (n < 0 || n >= PATH_SIZE) {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: the path is too long", field);
    }
    return ACSA_OK;
}

/* A SQLite copy and the files SQLite may leave beside it. */
static void remove_db_files(const char *path)
{
    char side[PATH_SIZE + 8];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

/* The node's secret key file, if it has one (*out_len 0 if not). */
static enum acsa_rc key_read(const char *path, uint8_t *out, size_t *out_len,
                             struct acsa_error *err)
{
    *out_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        return ACSA_OK;
    }
    if (fd < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "key", "key: cannot read %s: %s", path,
                              strerror(errno));
    }
    ssize_t n = read(fd, out, KEY_FILE_MAX);
    close(fd);
    if (n <= 0 || (size_t)n >= KEY_FILE_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "key", "key: %s is not a key file", path);
    }
    *out_len = (size_t)n;
    return ACSA_OK;
}

/* ---- Sealing ------------------------------------------------------------------------------ */

struct sealer {
    FILE *file;
    crypto_secretstream_xchacha20poly1305_state state;
    uint8_t header[HEADER_SIZE];
    bool first;
    uint8_t *plain;    /* PLAIN_MAX bytes. */
    uint8_t *sealed;   /* SEALED_MAX bytes. */
    uint64_t written;
};

static enum acsa_rc seal_section(struct sealer *s, uint8_t type, const uint8_t *data,
                                 size_t len, bool final, struct acsa_error *err)
{
    s->plain[0] = type;
    if (len > 0) {
        memcpy(s->plain + 1, data, len);
    }
    unsigned long long sealed_len = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &s->state, s->sealed, &sealed_len, s->plain, len + 1, s->first ? s->header : NULL,
        s->first ? HEADER_SIZE : 0,
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
              : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    s->first = false;
    uint8_t length[4];
    put_be(length, sealed_len, 4);
    if (fwrite(length, 1, 4, s->file) != 4 ||
        fwrite(s->sealed, 1, (size_t)sealed_len, s->file) != sealed_len) {
        return acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot write: %s",
                              strerror(errno));
    }
    s->written += 4 + sealed_len;
    return ACSA_OK;
}

/* What goes into a backup. */
struct contents {
    const char *payload;        /* The database copy (or dump) to seal. */
    const uint8_t *key;         /* The node key file's bytes; NULL if none. */
    size_t key_len;
    char manifest[MANIFEST_MAX];
};

static enum acsa_rc seal_payload(struct sealer *s, const struct contents *c,
                                 struct acsa_backup_report *report, struct acsa_error *err)
{
    ACSA_TRY(seal_section(s, 'M', (const uint8_t *)c->manifest, strlen(c->manifest), false,
                          err));
    if (c->key != NULL) {
        ACSA_TRY(seal_section(s, 'K', c->key, c->key_len, false, err));
    }
    FILE *in = fopen(c->payload, "rb");
    if (in == NULL) {
        return acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot read the copy %s: %s",
                              c->payload, strerror(errno));
    }
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    uint64_t total = 0;
    enum acsa_rc rc = ACSA_OK;
    uint8_t *buffer = acsa_malloc(ACSA_BACKUP_CHUNK);
    if (buffer == NULL) {
        rc = acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    while (rc == ACSA_OK) {
        size_t n = fread(buffer, 1, ACSA_BACKUP_CHUNK, in);
        if (n == 0) {
            break;
        }
        crypto_hash_sha256_update(&hash, buffer, n);
        total += n;
        rc = seal_section(s, 'D', buffer, n, false, err);
    }
    if (rc == ACSA_OK && ferror(in)) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot read the copy %s",
                            c->payload);
    }
    fclose(in);
    acsa_free(buffer);
    ACSA_TRY(rc);
    uint8_t end[END_SIZE];
    put_be(end, total, 8);
    crypto_hash_sha256_final(&hash, end + 8);
    report->db_bytes = total;
    sodium_bin2hex(report->db_sha256, sizeof(report->db_sha256), end + 8,
                   crypto_hash_sha256_BYTES);
    return seal_section(s, 'E', end, sizeof(end), true, err);
}

/* Writes the sealed file at path (new), synced. */
static enum acsa_rc seal_file(const char *path, const struct passphrase *p,
                              const struct contents *c, struct acsa_backup_report *report,
                              struct acsa_error *err)
{
    struct sealer s;
    memset(&s, 0, sizeof(s));
    s.first = true;
    memcpy(s.header, MAGIC, 8);
    put_be(s.header + 8, FORMAT_VERSION, 2);
    s.header[10] = KDF_ARGON2ID13;
    put_be(s.header + 12, OPS_WRITTEN, 8);
    put_be(s.header + 20, MEM_WRITTEN, 8);
    randombytes_buf(s.header + SALT_AT, crypto_pwhash_SALTBYTES);
    uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    ACSA_TRY(derive(p, s.header + SALT_AT, OPS_WRITTEN, MEM_WRITTEN, key, err));
    crypto_secretstream_xchacha20poly1305_init_push(&s.state, s.header + STREAM_AT, key);
    sodium_memzero(key, sizeof(key));
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    s.file = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (s.file == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        return acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot create %s: %s", path,
                              strerror(errno));
    }
    s.plain = acsa_malloc(PLAIN_MAX);
    s.sealed = acsa_malloc(SEALED_MAX);
    enum acsa_rc rc = s.plain != NULL && s.sealed != NULL
                          ? ACSA_OK
                          : acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    if (rc == ACSA_OK && fwrite(s.header, 1, HEADER_SIZE, s.file) != HEADER_SIZE) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot write %s", path);
    }
    s.written = HEADER_SIZE;
    if (rc == ACSA_OK) {
        rc = seal_payload(&s, c, report, err);
    }
    bool synced = fflush(s.file) == 0 && fsync(fileno(s.file)) == 0;
    bool closed = fclose(s.file) == 0;
    if (rc == ACSA_OK && (!synced || !closed)) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot write %s: %s", path,
                            strerror(errno));
    }
    if (s.plain != NULL) {
        sodium_memzero(s.plain, PLAIN_MAX);
    }
    acsa_free(s.plain);
    acsa_free(s.sealed);
    report->file_bytes = s.written;
    return rc;
}

/* ---- Opening ------------------------------------------------------------------------------ */

/* Receives each database chunk of an opened backup (NULL: only hashed). */
typedef enum acsa_rc (*data_fn)(void *ctx, const uint8_t *bytes, size_t len,
                                struct acsa_error *err);

struct opened {
    char manifest[MANIFEST_MAX];
    uint8_t key[KEY_FILE_MAX];
    size_t key_len;
    bool has_key;
    uint64_t db_bytes;
    uint8_t sha256[crypto_hash_sha256_BYTES];
    uint64_t file_bytes;
};

struct opener {
    FILE *file;
    const char *name;
    crypto_secretstream_xchacha20poly1305_state state;
    uint8_t header[HEADER_SIZE];
    uint8_t *plain;
    uint8_t *sealed;
    uint64_t offset;
    unsigned index;
};

static enum acsa_rc damaged(const struct opener *o, struct acsa_error *err, const char *why)
{
    return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s is damaged or altered at byte "
                          "%" PRIu64 " (section %u): %s; nothing was restored", o->name,
                          o->offset, o->index + 1, why);
}

static enum acsa_rc open_header(struct opener *o, const struct passphrase *p,
                                struct acsa_error *err)
{
    size_t n = fread(o->header, 1, HEADER_SIZE, o->file);
    if (n < 8 || memcmp(o->header, MAGIC, 8) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s is not an acsa backup (it "
                              "does not begin with %s)", o->name, MAGIC);
    }
    if (n < HEADER_SIZE) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s is truncated: %zu bytes, "
                              "less than its %u-byte header", o->name, n, HEADER_SIZE);
    }
    uint64_t version = get_be(o->header + 8, 2);
    if (version != FORMAT_VERSION) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s is a backup of format "
                              "version %" PRIu64 "; this acsa reads version %u", o->name,
                              version, FORMAT_VERSION);
    }
    uint64_t ops = get_be(o->header + 12, 8);
    uint64_t mem = get_be(o->header + 20, 8);
    if (o->header[10] != KDF_ARGON2ID13 || o->header[11] != 0 ||
        ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
        mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s asks for a key derivation "
                              "this acsa does not do (algorithm %u, %" PRIu64 " passes, %" PRIu64
                              " bytes); its header is damaged or altered", o->name,
                              o->header[10], ops, mem);
    }
    uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    ACSA_TRY(derive(p, o->header + SALT_AT, ops, mem, key, err));
    int bad = crypto_secretstream_xchacha20poly1305_init_pull(&o->state, o->header + STREAM_AT,
                                                              key);
    sodium_memzero(key, sizeof(key));
    if (bad != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s has a damaged header",
                              o->name);
    }
    o->offset = HEADER_SIZE;
    return ACSA_OK;
}

/* The next section: *out_len bytes at o->plain + 1 of type o->plain[0]. */
static enum acsa_rc next_section(struct opener *o, size_t *out_len, bool *out_final,
                                 struct acsa_error *err)
{
    uint8_t length[4];
    size_t n = fread(length, 1, 4, o->file);
    if (n == 0 && feof(o->file)) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s is truncated at byte "
                              "%" PRIu64 ": its end section is missing; nothing was restored",
                              o->name, o->offset);
    }
    if (n != 4) {
        return damaged(o, err, "a section's length is cut short (truncated)");
    }
    uint64_t sealed_len = get_be(length, 4);
    if (sealed_len > SEALED_MAX ||
        sealed_len < 1 + crypto_secretstream_xchacha20poly1305_ABYTES) {
        char why[128];
        snprintf(why, sizeof(why), "a section of %" PRIu64 " bytes, where at most %u are "
                 "written (too large)", sealed_len, (unsigned)SEALED_MAX);
        return damaged(o, err, why);
    }
    if (fread(o->sealed, 1, (size_t)sealed_len, o->file) != sealed_len) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s is truncated inside "
                              "section %u (byte %" PRIu64 "); nothing was restored", o->name,
                              o->index + 1, o->offset);
    }
    unsigned long long plain_len = 0;
    unsigned char tag = 0;
    bool first = o->index == 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&o->state, o->plain, &plain_len, &tag,
                                                   o->sealed, sealed_len,
                                                   first ? o->header : NULL,
                                                   first ? HEADER_SIZE : 0) != 0) {
        if (first) {
            return acsa_error_set(err, ACSA_EREFUSED, "passphrase-file", "passphrase-file: "
                                  "wrong passphrase for %s (or its header was altered); "
                                  "nothing was restored", o->name);
        }
        return damaged(o, err, "the section does not authenticate");
    }
    o->offset += 4 + sealed_len;
    o->index++;
    *out_len = (size_t)plain_len - 1;
    *out_final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    return ACSA_OK;
}

/* Takes in one opened section. */
static enum acsa_rc take_section(struct opener *o, struct opened *out, size_t len, bool final,
                                 crypto_hash_sha256_state *hash, data_fn sink, void *ctx,
                                 struct acsa_error *err)
{
    uint8_t type = o->plain[0];
    const uint8_t *data = o->plain + 1;
    bool manifest_first = (o->index == 1) == (type == 'M');
    if (!manifest_first || (final != (type == 'E'))) {
        return damaged(o, err, "the sections are out of order");
    }
    if (type == 'M') {
        if (len >= sizeof(out->manifest)) {
            return damaged(o, err, "the manifest is too large");
        }
        memcpy(out->manifest, data, len);
        out->manifest[len] = '\0';
    } else if (type == 'K') {
        if (out->has_key || len == 0 || len >= sizeof(out->key)) {
            return damaged(o, err, "a second or oversized key section");
        }
        memcpy(out->key, data, len);
        out->key_len = len;
        out->has_key = true;
    } else if (type == 'D') {
        crypto_hash_sha256_update(hash, data, len);
        out->db_bytes += len;
        if (sink != NULL) {
            ACSA_TRY(sink(ctx, data, len, err));
        }
    } else if (type == 'E') {
        crypto_hash_sha256_final(hash, out->sha256);
        if (len != END_SIZE || get_be(data, 8) != out->db_bytes ||
            memcmp(data + 8, out->sha256, crypto_hash_sha256_BYTES) != 0) {
            return damaged(o, err, "the database's length or hash differs from the end's");
        }
    } else {
        return damaged(o, err, "a section of an unknown type");
    }
    return ACSA_OK;
}

static enum acsa_rc open_sections(struct opener *o, const struct passphrase *p,
                                  struct opened *out, data_fn sink, void *ctx,
                                  struct acsa_error *err)
{
    ACSA_TRY(open_header(o, p, err));
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    bool final = false;
    while (!final) {
        size_t len = 0;
        ACSA_TRY(next_section(o, &len, &final, err));
        ACSA_TRY(take_section(o, out, len, final, &hash, sink, ctx, err));
    }
    if (fgetc(o->file) != EOF) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s has bytes after its end "
                              "section (at byte %" PRIu64 "); nothing was restored", o->name,
                              o->offset);
    }
    out->file_bytes = o->offset;
    return ACSA_OK;
}

/* Opens the backup at path under the passphrase, every section checked, each database chunk
 * handed to sink. */
static enum acsa_rc open_backup(const char *path, const struct passphrase *p,
                                struct opened *out, data_fn sink, void *ctx,
                                struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct opener o;
    memset(&o, 0, sizeof(o));
    o.name = path;
    o.file = fopen(path, "rb");
    if (o.file == NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "file", "file: cannot read %s: %s", path,
                              strerror(errno));
    }
    o.plain = acsa_malloc(PLAIN_MAX);
    o.sealed = acsa_malloc(SEALED_MAX);
    enum acsa_rc rc = o.plain != NULL && o.sealed != NULL
                          ? open_sections(&o, p, out, sink, ctx, err)
                          : acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    fclose(o.file);
    if (o.plain != NULL) {
        sodium_memzero(o.plain, PLAIN_MAX);
    }
    acsa_free(o.plain);
    acsa_free(o.sealed);
    return rc;
}

/* The value of name in a manifest ("" if absent). */
static void manifest_value(const char *manifest, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    size_t name_len = strlen(name);
    for (const char *line = manifest; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (len > name_len && strncmp(line, name, name_len) == 0 && line[name_len] == '=') {
            size_t value_len = len - name_len - 1;
            snprintf(out, size, "%.*s", (int)(value_len < size ? value_len : size - 1),
                     line + name_len + 1);
            return;
        }
        line = end != NULL ? end + 1 : NULL;
    }
}

/* ---- Checking a copy ---------------------------------------------------------------------- */

static enum acsa_rc count_table(struct acsa_app *app, const char *table, int64_t *out,
                                struct acsa_error *err)
{
    return app->store->vtbl->copy->count(app->store, table, out, err);
}

/* Whether the key file's bytes are the secret key of the node's public key. */
static bool key_of_node(struct acsa_app *app, const uint8_t *key, size_t len)
{
    uint8_t stored[32];
    uint8_t derived[crypto_sign_PUBLICKEYBYTES];
    struct acsa_error ignored;
    acsa_error_clear(&ignored);
    if (len != crypto_sign_SECRETKEYBYTES ||
        acsa_app_node_public_key(app, stored, &ignored) != ACSA_OK) {
        return false;
    }
    crypto_sign_ed25519_sk_to_pk(derived, key);
    return sodium_memcmp(stored, derived, sizeof(stored)) == 0;
}

/* The checks of a node's database: the engine's, the audit chain, counts, and the key. */
static enum acsa_rc check_node(struct acsa_app *app, const uint8_t *key, size_t key_len,
                               bool engine_check, struct acsa_backup_report *r,
                               struct acsa_error *err)
{
    const char *field = "db";
    if (engine_check) {
        ACSA_TRY(app->store->vtbl->copy->check(app->store, r->check, sizeof(r->check), err));
        if (strcmp(r->check, "ok") != 0) {
            return acsa_error_set(err, ACSA_EREFUSED, field, "%s: the copy fails SQLite's "
                                  "integrity check: %s", field, r->check);
        }
    }
    struct acsa_audit_verdict verdict;
    ACSA_TRY(acsa_app_audit_verify(app, &verdict, err));
    if (!verdict.ok) {
        return acsa_error_set(err, ACSA_EREFUSED, field, "%s: the audit chain of the copy "
                              "breaks at record %lld: %s", field,
                              (long long)verdict.first_broken_id, verdict.reason);
    }
    r->audit_ok = true;
    r->audit_records = verdict.records;
    ACSA_TRY(count_table(app, "orders", &r->orders, err));
    ACSA_TRY(count_table(app, "records", &r->records, err));
    snprintf(r->nation, sizeof(r->nation), "%s", acsa_app_nation(app));
    r->schema = acsa_store_schema_version();
    r->key_matches = key != NULL && key_of_node(app, key, key_len);
    if (key != NULL && !r->key_matches) {
        return acsa_error_set(err, ACSA_EREFUSED, "key", "key: the node key is not the secret "
                              "key of the node's public key");
    }
    return ACSA_OK;
}

/* Opens the database at uri and checks it. */
static enum acsa_rc check_db(const char *uri, const uint8_t *key, size_t key_len,
                             bool engine_check, struct acsa_backup_report *r,
                             struct acsa_error *err)
{
    struct acsa_app *app = NULL;
    ACSA_TRY(acsa_app_open(uri, 0, &app, err));
    enum acsa_rc rc = check_node(app, key, key_len, engine_check, r, err);
    acsa_app_close(app);
    return rc;
}

/* ---- acsa backup -------------------------------------------------------------------------- */

struct backup_job {
    const char *db;
    const char *out;
    const struct passphrase *passphrase;
    struct acsa_backup_report *report;
    char copy[PATH_SIZE];    /* The database copy (or dump), then removed. */
    char sealed[PATH_SIZE];  /* The sealed file until it is renamed onto out. */
    uint8_t key[KEY_FILE_MAX];
    size_t key_len;
};

/* Reads the sealed file back and compares it with what was sealed. */
static enum acsa_rc read_back(struct backup_job *j, struct acsa_error *err)
{
    struct opened *o = acsa_malloc(sizeof(*o));
    if (o == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = open_backup(j->sealed, j->passphrase, o, NULL, NULL, err);
    char hex[65];
    if (rc == ACSA_OK) {
        sodium_bin2hex(hex, sizeof(hex), o->sha256, sizeof(o->sha256));
        bool same = strcmp(hex, j->report->db_sha256) == 0 &&
                    o->db_bytes == j->report->db_bytes && o->has_key == (j->key_len > 0) &&
                    (j->key_len == 0 || (o->key_len == j->key_len &&
                                         sodium_memcmp(o->key, j->key, j->key_len) == 0));
        rc = same ? ACSA_OK
                  : acsa_error_set(err, ACSA_ESTORAGE, "out", "out: the file read back "
                                   "differs from what was written");
    }
    sodium_memzero(o, sizeof(*o));
    acsa_free(o);
    j->report->read_back = rc == ACSA_OK;
    return rc;
}

static enum acsa_rc backup_body(struct backup_job *j, struct acsa_error *err)
{
    struct acsa_backup_report *r = j->report;
    struct acsa_app *app = NULL;
    ACSA_TRY(acsa_app_open(j->db, 0, &app, err));
    snprintf(r->kind, sizeof(r->kind), "%s", acsa_store_kind(j->db));
    snprintf(r->key_path, sizeof(r->key_path), "%s", acsa_app_node_key_path(app));
    enum acsa_rc rc = key_read(r->key_path, j->key, &j->key_len, err);
    if (rc == ACSA_OK) {
        rc = app->store->vtbl->copy->backup(app->store, j->copy, err);
    }
    bool sqlite = strcmp(r->kind, "sqlite") == 0;
    if (rc == ACSA_OK && !sqlite) {
        /* A dump cannot be opened as a store: the database is checked in the snapshot the
         * dump was taken from, which the store's connection stays in until it is closed. */
        rc = check_node(app, j->key_len > 0 ? j->key : NULL, j->key_len, false, r, err);
        r->checked_live = true;
    }
    acsa_app_close(app);
    ACSA_TRY(rc);
    if (sqlite) {
        ACSA_TRY(check_db(j->copy, j->key_len > 0 ? j->key : NULL, j->key_len, true, r, err));
    }
    r->key_sealed = j->key_len > 0;
    struct contents *c = acsa_calloc(1, sizeof(*c));
    if (c == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    c->payload = j->copy;
    c->key = j->key_len > 0 ? j->key : NULL;
    c->key_len = j->key_len;
    snprintf(c->manifest, sizeof(c->manifest),
             "format=acsa-backup\nkind=%s\nnation=%s\nschema=%lld\nkey=%s\norders=%lld\n"
             "records=%lld\naudit=%lld\n",
             r->kind, r->nation, (long long)r->schema, r->key_sealed ? "yes" : "no",
             (long long)r->orders, (long long)r->records, (long long)r->audit_records);
    rc = seal_file(j->sealed, j->passphrase, c, r, err);
    acsa_free(c);
    ACSA_TRY(rc);
    ACSA_TRY(read_back(j, err));
    if (rename(j->sealed, j->out) != 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot rename %s to %s: %s",
                              j->sealed, j->out, strerror(errno));
    }
    sync_dir_of(j->out);
    return ACSA_OK;
}

enum acsa_rc acsa_app_backup(const char *db, const char *out, const char *passphrase_file,
                             bool force, struct acsa_backup_report *report,
                             struct acsa_error *err)
{
    memset(report, 0, sizeof(*report));
    if (out == NULL || out[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "out", "out: required (the backup file)");
    }
    if (!force && exists(out)) {
        return acsa_error_set(err, ACSA_EEXISTS, "out", "out: %s exists (--force replaces it)",
                              out);
    }
    ACSA_TRY(acsa__app_crypto_init(err));
    struct backup_job *j = acsa_calloc(1, sizeof(*j));
    struct passphrase *p = acsa_calloc(1, sizeof(*p));
    enum acsa_rc rc = j != NULL && p != NULL
                          ? passphrase_read(passphrase_file, p, err)
                          : acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    if (rc == ACSA_OK) {
        j->db = db;
        j->out = out;
        j->passphrase = p;
        j->report = report;
        rc = beside(j->copy, out, ".copy.tmp", "out", err);
    }
    if (rc == ACSA_OK) {
        rc = beside(j->sealed, out, ".tmp", "out", err);
    }
    if (rc == ACSA_OK) {
        rc = backup_body(j, err);
        remove_db_files(j->copy);
        unlink(j->sealed); /* Gone already after the rename. */
    }
    if (j != NULL) {
        sodium_memzero(j->key, sizeof(j->key));
    }
    if (p != NULL) {
        sodium_memzero(p, sizeof(*p));
    }
    acsa_free(j);
    acsa_free(p);
    return rc;
}

/* ---- acsa restore ------------------------------------------------------------------------- */

struct restore_job {
    const char *file;
    const char *db;
    const struct passphrase *passphrase;
    struct acsa_backup_report *report;
    bool force;
    char payload[PATH_SIZE];   /* The database (or dump) taken out of the backup. */
    char key_tmp[PATH_SIZE];
    FILE *out;
    struct opened opened;
};

static enum acsa_rc payload_write(void *ctx, const uint8_t *bytes, size_t len,
                                  struct acsa_error *err)
{
    struct restore_job *j = ctx;
    if (fwrite(bytes, 1, len, j->out) != len) {
        return acsa_error_set(err, ACSA_ESTORAGE, "db", "db: cannot write %s: %s", j->payload,
                              strerror(errno));
    }
    return ACSA_OK;
}

/* Writes the file new at path, synced, private. */
static enum acsa_rc write_private(const char *path, const uint8_t *bytes, size_t len,
                                  struct acsa_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "key", "key: cannot create %s: %s", path,
                              strerror(errno));
    }
    bool ok = write(fd, bytes, len) == (ssize_t)len && fsync(fd) == 0;
    if (close(fd) != 0 || !ok) {
        unlink(path);
        return acsa_error_set(err, ACSA_ESTORAGE, "key", "key: cannot write %s", path);
    }
    return ACSA_OK;
}

/* Takes the payload out of the backup into j->payload, synced. */
static enum acsa_rc unseal(struct restore_job *j, struct acsa_error *err)
{
    int fd = open(j->payload, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    j->out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (j->out == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        return acsa_error_set(err, ACSA_ESTORAGE, "db", "db: cannot create %s: %s", j->payload,
                              strerror(errno));
    }
    enum acsa_rc rc = open_backup(j->file, j->passphrase, &j->opened, payload_write, j, err);
    bool synced = fflush(j->out) == 0 && fsync(fileno(j->out)) == 0;
    bool closed = fclose(j->out) == 0;
    if (rc == ACSA_OK && (!synced || !closed)) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "db", "db: cannot write %s", j->payload);
    }
    j->out = NULL;
    return rc;
}

static enum acsa_rc restore_body(struct restore_job *j, struct acsa_error *err)
{
    struct acsa_backup_report *r = j->report;
    ACSA_TRY(unseal(j, err));
    char kind[16];
    manifest_value(j->opened.manifest, "kind", kind, sizeof(kind));
    if (strcmp(kind, "sqlite") != 0 && strcmp(kind, "postgresql") != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "file", "file: %s holds a database of an "
                              "unknown kind \"%s\"", j->file, kind);
    }
    snprintf(r->kind, sizeof(r->kind), "%s", kind);
    if (strcmp(kind, acsa_store_kind(j->db)) != 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "db", "db: the backup is of a %s database; "
                              "restore it to one of that kind", kind);
    }
    r->file_bytes = j->opened.file_bytes;
    r->db_bytes = j->opened.db_bytes;
    r->key_sealed = j->opened.has_key;
    sodium_bin2hex(r->db_sha256, sizeof(r->db_sha256), j->opened.sha256,
                   sizeof(j->opened.sha256));
    r->read_back = true;
    const uint8_t *key = j->opened.has_key ? j->opened.key : NULL;
    bool sqlite = strcmp(kind, "sqlite") == 0;
    if (sqlite) {
        /* Checked where it lies, before it takes the database's place. */
        ACSA_TRY(check_db(j->payload, key, j->opened.key_len, true, r, err));
    }
    if (key != NULL) {
        ACSA_TRY(write_private(j->key_tmp, key, j->opened.key_len, err));
    }
    /* The key takes its place only once the database has: a restore the database refuses (a
     * PostgreSQL database that holds a node) leaves the key file there as it was. */
    ACSA_TRY(acsa_store_restore(kind, j->payload, j->db, err));
    if (key != NULL && rename(j->key_tmp, r->key_path) != 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "key", "key: cannot rename %s to %s: %s",
                              j->key_tmp, r->key_path, strerror(errno));
    }
    sync_dir_of(sqlite ? acsa_store_uri_file(j->db) : r->key_path);
    if (!sqlite) {
        ACSA_TRY(check_db(j->db, key, j->opened.key_len, false, r, err));
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_restore(const char *file, const char *db, const char *passphrase_file,
                              bool force, struct acsa_backup_report *report,
                              struct acsa_error *err)
{
    memset(report, 0, sizeof(*report));
    if (file == NULL || file[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "file", "file: required (the backup file)");
    }
    if (db == NULL || db[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "db", "db: required (where to restore)");
    }
    ACSA_TRY(acsa__app_key_path(db, report->key_path, sizeof(report->key_path), err));
    const char *db_file = acsa_store_uri_file(db);
    if (!force && db_file != NULL && exists(db_file)) {
        return acsa_error_set(err, ACSA_EEXISTS, "db", "db: %s exists (--force replaces it; "
                              "stop any acsa serve on it first)", db_file);
    }
    if (!force && exists(report->key_path)) {
        return acsa_error_set(err, ACSA_EEXISTS, "db", "db: the key file %s exists (--force "
                              "replaces it)", report->key_path);
    }
    ACSA_TRY(acsa__app_crypto_init(err));
    struct restore_job *j = acsa_calloc(1, sizeof(*j));
    struct passphrase *p = acsa_calloc(1, sizeof(*p));
    enum acsa_rc rc = j != NULL && p != NULL
                          ? passphrase_read(passphrase_file, p, err)
                          : acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    if (rc == ACSA_OK) {
        j->file = file;
        j->db = db;
        j->passphrase = p;
        j->report = report;
        j->force = force;
        rc = beside(j->payload, db_file != NULL ? db_file : report->key_path, ".restore.tmp",
                    "db", err);
    }
    if (rc == ACSA_OK) {
        rc = beside(j->key_tmp, report->key_path, ".tmp", "key", err);
    }
    if (rc == ACSA_OK) {
        rc = restore_body(j, err);
        remove_db_files(j->payload);
        unlink(j->key_tmp);
        /* A backup of an older schema is migrated as it is checked: the copy the store saved
         * first is the backup itself again. */
        for (int v = 1; v < acsa_store_schema_version(); v++) {
            char saved[PATH_SIZE + 40];
            snprintf(saved, sizeof(saved), "%s.pre-migration-%d.bak", j->payload, v);
            unlink(saved);
        }
    }
    if (j != NULL) {
        sodium_memzero(&j->opened, sizeof(j->opened));
    }
    if (p != NULL) {
        sodium_memzero(p, sizeof(*p));
    }
    acsa_free(j);
    acsa_free(p);
    return rc;
}
