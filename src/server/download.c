/* SPDX-License-Identifier: MIT */
/* Downloads: an answer too large to hold in memory (an export, a report or a list as CSV) is
 * written into a temporary file whose name is removed before it is sent; libmicrohttpd then
 * sends the open file (sendfile) and closes it. The server's memory does not grow with the
 * rows, only the temporary directory's disk, and nothing is left behind if the client goes. */
#include "server_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "csv.h"

enum acsa_rc acsa__server_download_make(struct download *d, struct acsa_error *err)
{
    memset(d, 0, sizeof(*d));
    const char *dir = getenv("TMPDIR");
    snprintf(d->path, sizeof(d->path), "%s/acsa-download-XXXXXX",
             dir != NULL && dir[0] != '\0' && strlen(dir) < 200 ? dir : "/tmp");
    int fd = mkstemp(d->path);
    if (fd < 0) {
        d->path[0] = '\0';
        return acsa_error_set(err, ACSA_ESTORAGE, NULL, "cannot make a temporary file: %s",
                              strerror(errno));
    }
    close(fd);
    return ACSA_OK;
}

enum acsa_rc acsa__server_download_csv(struct download *d, const char *const *headers,
                                       size_t count, struct acsa_error *err)
{
    ACSA_TRY(acsa__server_download_make(d, err));
    d->file = fopen(d->path, "wb");
    if (d->file == NULL) {
        enum acsa_rc rc = acsa_error_set(err, ACSA_ESTORAGE, NULL,
                                         "cannot write a temporary file: %s", strerror(errno));
        acsa__server_download_drop(d);
        return rc;
    }
    acsa_text_init(&d->row, 512);
    return acsa__server_download_row(d, headers, count, err);
}

enum acsa_rc acsa__server_download_row(struct download *d, const char *const *cells,
                                       size_t count, struct acsa_error *err)
{
    d->row.size = 0;
    acsa_csv_row(&d->row, cells, count);
    if (d->row.failed) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    if (fwrite(d->row.text, 1, d->row.size, d->file) != d->row.size) {
        return acsa_error_set(err, ACSA_ESTORAGE, NULL, "cannot write a temporary file: %s",
                              strerror(errno));
    }
    return ACSA_OK;
}

void acsa__server_download_drop(struct download *d)
{
    if (d->file != NULL) {
        fclose(d->file);
        d->file = NULL;
    }
    if (d->path[0] != '\0') {
        unlink(d->path);
        d->path[0] = '\0';
    }
    size_t size = 0;
    acsa_free(acsa_text_take(&d->row, &size));
}

void acsa__server_download_answer(struct request *req, struct download *d,
                                  const char *content_type, const char *filename)
{
    bool written = d->file == NULL || fclose(d->file) == 0;
    d->file = NULL;
    int fd = written ? open(d->path, O_RDONLY | O_CLOEXEC) : -1;
    acsa__server_download_drop(d);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        acsa__server_problem(req, 500, NULL, "cannot read the download back");
        return;
    }
    acsa__server_response_file(req, 200, content_type, fd, (uint64_t)st.st_size);
    acsa__server_response_header(req, "Content-Disposition", "attachment; filename=\"%s\"",
                                 filename);
    acsa__server_response_header(req, "Cache-Control", "no-store");
}
