/* SPDX-License-Identifier: MIT */
/* Files carried inside the binary (the web UI, the OpenAPI document), generated at build
 * time by tools/embed as byte arrays with a table of paths. */
#ifndef ACSA_EMBEDDED_H
#define ACSA_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *path;              /* Below its directory: "index.html", "js/app.js". */
    const unsigned char *data;     /* size bytes, then a NUL. */
    size_t size;
};

extern const struct embedded_file acsa__server_web_files[];
extern const size_t acsa__server_web_file_count;
extern const struct embedded_file acsa__server_openapi_files[];
extern const size_t acsa__server_openapi_file_count;

#endif
