/* SPDX-License-Identifier: MIT */
/* "Did you mean": the known word nearest a mistyped verb or option, by the optimal string
 * alignment distance (insertions, deletions, substitutions and swaps of two neighbours), when
 * it is near enough to be a slip of the fingers and not another word. */
#include "cli.h"

#include <string.h>

#define SUGGEST_LENGTH_MAX 40

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* The distance between a and b (each at most SUGGEST_LENGTH_MAX bytes). */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t d[SUGGEST_LENGTH_MAX + 1][SUGGEST_LENGTH_MAX + 1];
    for (size_t i = 0; i <= n; i++) {
        d[i][0] = i;
    }
    for (size_t j = 0; j <= m; j++) {
        d[0][j] = j;
    }
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < d[i][j]) {
                d[i][j] = d[i - 2][j - 2] + 1;
            }
        }
    }
    return d[n][m];
}

void cli_suggest_begin(struct cli_suggest *s, const char *word)
{
    memset(s, 0, sizeof(*s));
    s->word = word;
    s->best_distance = (size_t)-1;
}

void cli_suggest_offer(struct cli_suggest *s, const char *candidate)
{
    size_t n = strlen(s->word);
    size_t m = strlen(candidate);
    if (n == 0 || n > SUGGEST_LENGTH_MAX || m > SUGGEST_LENGTH_MAX) {
        return;
    }
    size_t d = distance(s->word, n, candidate, m);
    /* One slip in a short word, two in a word of six letters or more; a prefix of three
     * letters or more ("--part" for "--partner") is a slip too. */
    size_t allowed = n >= 6 ? 2 : 1;
    bool prefix = n >= 3 && n < m && strncmp(candidate, s->word, n) == 0;
    if ((d <= allowed || prefix) && (prefix ? 0 : d) < s->best_distance) {
        s->best = candidate;
        s->best_distance = prefix ? 0 : d;
    }
}

const char *cli_suggest_hint(const struct cli_suggest *s, const char *prefix, char *buf,
                             size_t size)
{
    if (s->best == NULL) {
        return "";
    }
    snprintf(buf, size, "; did you mean '%s%s'?", prefix, s->best);
    return buf;
}
