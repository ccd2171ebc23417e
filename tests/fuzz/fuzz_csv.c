/* SPDX-License-Identifier: MIT */
/* The CSV reader of imports (src/format/csv.h). Properties: every row read holds no more bytes
 * than the input; its fields, each written back quoted (quotes doubled) and the rows ended by
 * CRLF, read back as the very same rows; a refusal names a row and a column within the file. */
#include "fuzz.h"

#include "csv.h"

#define FIELDS_MAX 64

/* Each row of data as quoted CSV into out (at most 2 * size + 4 bytes per field, counted by
 * the caller); *out_rows how many rows. ACSA_OK, or the reader's refusal. */
static enum acsa_rc requote(const uint8_t *data, size_t size, char *out, size_t *out_size,
                            uint32_t *out_rows)
{
    struct acsa_csv_reader r;
    struct acsa_error err;
    *out_size = 0;
    *out_rows = 0;
    if (acsa_csv_reader_open(&r, (const char *)data, size, FIELDS_MAX, &err) != ACSA_OK) {
        return ACSA_ENOMEM;
    }
    enum acsa_rc rc = ACSA_OK;
    for (;;) {
        const char *const *fields = NULL;
        uint32_t count = 0;
        uint32_t column = 0;
        bool end = false;
        rc = acsa_csv_next(&r, &fields, &count, &end, &column, &err);
        if (rc != ACSA_OK) {
            FUZZ_CHECK(column >= 1 && column <= FIELDS_MAX + 1 && r.row >= 1,
                       "refused at row %u, column %u", r.row, column);
            break;
        }
        if (end) {
            break;
        }
        FUZZ_CHECK(count >= 1 && count <= FIELDS_MAX, "%u fields", count);
        size_t bytes = 0;
        for (uint32_t i = 0; i < count; i++) {
            size_t n = strlen(fields[i]);
            bytes += n;
            out[(*out_size)++] = i > 0 ? ',' : '"';
            if (i > 0) {
                out[(*out_size)++] = '"';
            }
            for (size_t k = 0; k < n; k++) {
                if (fields[i][k] == '"') {
                    out[(*out_size)++] = '"';
                }
                out[(*out_size)++] = fields[i][k];
            }
            out[(*out_size)++] = '"';
        }
        FUZZ_CHECK(bytes <= size, "a row of %zu bytes from %zu", bytes, size);
        out[(*out_size)++] = '\r';
        out[(*out_size)++] = '\n';
        (*out_rows)++;
    }
    acsa_csv_reader_close(&r);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Each byte at most doubled, plus per field two quotes and a comma, per row CRLF. */
    size_t room = 2 * size + 8 * (size + 1) + 16;
    char *first = malloc(room);
    char *second = malloc(room);
    if (first == NULL || second == NULL) {
        free(first);
        free(second);
        return 0;
    }
    size_t first_size = 0;
    size_t second_size = 0;
    uint32_t first_rows = 0;
    uint32_t second_rows = 0;
    if (requote(data, size, first, &first_size, &first_rows) == ACSA_OK) {
        FUZZ_CHECK(first_size <= room, "overran");
        FUZZ_CHECK(requote((const uint8_t *)first, first_size, second, &second_size,
                           &second_rows) == ACSA_OK, "the rows written back are refused");
        FUZZ_CHECK(second_rows == first_rows, "%u rows, then %u", first_rows, second_rows);
        FUZZ_CHECK(second_size == first_size && memcmp(first, second, first_size) == 0,
                   "the rows written back read otherwise");
    }
    free(first);
    free(second);
    return 0;
}
