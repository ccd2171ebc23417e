/* SPDX-License-Identifier: MIT */
/* Unit tests of the printed forms: the form names and the hash check of core/form.h; the HTML
 * rendering escapes every stored text (markup, quotes, control bytes, malformed UTF-8) and
 * keeps Japanese and Devanagari as written; the PDF rendering is a whole PDF, one page for a
 * short form and more for 64 long lines; a failed allocation at any point ends in a clean
 * ACSA_ENOMEM with nothing held (the fault allocator below counts what is held). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "alloc.h"
#include "date.h"
#include "form.h"
#include "print.h"

static void test_kinds_and_hashes(void **state)
{
    (void)state;
    enum acsa_form_kind kind = ACSA_FORM_ORDER;
    assert_true(acsa_form_kind_parse("receipt", &kind));
    assert_int_equal(kind, ACSA_FORM_RECEIPT);
    assert_true(acsa_form_kind_parse("invoice", &kind));
    assert_string_equal(acsa_form_kind_name(kind), "invoice");
    assert_false(acsa_form_kind_parse("Order", &kind));
    assert_false(acsa_form_kind_parse("", &kind));
    char hex[65];
    memset(hex, 'a', 64);
    hex[64] = '\0';
    assert_true(acsa_form_hash_valid(hex));
    hex[3] = 'F';
    assert_true(acsa_form_hash_valid(hex));
    hex[3] = 'g';
    assert_false(acsa_form_hash_valid(hex));
    hex[3] = 'a';
    hex[63] = '\0';
    assert_false(acsa_form_hash_valid(hex));
}

/* A form of count lines with hostile and non-Latin text. */
static struct acsa_form *sample(uint32_t count)
{
    struct acsa_form *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->kind = ACSA_FORM_INVOICE;
    snprintf(f->number, sizeof(f->number), "IN-JP-2024-000042");
    snprintf(f->node, sizeof(f->node), "IN");
    snprintf(f->agreement_id, sizeof(f->agreement_id), "IN-JP-2020");
    snprintf(f->agreement_title, sizeof(f->agreement_title), "Title \"quoted\" & <b>bold</b>");
    snprintf(f->parties[0], 3, "IN");
    snprintf(f->parties[1], 3, "JP");
    snprintf(f->requester, 3, "IN");
    snprintf(f->supplier, 3, "JP");
    snprintf(f->requester_unit, sizeof(f->requester_unit), "<script>alert('x')</script>");
    snprintf(f->supplier_unit, sizeof(f->supplier_unit), "海上自衛隊 भारतीय \x1b[2J \xff end");
    snprintf(f->activity, sizeof(f->activity), "JIMEX");
    f->activity_from_day = 19800;
    f->activity_to_day = 19810;
    snprintf(f->currency, sizeof(f->currency), "JPY");
    f->need_by_day = ACSA_DATE_NONE;
    f->created_day = 19800;
    f->delivered_day = ACSA_DATE_NONE;
    f->due_day = ACSA_DATE_NONE;
    snprintf(f->invoice, sizeof(f->invoice), "JP-INV-2024-000001");
    f->invoice_day = 19805;
    f->invoice_due_day = 19835;
    f->invoice_amount_minor = 1500;
    f->line_count = count;
    for (uint32_t i = 0; i < count; i++) {
        struct acsa_form_line *l = &f->lines[i];
        l->no = i + 1;
        snprintf(l->category, sizeof(l->category), "pol");
        snprintf(l->description, sizeof(l->description),
                 "Line %u <img src=x onerror=alert(1)> a long description that wraps over two "
                 "lines of the table at least, and perhaps three", i + 1);
        snprintf(l->nsn, sizeof(l->nsn), "9140-00-273-2377");
        snprintf(l->unit_of_issue, sizeof(l->unit_of_issue), "l");
        l->quantity_milli = 10000;
        l->price_minor = 150;
        l->value_minor = 1500;
    }
    f->total_count = 1;
    snprintf(f->totals[0].label, sizeof(f->totals[0].label), "Invoice total");
    snprintf(f->totals[0].currency, sizeof(f->totals[0].currency), "JPY");
    f->totals[0].amount_minor = 1500;
    f->step_count = 1;
    f->steps[0].step = ACSA_STEP_INVOICE;
    f->steps[0].day = 19805;
    snprintf(f->steps[0].party, 3, "JP");
    snprintf(f->steps[0].name, sizeof(f->steps[0].name), "佐藤 健一");
    f->signature_count = 1;
    snprintf(f->signatures[0].label, sizeof(f->signatures[0].label), "Invoiced by");
    snprintf(f->signatures[0].name, sizeof(f->signatures[0].name), "\"><svg onload=x>");
    f->signatures[0].day = ACSA_DATE_NONE;
    memset(f->hash, 'c', 64);
    f->record_count = 3;
    return f;
}

/* The policy names the hash of the page's style element: edit one, edit the other. */
static void test_style_hash_in_policy(void **state)
{
    (void)state;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)acsa_print_html_style,
                       strlen(acsa_print_html_style));
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof(b64), digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
    assert_string_equal(b64, ACSA_PRINT_HTML_STYLE_SHA256);
    struct acsa_form *f = sample(1);
    char *html = NULL;
    size_t size = 0;
    struct acsa_error err;
    assert_int_equal(acsa_print_html(f, &html, &size, &err), ACSA_OK);
    assert_non_null(strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\""
                                 ACSA_PRINT_HTML_META_CSP "\">"));
    char element[2048];
    snprintf(element, sizeof(element), "<style>%s</style>", acsa_print_html_style);
    assert_non_null(strstr(html, element));
    assert_null(strstr(html, " style="));
    acsa_free(html);
    free(f);
}

static void test_html_escapes_stored_text(void **state)
{
    (void)state;
    struct acsa_form *f = sample(2);
    char *html = NULL;
    size_t size = 0;
    struct acsa_error err;
    assert_int_equal(acsa_print_html(f, &html, &size, &err), ACSA_OK);
    assert_int_equal(strlen(html), size);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "<b>bold"));
    assert_null(strstr(html, "<svg onload"));
    assert_null(strstr(html, "\x1b"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert_non_null(strstr(html, "Title &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
    assert_non_null(strstr(html, "&quot;&gt;&lt;svg onload=x&gt;"));
    assert_non_null(strstr(html, "海上自衛隊 भारतीय \xef\xbf\xbd[2J \xef\xbf\xbd end"));
    assert_non_null(strstr(html, "佐藤 健一"));
    assert_non_null(strstr(html, "Invoice No. JP-INV-2024-000001"));
    assert_non_null(strstr(html, "<svg class=\"qr\""));
    acsa_free(html);
    free(f);
}

/* Whether needle occurs in the size bytes of data. */
static bool holds(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= size; i++) {
        if (memcmp(data + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static void test_pdf_whole_and_paged(void **state)
{
    (void)state;
    struct acsa_form *f = sample(2);
    uint8_t *pdf = NULL;
    size_t size = 0;
    struct acsa_error err;
    assert_int_equal(acsa_print_pdf(f, &pdf, &size, &err), ACSA_OK);
    assert_true(size > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    assert_true(holds(pdf, size, "%%EOF"));
    assert_true(holds(pdf, size, "/Count 1\n"));
    acsa_free(pdf);
    free(f);
    f = sample(ACSA_ORDER_LINES_MAX);
    assert_int_equal(acsa_print_pdf(f, &pdf, &size, &err), ACSA_OK);
    assert_false(holds(pdf, size, "/Count 1\n"));
    assert_true(holds(pdf, size, "/Count "));
    acsa_free(pdf);
    free(f);
}

/* An allocator that fails the Nth allocation and counts the blocks held. */
static long fail_at;
static long calls;
static long held;
static void *fault_malloc(size_t size)
{
    if (++calls == fail_at) {
        return NULL;
    }
    void *p = malloc(size);
    held += p != NULL;
    return p;
}
static void *fault_realloc(void *pointer, size_t size)
{
    if (++calls == fail_at) {
        return NULL;
    }
    void *p = realloc(pointer, size);
    held += pointer == NULL && p != NULL;
    return p;
}
static void fault_free(void *pointer)
{
    held -= pointer != NULL;
    free(pointer);
}
static const struct acsa_allocator fault = {fault_malloc, fault_realloc, fault_free};

static void test_allocation_failures(void **state)
{
    (void)state;
    struct acsa_form *f = sample(3);
    acsa_alloc_set(&fault);
    for (fail_at = 1;; fail_at++) {
        calls = 0;
        held = 0;
        char *html = NULL;
        size_t size = 0;
        struct acsa_error err;
        enum acsa_rc rc = acsa_print_html(f, &html, &size, &err);
        uint8_t *pdf = NULL;
        enum acsa_rc pdf_rc = rc == ACSA_OK ? acsa_print_pdf(f, &pdf, &size, &err) : ACSA_OK;
        acsa_free(html);
        acsa_free(pdf);
        assert_int_equal(held, 0);
        if (rc == ACSA_OK && pdf_rc == ACSA_OK) {
            break;
        }
        assert_int_equal(rc == ACSA_OK ? pdf_rc : rc, ACSA_ENOMEM);
    }
    acsa_alloc_set(NULL);
    free(f);
}

#if defined(__SANITIZE_ADDRESS__)
/* As src/cli/cmd_order_print.c: the caches fontconfig and cairo keep for the process. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libcairo.so\nleak:libpango-1.0.so\n"
           "leak:libpangocairo-1.0.so\nleak:libpangoft2-1.0.so\nleak:libharfbuzz.so\n";
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_hashes),
        cmocka_unit_test(test_style_hash_in_policy),
        cmocka_unit_test(test_html_escapes_stored_text),
        cmocka_unit_test(test_pdf_whole_and_paged),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
