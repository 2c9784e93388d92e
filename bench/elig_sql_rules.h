/* elig_sql_rules: the eligibility rules as set-based SQL, the baseline at its best.
 *
 * One INSERT ... SELECT per rule puts the blocked (position on the transfer,
 * reason code) pairs of the whole transfer into the table `blocked` at once:
 * joins and [NOT] EXISTS against transfer_persons, the "as of" filters of
 * src/rules/eligibility.h as WHERE clauses, the transfer, its destination and its
 * agreement's conditions read from their tables (only the transfer id, the check
 * time and its date are parameters). CAPACITY runs last: a window function counts,
 * in transfer order, the persons no other rule blocked before each position (the
 * places they take), and those for whom one more would exceed the room left at
 * the destination facility or under the agreement are blocked.
 * es_check runs them all and reads `blocked` back into one code mask per
 * position. Codes are the reason_code values. Header-only (see elig_gen.h). */
#ifndef HB_BENCH_ELIG_SQL_RULES_H
#define HB_BENCH_ELIG_SQL_RULES_H
#include "elig_sql_load.h"
#include <time.h>
#include "rules/eligibility.h"

/* The enum values the SQL text spells out as numbers (the compiler checks them). */
#define ES_RC_HOLD_COURT_ORDER "0"
#define ES_RC_NON_REFOULEMENT "1"
#define ES_RC_SENDING_STATE_NATIONAL "2"
#define ES_RC_NO_FINAL_CONVICTION "3"
#define ES_RC_NATIONALITY_NOT_COVERED "4"
#define ES_RC_NO_CONSENT "5"
#define ES_RC_SENTENCE_TOO_SHORT "6"
#define ES_RC_CAPACITY "7"
#define ES_RC_NOT_IN_CUSTODY "8"
#define ES_ST_CITIZEN "0"
#define ES_ST_ASYLUM_PENDING "3"
#define ES_ST_WITHHOLDING_OF_REMOVAL "4"
#define ES_ST_CAT_PROTECTION "5"
#define ES_CONSENT_TRANSFER "0"
#define ES_CUST_HELD "1"
#define ES_CUST_IN_TRANSIT "2"
#define ES_TP_ARRIVED "4"
#define ES_TP_DEPARTED "3"
#define ES_TP_APPROVED "1"
#define ES_BASIS_AGREEMENT "3"
_Static_assert(RC_HOLD_COURT_ORDER == 0, "elig_sql_rules: renumbered RC_HOLD_COURT_ORDER");
_Static_assert(RC_NON_REFOULEMENT == 1, "elig_sql_rules: renumbered RC_NON_REFOULEMENT");
_Static_assert(RC_SENDING_STATE_NATIONAL == 2,
               "elig_sql_rules: renumbered RC_SENDING_STATE_NATIONAL");
_Static_assert(RC_NO_FINAL_CONVICTION == 3, "elig_sql_rules: renumbered RC_NO_FINAL_CONVICTION");
_Static_assert(RC_NATIONALITY_NOT_COVERED == 4,
               "elig_sql_rules: renumbered RC_NATIONALITY_NOT_COVERED");
_Static_assert(RC_NO_CONSENT == 5, "elig_sql_rules: renumbered RC_NO_CONSENT");
_Static_assert(RC_SENTENCE_TOO_SHORT == 6, "elig_sql_rules: renumbered RC_SENTENCE_TOO_SHORT");
_Static_assert(RC_CAPACITY == 7, "elig_sql_rules: renumbered RC_CAPACITY");
_Static_assert(RC_NOT_IN_CUSTODY == 8, "elig_sql_rules: renumbered RC_NOT_IN_CUSTODY");
_Static_assert(ST_CITIZEN == 0, "elig_sql_rules: renumbered ST_CITIZEN");
_Static_assert(ST_ASYLUM_PENDING == 3, "elig_sql_rules: renumbered ST_ASYLUM_PENDING");
_Static_assert(ST_WITHHOLDING_OF_REMOVAL == 4,
               "elig_sql_rules: renumbered ST_WITHHOLDING_OF_REMOVAL");
_Static_assert(ST_CAT_PROTECTION == 5, "elig_sql_rules: renumbered ST_CAT_PROTECTION");
_Static_assert(CONSENT_TRANSFER == 0, "elig_sql_rules: renumbered CONSENT_TRANSFER");
_Static_assert(CUST_HELD == 1, "elig_sql_rules: renumbered CUST_HELD");
_Static_assert(CUST_IN_TRANSIT == 2, "elig_sql_rules: renumbered CUST_IN_TRANSIT");
_Static_assert(TP_ARRIVED == 4, "elig_sql_rules: renumbered TP_ARRIVED");
_Static_assert(TP_DEPARTED == 3, "elig_sql_rules: renumbered TP_DEPARTED");
_Static_assert(TP_APPROVED == 1, "elig_sql_rules: renumbered TP_APPROVED");
_Static_assert(BASIS_AGREEMENT == 3, "elig_sql_rules: renumbered BASIS_AGREEMENT");

/* The SQL is laid out by hand, for reading. */
/* clang-format off */

/* ?1 transfer id, ?2 check time (us), ?3 its date (days): the plan and what
 * applies at that moment. */
#define ES_PLAN                                                                                    \
    "WITH plan AS (SELECT t.tid, t.from_fid, t.to_fid, t.aid, t.authority, f.country AS dest"      \
    "  FROM transfers t JOIN facilities f ON f.fid = t.to_fid WHERE t.tid = ?1),"                  \
    " cond AS (SELECT a.* FROM plan JOIN agreements a ON a.aid = plan.aid) "
/* Status s was recorded by then, is valid on the date, and no later record (by
 * time, then seq) of the same status, jurisdiction and country replaced it. */
#define ES_STATUS_APPLIES(s)                                                                       \
    " " s ".at_us <= ?2 AND " s ".valid_from <= ?3"                                                \
    " AND (" s ".valid_until IS NULL OR " s ".valid_until >= ?3)"                                  \
    " AND NOT EXISTS (SELECT 1 FROM statuses o WHERE o.pid = " s ".pid AND o.kind = " s ".kind"    \
    "  AND o.jurisdiction = " s ".jurisdiction AND o.country IS " s ".country AND o.at_us <= ?2"   \
    "  AND (o.at_us > " s ".at_us OR (o.at_us = " s ".at_us AND o.seq > " s ".seq))) "
#define ES_HOLD_ACTIVE(h)                                                                          \
    " " h ".placed_at <= ?2 AND " h ".effective_from <= ?2"                                        \
    " AND (" h ".until IS NULL OR " h ".until > ?2)"                                               \
    " AND (" h ".lifted_at IS NULL OR " h ".lifted_at > ?2) "
#define ES_FINAL(c) " " c ".pid = tp.pid AND " c ".final = 1 AND " c ".at_us <= ?2 "

/* CAPACITY's inputs. allots: the plan's agreement when it gives places at the
 * destination then (signed by then, in force on the date, covering it). moving:
 * persons on the way on a transfer, or approved on another one and still held
 * (not at its destination). Taken at the facility: held there + moving to it;
 * under the agreement: moving under it + held at its facilities after arriving
 * on a transfer under it + held there on a basis naming it (or naming no known
 * agreement). Each set counts a person once (UNION, COUNT DISTINCT). The CTEs
 * that hold one row are MATERIALIZED: inlined, SQLite would recompute them for
 * every person. */
#define ES_CAPACITY_INPUTS                                                                         \
    ", allots AS (SELECT cond.aid, cond.id, cond.max_persons FROM cond, plan"                      \
    "  WHERE cond.at_us <= ?2 AND ?3 BETWEEN cond.starts AND cond.ends"                            \
    "  AND EXISTS (SELECT 1 FROM agreement_facilities af"                                          \
    "   WHERE af.aid = cond.aid AND af.fid = plan.to_fid)),"                                       \
    " moving AS (SELECT tp.pid, t.to_fid, t.aid FROM plan, transfer_persons tp"                    \
    "  JOIN transfers t ON t.tid = tp.tid JOIN custody cu ON cu.pid = tp.pid"                      \
    "  WHERE (tp.state = " ES_TP_DEPARTED " AND cu.state = " ES_CUST_IN_TRANSIT                    \
    "   AND cu.transfer = tp.tid)"                                                                 \
    "  OR (tp.state = " ES_TP_APPROVED " AND tp.tid <> plan.tid"                                   \
    "   AND cu.state = " ES_CUST_HELD " AND cu.facility IS NOT t.to_fid)),"                        \
    " fac_taken AS MATERIALIZED (SELECT"                                                           \
    "  (SELECT COUNT(*) FROM custody cu"                                                           \
    "   WHERE cu.facility = plan.to_fid AND cu.state = " ES_CUST_HELD ")"                          \
    "  + (SELECT COUNT(DISTINCT m.pid) FROM moving m WHERE m.to_fid = plan.to_fid) AS n"           \
    "  FROM plan),"                                                                                \
    " ag_taken AS MATERIALIZED (SELECT COUNT(*) AS n FROM ("                                       \
    "  SELECT m.pid FROM moving m JOIN allots ON m.aid = allots.aid"                               \
    "  UNION SELECT tp.pid FROM allots JOIN transfers t ON t.aid = allots.aid"                     \
    "   JOIN transfer_persons tp ON tp.tid = t.tid JOIN custody cu ON cu.pid = tp.pid"             \
    "   JOIN agreement_facilities af ON af.aid = allots.aid AND af.fid = cu.facility"              \
    "   WHERE tp.state = " ES_TP_ARRIVED " AND cu.state = " ES_CUST_HELD                           \
    "  UNION SELECT cu.pid FROM allots JOIN agreement_facilities af ON af.aid = allots.aid"        \
    "   JOIN custody cu ON cu.facility = af.fid"                                                   \
    "   WHERE cu.state = " ES_CUST_HELD " AND cu.basis = " ES_BASIS_AGREEMENT                      \
    "   AND (cu.basis_ref IS NULL OR cu.basis_ref = allots.id"                                     \
    "    OR NOT EXISTS (SELECT 1 FROM agreements o WHERE o.id = cu.basis_ref)))),"                 \
    " room AS MATERIALIZED (SELECT"                                                                \
    "  COALESCE((SELECT SUM(MAX(u.capacity, 0)) FROM units u WHERE u.fid = plan.to_fid),"          \
    "   (SELECT f.design_capacity FROM facilities f WHERE f.fid = plan.to_fid))"                   \
    "  - fac_taken.n AS f,"                                                                        \
    "  CASE WHEN plan.aid IS NULL THEN NULL"                                                       \
    "   WHEN NOT EXISTS (SELECT 1 FROM allots) THEN 0"                                             \
    "   ELSE (SELECT allots.max_persons FROM allots) - ag_taken.n END AS a"                        \
    "  FROM plan, fac_taken, ag_taken) "

static const char *const ES_RULES[] = {
    /* HOLD_COURT_ORDER: a hold naming the person, or one on the plan's authority
     * or destination country (all persons then). */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_HOLD_COURT_ORDER " FROM transfer_persons tp"
    " WHERE tp.tid = ?1 AND EXISTS (SELECT 1 FROM hold_persons hp JOIN holds h ON h.hid = hp.hid"
    "  WHERE hp.pid = tp.pid AND" ES_HOLD_ACTIVE("h") ")"
    " UNION SELECT tp.pos, " ES_RC_HOLD_COURT_ORDER " FROM plan, transfer_persons tp"
    " WHERE tp.tid = ?1 AND EXISTS (SELECT 1 FROM holds h"
    "  WHERE (h.authority = plan.authority OR h.dest_country = plan.dest)"
    "  AND" ES_HOLD_ACTIVE("h") ")",

    /* NON_REFOULEMENT: protection naming the destination; a pending claim the
     * destination's own state is not examining. */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_NON_REFOULEMENT " FROM plan, transfer_persons tp"
    " WHERE tp.tid = ?1 AND EXISTS (SELECT 1 FROM statuses s WHERE s.pid = tp.pid"
    "  AND s.kind IN (" ES_ST_ASYLUM_PENDING ", " ES_ST_WITHHOLDING_OF_REMOVAL ", "
    ES_ST_CAT_PROTECTION ")"
    "  AND ((s.kind = " ES_ST_ASYLUM_PENDING " AND s.jurisdiction <> plan.dest)"
    "   OR (s.kind <> " ES_ST_ASYLUM_PENDING " AND s.country = plan.dest))"
    "  AND" ES_STATUS_APPLIES("s") ")",

    /* SENDING_STATE_NATIONAL: a nationality, or a citizenship status, of the
     * sending state, unless the agreement allows it. */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_SENDING_STATE_NATIONAL " FROM cond, transfer_persons tp"
    " WHERE tp.tid = ?1 AND cond.allow_ssn IS NOT 1"
    " AND (EXISTS (SELECT 1 FROM nationalities n WHERE n.pid = tp.pid AND n.cc = cond.sending)"
    "  OR EXISTS (SELECT 1 FROM statuses s WHERE s.pid = tp.pid"
    "   AND s.kind = " ES_ST_CITIZEN " AND s.jurisdiction = cond.sending"
    "   AND" ES_STATUS_APPLIES("s") "))",

    /* NO_FINAL_CONVICTION */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_NO_FINAL_CONVICTION " FROM cond, transfer_persons tp"
    " WHERE tp.tid = ?1 AND cond.require_final = 1"
    " AND NOT EXISTS (SELECT 1 FROM convictions c WHERE" ES_FINAL("c") ")",

    /* NATIONALITY_NOT_COVERED: no listed nationality, nor a citizenship of a listed
     * country recorded as a status. */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_NATIONALITY_NOT_COVERED " FROM cond, transfer_persons tp"
    " WHERE tp.tid = ?1 AND cond.nat_listed = 1"
    " AND NOT EXISTS (SELECT 1 FROM nationalities n JOIN agreement_nationalities an"
    "  ON an.aid = cond.aid AND an.cc = n.cc WHERE n.pid = tp.pid)"
    " AND NOT EXISTS (SELECT 1 FROM statuses s JOIN agreement_nationalities an"
    "  ON an.aid = cond.aid AND an.cc = s.jurisdiction"
    "  WHERE s.pid = tp.pid AND s.kind = " ES_ST_CITIZEN " AND" ES_STATUS_APPLIES("s") ")",

    /* NO_CONSENT: the latest consent to transfer recorded by then (by time, then
     * seq) decides. */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_NO_CONSENT " FROM cond, transfer_persons tp"
    " WHERE tp.tid = ?1 AND cond.require_consent = 1"
    " AND COALESCE((SELECT c.given FROM consents c"
    "  WHERE c.pid = tp.pid AND c.to_ = " ES_CONSENT_TRANSFER " AND c.at_us <= ?2"
    "  ORDER BY c.at_us DESC, c.seq DESC LIMIT 1), 0) = 0",

    /* SENTENCE_TOO_SHORT: the latest end of a final sentence (none: nothing left),
     * against the minimum. */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_SENTENCE_TOO_SHORT " FROM cond, transfer_persons tp"
    " WHERE tp.tid = ?1 AND cond.min_sentence > 0"
    " AND COALESCE((SELECT MAX(c.date + c.sentence_days) FROM convictions c"
    "  WHERE" ES_FINAL("c") "), ?3) - ?3 < cond.min_sentence",

    /* NOT_IN_CUSTODY: not held at the origin, or with no basis, or one that ended. */
    ES_PLAN "INSERT INTO blocked(pos, code)"
    " SELECT tp.pos, " ES_RC_NOT_IN_CUSTODY
    " FROM plan, transfer_persons tp LEFT JOIN custody cu ON cu.pid = tp.pid"
    " WHERE tp.tid = ?1 AND (cu.pid IS NULL OR cu.state <> " ES_CUST_HELD
    "  OR cu.facility IS NOT plan.from_fid OR cu.basis IS NULL OR cu.basis_until < ?3)",

    /* CAPACITY, last: the persons no other rule blocked take the room left in
     * transfer order; person i is blocked when, after the ones cleared before it
     * took their places (never more than the room), one more would exceed the
     * facility's or the agreement's room (so the otherwise blocked are checked
     * too, as eligibility.c does). The count of cleared persons before each
     * position is a window function over the transfer in order. Assumes no
     * person of the plan is already counted as taken (on another live transfer
     * to the destination, or held there): eligibility.c then counts them once. */
    ES_PLAN ES_CAPACITY_INPUTS
    ", ok AS (SELECT tp.pos, NOT EXISTS (SELECT 1 FROM blocked b WHERE b.pos = tp.pos)"
    "  AS cleared FROM transfer_persons tp WHERE tp.tid = ?1),"
    " before AS (SELECT ok.pos, COALESCE(SUM(ok.cleared) OVER (ORDER BY ok.pos"
    "  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS n FROM ok),"
    " took AS (SELECT before.pos, room.f, room.a,"
    "  MIN(before.n, MAX(0, MIN(room.f, COALESCE(room.a, room.f)))) AS n FROM before, room)"
    " INSERT INTO blocked(pos, code) SELECT took.pos, " ES_RC_CAPACITY " FROM took"
    " WHERE took.n + 1 > took.f OR (took.a IS NOT NULL AND took.n + 1 > took.a)",
};
/* clang-format on */
#define ES_N_RULES (sizeof ES_RULES / sizeof *ES_RULES)

/* The rules' names, in ES_RULES order, for the time breakdown. */
static const char *const ES_RULE_NAMES[] = {
    "HOLD_COURT_ORDER",    "NON_REFOULEMENT",         "SENDING_STATE_NATIONAL",
    "NO_FINAL_CONVICTION", "NATIONALITY_NOT_COVERED", "NO_CONSENT",
    "SENTENCE_TOO_SHORT",  "NOT_IN_CUSTODY",          "CAPACITY"};
_Static_assert(sizeof ES_RULE_NAMES / sizeof *ES_RULE_NAMES == ES_N_RULES, "a name per rule");

typedef struct {
    sqlite3_stmt *rule[ES_N_RULES], *clear, *read;
    int64_t tid;
    double secs[ES_N_RULES + 1]; /* summed over es_check calls; the last: reading back */
} es_rules;

static double es_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The room CAPACITY found left at the destination facility and under the
 * agreement before the plan (INT64_MIN for the agreement when it sets no limit). */
static int es_room(es_db *d, const es_rules *r, int64_t at_us, int64_t *facility,
                   int64_t *agreement)
{
    sqlite3_stmt *q = NULL;
    int rc =
        sqlite3_prepare_v2(d->db, ES_PLAN ES_CAPACITY_INPUTS "SELECT f, a FROM room", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, r->tid);
        sqlite3_bind_int64(q, 2, at_us);
        sqlite3_bind_int64(q, 3, hbtime_date(at_us));
        rc = sqlite3_step(q);
    }
    if (rc == SQLITE_ROW) {
        *facility = sqlite3_column_int64(q, 0);
        *agreement =
            sqlite3_column_type(q, 1) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 0 : es_fail(d, "reading the room left");
}

static int es_rules_prepare(es_db *d, es_rules *r)
{
    memset(r, 0, sizeof *r);
    r->tid = es_name(d->transfers, &d->n_transfers, eg_s(EG_TRANSFER), false);
    if (sqlite3_exec(d->db,
                     "CREATE TEMP TABLE blocked(pos INTEGER NOT NULL, code INTEGER NOT NULL,"
                     " PRIMARY KEY(pos, code)) WITHOUT ROWID",
                     NULL, NULL, NULL) != SQLITE_OK)
        return es_fail(d, "creating table blocked");
    for (size_t i = 0; i < ES_N_RULES; i++)
        if (sqlite3_prepare_v2(d->db, ES_RULES[i], -1, &r->rule[i], NULL) != SQLITE_OK)
            return es_fail(d, ES_RULES[i]);
    if (sqlite3_prepare_v2(d->db, "DELETE FROM blocked", -1, &r->clear, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(d->db, "SELECT pos, code FROM blocked", -1, &r->read, NULL) != SQLITE_OK)
        return es_fail(d, "preparing the reads of blocked");
    return r->tid ? 0 : es_fail(d, "no transfer " EG_TRANSFER " loaded");
}

static void es_rules_free(es_rules *r)
{
    for (size_t i = 0; i < ES_N_RULES; i++)
        sqlite3_finalize(r->rule[i]);
    sqlite3_finalize(r->clear);
    sqlite3_finalize(r->read);
}

static int es_run(es_db *d, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : es_fail(d, sqlite3_sql(s));
}

/* The verdicts of the whole transfer as of at_us: masks[pos] gets bit (1 << code)
 * for every code that blocks the person at that position (masks[n], zeroed here). */
static int es_check(es_db *d, es_rules *r, int64_t at_us, uint16_t *masks, uint32_t n)
{
    memset(masks, 0, (size_t)n * sizeof *masks);
    int rc = es_run(d, r->clear);
    double t0 = es_now(), t1;
    for (size_t i = 0; i < ES_N_RULES && !rc; i++, t0 = t1) {
        sqlite3_bind_int64(r->rule[i], 1, r->tid);
        sqlite3_bind_int64(r->rule[i], 2, at_us);
        sqlite3_bind_int64(r->rule[i], 3, hbtime_date(at_us));
        rc = es_run(d, r->rule[i]);
        t1 = es_now();
        r->secs[i] += t1 - t0;
    }
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(r->read)) == SQLITE_ROW) {
        int64_t pos = sqlite3_column_int64(r->read, 0), code = sqlite3_column_int64(r->read, 1);
        if (pos >= 0 && pos < n && code >= 0 && code < RC__COUNT)
            masks[pos] |= (uint16_t)(1u << code);
    }
    if (!rc && step != SQLITE_DONE) rc = es_fail(d, "reading blocked");
    sqlite3_reset(r->read);
    r->secs[ES_N_RULES] += es_now() - t0;
    return rc;
}
#endif
