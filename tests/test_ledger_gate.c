/* ledger gate: a transfer.approved is a decision and is refused when a person it
 * lists is blocked at its `at` (every blocked person named, every reason, nothing
 * stored); departures and arrivals are facts and always recorded; restore is not
 * gated; places approved by earlier events on the same transfer are taken.
 *
 * T-1 goes from F-TX (US) to F-SV (SV) under AG-1: a final conviction required,
 * no sending-state nationals, at most 3 persons. P-1 .. P-5 have final
 * convictions; P-6 is a US citizen (with one); P-7 has only an allegation and is
 * protected from removal to SV. Court order H-1 names P-2 from 09:40 and is lifted
 * at 20:00. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/leaf.h"
#include "ledger/ledger.h"
#include "model/codec.h"
#include "util/buf.h"

#define CONVICTED(p, at)                                                                           \
    "{'type':'conviction.recorded','at':'" at "','person':'" p "','jurisdiction':'US',"            \
    "'court':'S.D. Tex.','case':'cr-" p "','offense':'theft','violent':false,'final':true,"        \
    "'date':'2024-06-01','sentence_days':300}\n"
#define PERSON(p, cc)                                                                              \
    "{'type':'person.registered','at':'2025-03-02T09:00:00-05:00','person':'" p "',"               \
    "'given_names':'Luis','family_names':'Mendoza','nationalities':['" cc "']}\n"
#define ADMITTED(p)                                                                                \
    "{'type':'custody.admitted','at':'2025-03-05T08:00:00-05:00','person':'" p "',"                \
    "'facility':'F-TX','unit':'A1','basis':{'kind':'immigration','reference':'A-" p "'}}\n"

/* Single quotes stand for double quotes (swapped before import), for legibility. */
static const char *const BASE[] = {
    "{'type':'facility.registered','at':'2025-02-01T08:00:00-05:00','facility':'F-TX',"
    "'name':'Texas Detention Center','country':'US','kind':'detention_center',"
    "'design_capacity':100}\n",
    "{'type':'unit.certified','at':'2025-02-01T08:05:00-05:00','facility':'F-TX','unit':'A1',"
    "'kind':'dormitory','capacity':50,'floor_area_m2':300,'beds':50}\n",
    "{'type':'facility.registered','at':'2025-02-01T08:10:00-06:00','facility':'F-SV',"
    "'name':'Centro Penal','country':'SV','kind':'prison','design_capacity':1000}\n",
    "{'type':'unit.certified','at':'2025-02-01T08:15:00-06:00','facility':'F-SV','unit':'M1',"
    "'kind':'cell','capacity':50,'floor_area_m2':60,'beds':50}\n",
    "{'type':'agreement.signed','at':'2025-03-01T10:00:00-05:00','agreement':'AG-1',"
    "'sending_state':'US','receiving_state':'SV','facilities':['F-SV'],'starts':'2025-03-01',"
    "'ends':'2026-02-28','fee':{'amount':600000000,'currency':'USD','persons':238,'days':365},"
    "'conditions':{'require_final_conviction':true,'allow_sending_state_nationals':false,"
    "'require_consent':false,'nationalities':'any','max_persons':3}}\n",
    PERSON("P-1", "VE"),
    PERSON("P-2", "VE"),
    PERSON("P-3", "VE"),
    PERSON("P-4", "VE"),
    PERSON("P-5", "VE"),
    PERSON("P-6", "US"),
    PERSON("P-7", "SV"),
    CONVICTED("P-1", "2025-03-03T09:00:00-05:00"),
    CONVICTED("P-2", "2025-03-03T09:01:00-05:00"),
    CONVICTED("P-3", "2025-03-03T09:02:00-05:00"),
    CONVICTED("P-4", "2025-03-03T09:03:00-05:00"),
    CONVICTED("P-5", "2025-03-03T09:04:00-05:00"),
    CONVICTED("P-6", "2025-03-03T09:05:00-05:00"),
    "{'type':'allegation.recorded','at':'2025-03-03T09:06:00-05:00','person':'P-7',"
    "'kind':'gang_affiliation','source':'tattoo assessment'}\n",
    "{'type':'status.recorded','at':'2025-03-03T10:00:00-05:00','person':'P-7',"
    "'jurisdiction':'US','status':'withholding_of_removal','country':'SV',"
    "'valid_from':'2019-05-14','source':'Immigration Court, Baltimore'}\n",
    ADMITTED("P-1"),
    ADMITTED("P-2"),
    ADMITTED("P-3"),
    ADMITTED("P-4"),
    ADMITTED("P-5"),
    ADMITTED("P-6"),
    ADMITTED("P-7"),
    "{'type':'transfer.proposed','at':'2025-03-15T07:00:00-04:00','transfer':'T-1',"
    "'from_facility':'F-TX','to_facility':'F-SV','agreement':'AG-1','authority':'AEA',"
    "'persons':['P-1','P-2','P-3','P-4','P-5','P-6','P-7'],"
    "'departure_planned':'2025-03-15T17:25:00-04:00'}\n",
    "{'type':'hold.placed','at':'2025-03-15T09:40:00-04:00','hold':'H-1','kind':'court_order',"
    "'issued_by':'D.D.C.','case':'1:25-cv-00766','effective_from':'2025-03-15T09:40:00-04:00',"
    "'scope':{'persons':['P-2']}}\n",
    "{'type':'hold.lifted','at':'2025-03-15T20:00:00-04:00','hold':'H-1',"
    "'issued_by':'D.C. Cir.','reason':'stayed pending appeal'}\n",
};

#define N_PERSONS 7
static const char *const IDS[N_PERSONS] = {"P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7"};

static char path[700];

static char *dq(const char *s)
{
    char *t = strdup(s);
    for (char *p = t; *p; p++)
        if (*p == '\'') *p = '"';
    return t;
}

static ledger *open_l(store_mode mode)
{
    ledger *l = NULL;
    hb_err e = {0};
    if (ledger_open(path, mode, &l, &e)) fail_msg("open %s: %s", path, e.msg);
    return l;
}

/* Imports s (single-quoted) as gate.jsonl; errs is left for the caller to read. */
static int import_q(ledger *l, const char *s, hb_errlist *errs)
{
    char *t = dq(s);
    hb_err e = {0};
    int rc = ledger_import(l, "gate.jsonl", t, strlen(t), "test:gate", errs, NULL, NULL, &e);
    if (rc == HB_EINTERNAL) fail_msg("import: %s", e.msg);
    free(t);
    return rc;
}

static void import_ok(ledger *l, const char *s)
{
    hb_errlist errs;
    errlist_init(&errs, 20);
    int rc = import_q(l, s, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msgs[i]);
    assert_int_equal(rc, 0);
    errlist_free(&errs);
}

/* A new ledger with BASE imported. */
static ledger *base(void)
{
    snprintf(path, sizeof path, "%s", tu_path(tu_tmpdir(), "gate.db"));
    ledger *l = open_l(STORE_CREATE);
    buf b = BUF_INIT;
    for (size_t i = 0; i < sizeof BASE / sizeof *BASE; i++)
        buf_puts(&b, BASE[i]);
    import_ok(l, b.p);
    buf_free(&b);
    return l;
}

/* In a static buffer, overwritten by the next call. */
static char *approval(const char *at, const char *persons)
{
    static char s[512];
    snprintf(s, sizeof s,
             "{'type':'transfer.approved','at':'%s','transfer':'T-1','persons':[%s]}\n", at,
             persons);
    return s;
}

/* T-1's person states in IDS order, as one string of letters (P proposed, A approved
 * ...), so that a whole transfer compares at once. */
static void states_of(ledger *l, char out[N_PERSONS + 1])
{
    const state *s = ledger_state(l);
    const st_transfer *t = state_transfer(s, "T-1");
    assert_non_null(t);
    for (int k = 0; k < N_PERSONS; k++) {
        out[k] = '?';
        for (uint32_t i = 0; i < t->n_persons; i++)
            if (!strcmp(state_person_at(s, t->persons[i].person)->id, IDS[k]))
                out[k] = "PACDR"[t->persons[i].state];
    }
    out[N_PERSONS] = '\0';
}

/* Imports s and expects it refused with exactly want_n messages; nothing changes,
 * in memory or on disk. The messages stay in errs. */
static void refused(ledger **l, const char *s, size_t want_n, hb_errlist *errs)
{
    int64_t size = ledger_size(*l);
    char before[N_PERSONS + 1], after[N_PERSONS + 1];
    states_of(*l, before);
    errlist_init(errs, 20);
    assert_int_equal(import_q(*l, s, errs), HB_EINPUT);
    for (size_t i = 0; i < errs->n; i++)
        printf("refusal: %s\n", errs->msgs[i]);
    assert_int_equal(errs->total, want_n);
    assert_int_equal(ledger_size(*l), size);
    states_of(*l, after);
    assert_string_equal(after, before);
    ledger_close(*l);
    *l = open_l(STORE_OPEN);
    assert_int_equal(ledger_size(*l), size);
    states_of(*l, after);
    assert_string_equal(after, before);
}

static void refusal_names_each_blocked_person_with_every_reason(void **st)
{
    (void)st;
    ledger *l = base();
    hb_errlist errs;
    refused(&l, approval("2025-03-15T08:00:00-04:00", "'P-1','P-7','P-6'"), 2, &errs);
    const char *p7 = errs.msgs[0], *p6 = errs.msgs[1];
    const char *head7 = "gate.jsonl:1: transfer.approved.persons[1]: \"P-7\" is blocked: "
                        "NON_REFOULEMENT (";
    assert_memory_equal(p7, head7, strlen(head7));
    assert_non_null(strstr(p7, "); NO_FINAL_CONVICTION ("));
    assert_non_null(strstr(p7, "Withholding of removal to SV"));
    assert_int_equal(p7[strlen(p7) - 1], ')');
    const char *head6 = "gate.jsonl:1: transfer.approved.persons[2]: \"P-6\" is blocked: "
                        "SENDING_STATE_NATIONAL (";
    assert_memory_equal(p6, head6, strlen(head6));
    assert_null(strstr(p6, ";")); /* one reason only */
    assert_null(strstr(p7, "P-1"));
    assert_null(strstr(p6, "P-1"));
    errlist_free(&errs);
    ledger_close(l);
}

/* A message longer than the error list keeps (1,023 bytes) loses sentences, never
 * codes, and says where to read them all. */
static void long_refusal_keeps_every_code(void **st)
{
    (void)st;
    ledger *l = base();
    char hold[2048], court[701];
    memset(court, 'X', 700);
    court[700] = '\0';
    snprintf(hold, sizeof hold,
             "{'type':'hold.placed','at':'2025-03-15T07:30:00-04:00','hold':'H-2',"
             "'kind':'court_order','issued_by':'%s','case':'c-2',"
             "'effective_from':'2025-03-15T07:30:00-04:00','scope':{'persons':['P-7']}}\n",
             court);
    import_ok(l, hold);
    hb_errlist errs;
    refused(&l, approval("2025-03-15T08:00:00-04:00", "'P-7'"), 1, &errs);
    const char *m = errs.msgs[0];
    const char *prefix = "gate.jsonl:1: transfer.approved.persons[0]: ";
    assert_memory_equal(m, prefix, strlen(prefix));
    assert_true(strlen(m) - strlen(prefix) <= 1023);
    assert_non_null(strstr(m, "\"P-7\" is blocked: HOLD_COURT_ORDER (Hold H-2"));
    assert_non_null(strstr(m, "; NON_REFOULEMENT"));
    assert_non_null(strstr(m, "; NO_FINAL_CONVICTION"));
    const char *tail = " (some explanations left out for length: `habeas check transfer T-1 "
                       "--at 2025-03-15T08:00:00-04:00` gives them all)";
    assert_string_equal(m + strlen(m) - strlen(tail), tail);
    errlist_free(&errs);
    ledger_close(l);
}

/* The same through a batch: ledger_batch_add says HB_EINPUT and the commit stores
 * nothing. */
static void batch_add_refuses_with_einput(void **st)
{
    (void)st;
    ledger *l = base();
    int64_t size = ledger_size(l);
    char *text = dq(approval("2025-03-15T08:00:00-04:00", "'P-7'"));
    arena a;
    arena_init(&a, 4096);
    event ev;
    hb_errlist errs;
    errlist_init(&errs, 20);
    assert_int_equal(event_decode(text, strlen(text) - 1, &a, &ev, &errs, "x"), 0);
    ledger_batch *b;
    hb_err e = {0};
    assert_int_equal(ledger_batch_begin(l, "test:gate", &b, &e), 0);
    assert_int_equal(ledger_batch_add(b, &ev, &errs, "line 1"), HB_EINPUT);
    assert_int_equal(errs.total, 1);
    assert_non_null(strstr(errs.msgs[0], "line 1: transfer.approved.persons[0]: \"P-7\""));
    assert_int_equal(ledger_batch_commit(b, NULL, NULL, &e), HB_EINPUT);
    assert_int_equal(ledger_size(l), size);
    char now[N_PERSONS + 1];
    states_of(l, now);
    assert_string_equal(now, "PPPPPPP");
    errlist_free(&errs);
    arena_free(&a);
    free(text);
    ledger_close(l);
}

static void hold_blocks_from_its_exact_second(void **st)
{
    (void)st;
    ledger *l = base();
    hb_errlist errs;
    refused(&l, approval("2025-03-15T09:40:00-04:00", "'P-2'"), 1, &errs);
    assert_non_null(strstr(errs.msgs[0], "\"P-2\" is blocked: HOLD_COURT_ORDER (Hold H-1"));
    errlist_free(&errs);
    refused(&l, approval("2025-03-15T13:40:00Z", "'P-2'"), 1, &errs); /* the same instant */
    errlist_free(&errs);
    import_ok(l, approval("2025-03-15T09:39:59-04:00", "'P-2'"));
    char now[N_PERSONS + 1];
    states_of(l, now);
    assert_string_equal(now, "PAPPPPP");
    ledger_close(l);
}

static void lifted_hold_no_longer_blocks(void **st)
{
    (void)st;
    ledger *l = base();
    hb_errlist errs;
    refused(&l, approval("2025-03-15T19:59:59-04:00", "'P-2'"), 1, &errs);
    errlist_free(&errs);
    import_ok(l, approval("2025-03-15T20:00:00-04:00", "'P-2'"));
    char now[N_PERSONS + 1];
    states_of(l, now);
    assert_string_equal(now, "PAPPPPP");
    ledger_close(l);
}

static void cleared_persons_are_approved(void **st)
{
    (void)st;
    ledger *l = base();
    int64_t size = ledger_size(l);
    import_ok(l, approval("2025-03-15T08:00:00-04:00", "'P-1','P-2','P-3'"));
    assert_int_equal(ledger_size(l), size + 1);
    char now[N_PERSONS + 1];
    states_of(l, now);
    assert_string_equal(now, "AAAPPPP");
    ledger_close(l);
}

static void mixed_approval_is_refused_whole(void **st)
{
    (void)st;
    ledger *l = base();
    hb_errlist errs;
    refused(&l, approval("2025-03-15T08:00:00-04:00", "'P-1','P-7'"), 1, &errs);
    assert_non_null(strstr(errs.msgs[0], "persons[1]: \"P-7\" is blocked"));
    errlist_free(&errs);
    /* And a refused line refuses its whole file: the valid line before it too. */
    char two[1024]; /* approval() reuses its buffer: one call at a time */
    snprintf(two, sizeof two, "%s", approval("2025-03-15T08:00:00-04:00", "'P-1'"));
    strcat(two, approval("2025-03-15T08:01:00-04:00", "'P-7'"));
    refused(&l, two, 1, &errs);
    assert_non_null(strstr(errs.msgs[0], "gate.jsonl:2: transfer.approved.persons[0]"));
    errlist_free(&errs);
    ledger_close(l);
}

static void departure_and_arrival_of_blocked_persons_are_recorded(void **st)
{
    (void)st;
    ledger *l = base();
    import_ok(l, "{'type':'transfer.departed','at':'2025-03-15T17:25:00-04:00','transfer':'T-1',"
                 "'persons':['P-7','P-2']}\n"
                 "{'type':'transfer.arrived','at':'2025-03-16T02:10:00-06:00','transfer':'T-1',"
                 "'persons':['P-7']}\n");
    char now[N_PERSONS + 1];
    states_of(l, now);
    assert_string_equal(now, "PDPPPPR");
    const st_person *p = state_person(ledger_state(l), "P-2");
    assert_int_equal(p->custody, CUST_IN_TRANSIT);
    ledger_close(l);
}

/* An export line for event ev (single-quoted JSON) as seq, with its true hash. */
static void export_line(buf *out, int64_t seq, const char *ev_q)
{
    char *text = dq(ev_q);
    arena a;
    arena_init(&a, 4096);
    hb_errlist errs;
    errlist_init(&errs, 5);
    record r = {.seq = seq, .actor = {"test:forger", 11}};
    const char *when = "2025-03-16T00:00:00Z", *why;
    r.recorded_at.text = (hb_str){when, (uint32_t)strlen(when)};
    assert_int_equal(hbtime_parse(when, strlen(when), &r.recorded_at.us, &why), 0);
    assert_int_equal(event_decode(text, strlen(text) - 1, &a, &r.ev, &errs, "x"), 0);
    buf body = BUF_INIT;
    assert_int_equal(record_canonical(&body, &r), 0);
    assert_int_equal(leaf_hash(body.p, body.len, r.hash), 0);
    r.has_hash = true;
    assert_int_equal(record_export(out, &r), 0);
    buf_putc(out, '\n');
    buf_free(&body);
    errlist_free(&errs);
    arena_free(&a);
    free(text);
}

/* Restore reproduces a log as written: an approval the gate would refuse now is
 * restored all the same. */
static void restore_is_not_gated(void **st)
{
    (void)st;
    ledger *l = base();
    int64_t n = ledger_size(l);
    const char *blocked = approval("2025-03-15T08:00:00-04:00", "'P-7'");
    hb_errlist errs;
    refused(&l, blocked, 1, &errs); /* the gate refuses it on import */
    errlist_free(&errs);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    hb_err e = {0};
    assert_int_equal(ledger_export(l, 1, f, &e), 0);
    fclose(f);
    ledger_close(l);
    buf exp = BUF_INIT;
    buf_put(&exp, text, len);
    export_line(&exp, n + 1, blocked);

    snprintf(path, sizeof path, "%s", tu_path(tu_tmpdir(), "restored.db"));
    l = open_l(STORE_CREATE);
    errlist_init(&errs, 20);
    int64_t last = 0;
    int rc = ledger_restore(l, "gate.export", exp.p, exp.len, &errs, &last, &e);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msgs[i]);
    assert_int_equal(rc, 0);
    assert_int_equal(last, n + 1);
    char now[N_PERSONS + 1];
    states_of(l, now);
    assert_string_equal(now, "PPPPPPA");
    /* Reopening replays it too: replay is not gated either. */
    ledger_close(l);
    l = open_l(STORE_OPEN);
    assert_int_equal(ledger_size(l), n + 1);
    states_of(l, now);
    assert_string_equal(now, "PPPPPPA");
    errlist_free(&errs);
    buf_free(&exp);
    free(text);
    ledger_close(l);
}

/* AG-1 allows 3. P-1 and P-3 approved first; approving P-3 again with P-4 takes one
 * more place (P-3 is not counted twice); P-5 would be the fourth. */
static void earlier_approvals_on_the_transfer_take_places(void **st)
{
    (void)st;
    ledger *l = base();
    import_ok(l, approval("2025-03-15T08:00:00-04:00", "'P-1','P-3'"));
    import_ok(l, approval("2025-03-15T08:05:00-04:00", "'P-3','P-4'"));
    hb_errlist errs;
    refused(&l, approval("2025-03-15T08:10:00-04:00", "'P-5'"), 1, &errs);
    const char *want = "gate.jsonl:1: transfer.approved.persons[0]: \"P-5\" is blocked: "
                       "CAPACITY (Agreement AG-1 allows at most 3 persons and would count 4 "
                       "with this one";
    assert_memory_equal(errs.msgs[0], want, strlen(want));
    errlist_free(&errs);
    char now[N_PERSONS + 1];
    states_of(l, now);
    assert_string_equal(now, "APAAPPP");
    /* Two in one approval beyond the allotment: the first fits, the second not. */
    ledger_close(l);
    l = base();
    import_ok(l, approval("2025-03-15T08:00:00-04:00", "'P-1','P-3'"));
    refused(&l, approval("2025-03-15T08:05:00-04:00", "'P-4','P-5'"), 1, &errs);
    assert_non_null(strstr(errs.msgs[0], "persons[1]: \"P-5\" is blocked: CAPACITY ("));
    errlist_free(&errs);
    ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refusal_names_each_blocked_person_with_every_reason),
        cmocka_unit_test(long_refusal_keeps_every_code),
        cmocka_unit_test(batch_add_refuses_with_einput),
        cmocka_unit_test(hold_blocks_from_its_exact_second),
        cmocka_unit_test(lifted_hold_no_longer_blocks),
        cmocka_unit_test(cleared_persons_are_approved),
        cmocka_unit_test(mixed_approval_is_refused_whole),
        cmocka_unit_test(departure_and_arrival_of_blocked_persons_are_recorded),
        cmocka_unit_test(restore_is_not_gated),
        cmocka_unit_test(earlier_approvals_on_the_transfer_take_places),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
