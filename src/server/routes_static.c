/* SPDX-License-Identifier: MIT */
/* What the server answers without the database: the OpenAPI document and the web UI's files,
 * all embedded in the binary at build time; and /healthz, the server's liveness. */
#include "server_int.h"

#include <string.h>

#include "embedded.h"

static const struct content_type {
    const char *extension;
    const char *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot != NULL && i < sizeof(content_types) / sizeof(content_types[0]);
         i++) {
        if (strcmp(dot, content_types[i].extension) == 0) {
            return content_types[i].type;
        }
    }
    return "application/octet-stream";
}

static const struct embedded_file *find_file(const struct embedded_file *files, size_t count,
                                             const char *path)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(files[i].path, path) == 0) {
            return &files[i];
        }
    }
    return NULL;
}

/* Liveness: the server answers HTTP. It never asks the database: a database that does not
 * answer is /readyz's to report (503, detail "database: ..."), and restarting the server would
 * not bring it back; its connections are made again once it answers. */
void acsa__server_route_healthz(struct request *req)
{
    acsa__server_response_json(req, 200, json_pack("{s:s}", "status", "ok"));
    acsa__server_response_header(req, "Cache-Control", "no-store");
}

void acsa__server_route_openapi(struct request *req)
{
    const struct embedded_file *file =
        find_file(acsa__server_openapi_files, acsa__server_openapi_file_count, "openapi.json");
    if (file == NULL) {
        acsa__server_problem(req, 404, NULL, "this build carries no OpenAPI document");
        return;
    }
    acsa__server_response_static(req, "application/json", file->data, file->size);
    acsa__server_response_header(req, "Cache-Control", "no-cache");
}

void acsa__server_route_asset(struct request *req)
{
    const char *path = req->route->pattern[1] == '\0' ? "index.html" : req->params[0];
    const struct embedded_file *file =
        find_file(acsa__server_web_files, acsa__server_web_file_count, path);
    if (file == NULL) {
        acsa__server_problem(req, 404, NULL, "no such resource: /%.200s", path);
        return;
    }
    acsa__server_response_static(req, content_type_of(file->path), file->data, file->size);
    acsa__server_response_header(req, "Cache-Control", "no-cache");
}
