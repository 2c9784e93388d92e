/* model/names: what a name becomes for the locator (normalisation and tokens). */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "model/names.h"
#include "util/err.h"

static void norm_is(const char *in, const char *want)
{
    char *out = NULL;
    int rc = names_normalise(in, strlen(in), &out);
    if (rc) fail_msg("normalise \"%s\": rc %d", in, rc);
    if (strcmp(out, want)) fail_msg("normalise \"%s\": got \"%s\", wanted \"%s\"", in, out, want);
    free(out);
}

static void accents_and_case(void **st)
{
    (void)st;
    norm_is("José Ángel", "jose angel");
    norm_is("GARCÍA PÉREZ", "garcia perez");
    norm_is("Müller", "muller");
    norm_is("Nuñez", "nunez");
    norm_is("çağlar", "caglar");
    norm_is("Ärger Öl Ü", "arger ol u");
    norm_is("plain ascii", "plain ascii");
    /* decomposed input (e + combining acute) is the same as composed */
    norm_is("Jose\xcc\x81", "jose");
}

static void letters_without_decomposition(void **st)
{
    (void)st;
    norm_is("Łukasz Wałęsa", "lukasz walesa");
    norm_is("Søren ØSTERGAARD", "soren ostergaard");
    norm_is("Ærø", "aero");
    norm_is("Œuvre cœur", "oeuvre coeur");
    norm_is("Đorđe Đoković", "dorde dokovic");
    norm_is("Iıİi", "iiii"); /* Turkish dotless and dotted I */
    norm_is("Straße STRASSE", "strasse strasse");
    norm_is("Þór Guðmundsson", "thor gudmundsson");
}

static void compatibility_forms(void **st)
{
    (void)st;
    norm_is("\xef\xac\x81ne", "fine");                                   /* U+FB01 fi ligature */
    norm_is("\xef\xbc\xa7\xef\xbd\x81rc\xc3\xad\xef\xbd\x81", "garcia"); /* fullwidth */
    norm_is("Maria\xc2\xa0"
            "Jose",
            "maria jose"); /* no-break space */
}

static void separators(void **st)
{
    (void)st;
    norm_is("Jean-Pierre", "jean pierre");
    norm_is("O'Brien", "o brien");
    norm_is("D\xe2\x80\x99"
            "Angelo",
            "d angelo"); /* right single quotation mark */
    norm_is("  García   Pérez  ", "garcia perez");
    norm_is("Smith, John.", "smith john");
    norm_is("Tab\tand\nnewline", "tab and newline");
    norm_is("", "");
    norm_is("   ", "");
    norm_is("- ' .", "");
    norm_is("Ángel 2nd", "angel 2nd");
}

static void invalid_utf8(void **st)
{
    (void)st;
    char *out = (char *)1;
    assert_int_equal(names_normalise("Jos\xc3", 4, &out), HB_EINPUT);
    assert_null(out);
    assert_int_equal(names_normalise("\xff\xfe", 2, &out), HB_EINPUT);
}

static void tokens_and_bloom(void **st)
{
    (void)st;
    names_tok t[4];
    assert_int_equal(names_tokens("garcia perez", t, 4), 2);
    assert_int_equal(t[0].n, 6);
    assert_memory_equal(t[1].p, "perez", 5);
    assert_int_equal(names_tokens("", t, 4), 0);
    assert_int_equal(names_tokens("a b c d e f", t, 4), 4);
    uint32_t b = names_bloom('f', "garcia", 6);
    assert_int_not_equal(b, 0);
    assert_true(__builtin_popcount(b) <= 2);
    assert_int_equal(b, names_bloom('f', "garcia", 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accents_and_case),    cmocka_unit_test(letters_without_decomposition),
        cmocka_unit_test(compatibility_forms), cmocka_unit_test(separators),
        cmocka_unit_test(invalid_utf8),        cmocka_unit_test(tokens_and_bloom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
