/* rules/profile: the built-in profiles parse and carry the figures docs/profiles.md
 * documents; every way a profile can be wrong is refused with a message naming
 * the JSON path (and leaves the profile empty); a user's profile overrides. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "rules/findings.h"
#include "rules/profile.h"

#define FIGURE_EPS 1e-9

static void load_builtin(const char *name, profile *p)
{
    hb_err err = {0};
    int rc = profile_builtin(name, p, &err);
    if (rc) fail_msg("%s: %s", name, err.msg);
}

static void every_code_rated(const profile *p)
{
    for (int c = 0; c < FC__COUNT; c++) {
        assert_true(p->severity[c] >= SEV_CRITICAL && p->severity[c] < SEV__COUNT);
        assert_non_null(p->standard[c]);
        assert_true(strlen(p->standard[c]) > 10);
    }
    static const finding_code critical[] = {FC_BLOCKED_DEPARTURE,    FC_BLOCKED_ARRIVAL,
                                            FC_DEATH_IN_CUSTODY,     FC_HEADCOUNT_MISSING,
                                            FC_HEADCOUNT_UNEXPECTED, FC_CUSTODY_PAST_END};
    for (size_t i = 0; i < sizeof critical / sizeof *critical; i++)
        assert_int_equal(p->severity[critical[i]], SEV_CRITICAL);
}

/* The figures both profiles share, each with its source. */
static void common_figures(const profile *p)
{
    assert_float_equal(p->outdoor_hours_min.value, 1, FIGURE_EPS);
    assert_float_equal(p->segregation_days_max.value, 15, FIGURE_EPS);
    assert_float_equal(p->light_hours_max.value, 24, FIGURE_EPS);
    assert_float_equal(p->heat_c_max.value, 31.1, FIGURE_EPS);
    assert_non_null(strstr(p->outdoor_hours_min.source, "r. 23"));
    assert_non_null(strstr(p->segregation_days_max.source, "r. 44"));
    assert_non_null(strstr(p->heat_c_max.source, "Ball v. LeBlanc"));
    assert_non_null(strstr(p->heat_c_max.source, "No binding international figure"));
    assert_non_null(strstr(p->standard[FC_WORK_NO_CONVICTION], "art. 2(2)(c)"));
    assert_non_null(strstr(p->standard[FC_WORK_UNPAID], "r. 103"));
    assert_non_null(strstr(p->standard[FC_BEDS_SHORT], "r. 21"));
}

static void builtin_icrc(void **ctx)
{
    (void)ctx;
    profile p;
    load_builtin("mandela-icrc", &p);
    assert_string_equal(p.name, "mandela-icrc");
    assert_float_equal(p.floor_m2_shared.value, 3.4, FIGURE_EPS);
    assert_float_equal(p.floor_m2_single.value, 5.4, FIGURE_EPS);
    assert_non_null(strstr(p.floor_m2_shared.source, "ICRC"));
    assert_non_null(strstr(p.floor_m2_single.source, "ICRC"));
    common_figures(&p);
    every_code_rated(&p);
    profile_free(&p);
}

static void builtin_cpt(void **ctx)
{
    (void)ctx;
    profile p;
    load_builtin("mandela-cpt", &p);
    assert_string_equal(p.name, "mandela-cpt");
    assert_float_equal(p.floor_m2_shared.value, 4, FIGURE_EPS);
    assert_float_equal(p.floor_m2_single.value, 6, FIGURE_EPS);
    assert_non_null(strstr(p.floor_m2_shared.source, "CPT/Inf (2015) 44"));
    assert_non_null(strstr(p.floor_m2_single.source, "CPT/Inf (2015) 44"));
    common_figures(&p);
    every_code_rated(&p);
    profile_free(&p);
}

static void builtin_names_and_texts(void **ctx)
{
    (void)ctx;
    const char *const *names = profile_builtin_names();
    assert_string_equal(names[0], "mandela-icrc"); /* the default comes first */
    size_t n = 0;
    for (; names[n]; n++) {
        profile p;
        load_builtin(names[n], &p);
        assert_string_equal(p.name, names[n]); /* a file's name is its profile's name */
        profile_free(&p);
        assert_non_null(profile_builtin_text(names[n]));
    }
    assert_true(n >= 2);
    assert_null(profile_builtin_text("nope"));
    assert_null(profile_builtin_text(NULL));
    /* The text is the shipped file, byte for byte. */
    char path[512];
    snprintf(path, sizeof path, "%s/profiles/mandela-cpt.json", HB_SOURCE_DIR);
    size_t len;
    char *file = tu_read(path, &len);
    assert_non_null(file);
    assert_string_equal(profile_builtin_text("mandela-cpt"), file);
    free(file);
}

static void builtin_unknown(void **ctx)
{
    (void)ctx;
    profile p;
    hb_err err = {0};
    assert_int_equal(profile_builtin("mandela", &p, &err), HB_EINPUT);
    assert_string_equal(err.msg,
                        "no built-in profile \"mandela\" (built in: mandela-icrc, mandela-cpt)");
    assert_null(p.name);
    assert_null(p.owned);
}

/* ---- refusals: the default profile, changed in one place ---- */

static json_t *icrc(void)
{
    json_t *j = json_loads(profile_builtin_text("mandela-icrc"), 0, NULL);
    assert_non_null(j);
    return j;
}

static json_t *at(json_t *root, const char *a, const char *b)
{
    json_t *o = json_object_get(root, a);
    return b ? json_object_get(o, b) : o;
}

static void expect_text_refused(const char *text, const char *msg, int prefix_only)
{
    profile p;
    memset(&p, 0x5a, sizeof p); /* parse must leave it empty, whatever it held */
    hb_err err = {0};
    int rc = profile_parse(text, strlen(text), "my.json", &p, &err);
    assert_int_equal(rc, HB_EINPUT);
    assert_int_equal(err.code, HB_EINPUT);
    if (prefix_only) {
        if (strncmp(err.msg, msg, strlen(msg))) fail_msg("got [%s], wanted [%s...]", err.msg, msg);
    } else {
        assert_string_equal(err.msg, msg);
    }
    assert_null(p.name);
    assert_null(p.owned);
    profile_free(&p); /* harmless on an empty profile */
}

static void expect_refused(json_t *j, const char *msg)
{
    char *s = json_dumps(j, JSON_ENCODE_ANY);
    assert_non_null(s);
    expect_text_refused(s, msg, 0);
    free(s);
    json_decref(j);
}

static void refused_threshold_values(void **ctx)
{
    (void)ctx;
    json_t *j = icrc();
    json_object_set_new(at(j, "thresholds", "floor_m2_shared"), "value", json_string("x"));
    expect_refused(j, "my.json: thresholds.floor_m2_shared.value: expected a number >= 0, found "
                      "\"x\"");
    j = icrc();
    json_object_set_new(at(j, "thresholds", "heat_c_max"), "value", json_integer(-1));
    expect_refused(j, "my.json: thresholds.heat_c_max.value: expected a number >= 0, found -1");
    j = icrc();
    json_object_set_new(at(j, "thresholds", "segregation_days_max"), "value", json_null());
    expect_refused(j, "my.json: thresholds.segregation_days_max.value: expected a number >= 0, "
                      "found null");
    j = icrc();
    json_object_del(at(j, "thresholds", "floor_m2_single"), "value");
    expect_refused(j, "my.json: thresholds.floor_m2_single.value: expected a number >= 0, found "
                      "nothing (the key is missing)");
    j = icrc();
    json_object_set_new(at(j, "thresholds", "outdoor_hours_min"), "value", json_integer(25));
    expect_refused(j, "my.json: thresholds.outdoor_hours_min.value: expected a number from 0 to "
                      "24 (hours in a day), found 25");
    j = icrc();
    json_object_set_new(at(j, "thresholds", "light_hours_max"), "source", json_string(""));
    expect_refused(j, "my.json: thresholds.light_hours_max.source: expected a non-empty string, "
                      "found \"\"");
}

static void refused_threshold_shape(void **ctx)
{
    (void)ctx;
    json_t *j = icrc();
    json_object_del(at(j, "thresholds", NULL), "heat_c_max");
    expect_refused(j, "my.json: thresholds.heat_c_max: expected an object, found nothing (the key "
                      "is missing)");
    j = icrc();
    json_object_set_new(at(j, "thresholds", NULL), "heat_f_max", json_object());
    expect_refused(j, "my.json: thresholds.heat_f_max: unknown key (known here: floor_m2_shared, "
                      "floor_m2_single, outdoor_hours_min, segregation_days_max, "
                      "light_hours_max, heat_c_max)");
    j = icrc();
    json_object_set_new(at(j, "thresholds", "heat_c_max"), "note", json_string("hot"));
    expect_refused(j, "my.json: thresholds.heat_c_max.note: unknown key (known here: value, "
                      "source)");
    j = icrc();
    json_object_set_new(at(j, "thresholds", NULL), "floor_m2_shared", json_real(3.4));
    expect_refused(j, "my.json: thresholds.floor_m2_shared: expected an object, found 3.4");
}

static void refused_findings(void **ctx)
{
    (void)ctx;
    json_t *j = icrc();
    json_object_set_new(at(j, "findings", NULL), "TOO_HOT", json_object());
    expect_refused(j, "my.json: findings.TOO_HOT: unknown finding code (docs/findings.md lists "
                      "them)");
    j = icrc();
    json_object_set_new(at(j, "findings", "HEAT"), "severity", json_string("urgent"));
    expect_refused(j, "my.json: findings.HEAT.severity: expected one of critical, high, medium, "
                      "low, found \"urgent\"");
    j = icrc();
    json_object_set_new(at(j, "findings", "HEAT"), "severity", json_string("Critical"));
    expect_refused(j, "my.json: findings.HEAT.severity: expected one of critical, high, medium, "
                      "low, found \"Critical\"");
    j = icrc();
    json_object_del(at(j, "findings", NULL), "BEDS_SHORT");
    expect_refused(j, "my.json: findings.BEDS_SHORT: missing: every finding code needs a severity "
                      "and a standard");
    j = icrc();
    json_object_del(at(j, "findings", "WORK_UNPAID"), "standard");
    expect_refused(j, "my.json: findings.WORK_UNPAID.standard: expected a non-empty string, found "
                      "nothing (the key is missing)");
    j = icrc();
    json_object_set_new(at(j, "findings", "HEAT"), "weight", json_integer(2));
    expect_refused(j, "my.json: findings.HEAT.weight: unknown key (known here: severity, "
                      "standard)");
    j = icrc();
    json_object_set_new(at(j, "findings", NULL), "HEAT", json_string("high"));
    expect_refused(j, "my.json: findings.HEAT: expected an object {severity, standard}, found "
                      "\"high\"");
}

static void refused_top(void **ctx)
{
    (void)ctx;
    json_t *j = icrc();
    json_object_set_new(j, "colour", json_string("red"));
    expect_refused(j, "my.json: colour: unknown key (known here: name, description, thresholds, "
                      "findings)");
    j = icrc();
    json_object_del(j, "name");
    expect_refused(j, "my.json: name: expected a non-empty string, found nothing (the key is "
                      "missing)");
    j = icrc();
    json_object_set_new(j, "description", json_integer(7));
    expect_refused(j, "my.json: description: expected a non-empty string, found 7");
    j = icrc();
    json_object_del(j, "findings");
    expect_refused(j, "my.json: findings: expected an object, found nothing (the key is missing)");
    expect_refused(json_array(), "my.json: (top): expected an object, found []");
    expect_text_refused("{\"name\": \"a\",", "my.json:1:13: not valid JSON: ", 1);
    expect_text_refused("", "my.json:", 1);
    expect_text_refused("{\"name\": \"a\", \"name\": \"b\"}", "my.json:1:", 1);
}

static void long_values_are_shortened(void **ctx)
{
    (void)ctx;
    json_t *j = icrc();
    char big[300];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = 0;
    json_object_set_new(at(j, "findings", "HEAT"), "severity", json_string(big));
    char *s = json_dumps(j, 0);
    json_decref(j);
    profile p;
    hb_err err = {0};
    assert_int_equal(profile_parse(s, strlen(s), NULL, &p, &err), HB_EINPUT);
    free(s);
    assert_non_null(strstr(err.msg, "profile: findings.HEAT.severity:")); /* NULL where */
    assert_non_null(strstr(err.msg, "...")); /* shortened, not 300 characters */
    assert_true(strlen(err.msg) < 200);
}

/* ---- a user's profile ---- */

static void user_profile_overrides(void **ctx)
{
    (void)ctx;
    json_t *j = icrc();
    json_object_set_new(j, "name", json_string("local-2026"));
    json_object_set_new(at(j, "thresholds", "floor_m2_shared"), "value", json_real(2.5));
    json_object_set_new(at(j, "thresholds", "heat_c_max"), "value", json_integer(29));
    json_object_set_new(at(j, "findings", "NO_TIME_OUTDOORS"), "severity", json_string("low"));
    json_object_set_new(at(j, "findings", "NO_TIME_OUTDOORS"), "standard",
                        json_string("Prison Act s. 12"));
    char *s = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    profile p;
    hb_err err = {0};
    assert_int_equal(profile_parse(s, strlen(s), "local.json", &p, &err), 0);
    free(s);
    assert_string_equal(p.name, "local-2026");
    assert_float_equal(p.floor_m2_shared.value, 2.5, FIGURE_EPS);
    assert_float_equal(p.heat_c_max.value, 29, FIGURE_EPS);
    assert_float_equal(p.floor_m2_single.value, 5.4, FIGURE_EPS); /* the rest unchanged */
    assert_int_equal(p.severity[FC_NO_TIME_OUTDOORS], SEV_LOW);
    assert_string_equal(p.standard[FC_NO_TIME_OUTDOORS], "Prison Act s. 12");
    assert_int_equal(p.severity[FC_DEATH_IN_CUSTODY], SEV_CRITICAL);
    profile_free(&p);
    assert_null(p.name);
    profile_free(&p); /* twice is harmless */
}

/* Zero is a figure a user may mean (no outdoor hour required). */
static void zero_is_a_figure(void **ctx)
{
    (void)ctx;
    json_t *j = icrc();
    json_object_set_new(at(j, "thresholds", "outdoor_hours_min"), "value", json_integer(0));
    char *s = json_dumps(j, 0);
    json_decref(j);
    profile p;
    hb_err err = {0};
    assert_int_equal(profile_parse(s, strlen(s), "z.json", &p, &err), 0);
    free(s);
    assert_float_equal(p.outdoor_hours_min.value, 0, FIGURE_EPS);
    profile_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtin_icrc),
        cmocka_unit_test(builtin_cpt),
        cmocka_unit_test(builtin_names_and_texts),
        cmocka_unit_test(builtin_unknown),
        cmocka_unit_test(refused_threshold_values),
        cmocka_unit_test(refused_threshold_shape),
        cmocka_unit_test(refused_findings),
        cmocka_unit_test(refused_top),
        cmocka_unit_test(long_values_are_shortened),
        cmocka_unit_test(user_profile_overrides),
        cmocka_unit_test(zero_is_a_figure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
