/* elig_sql_load: the baseline's records system, the way a SQL shop would keep it.
 *
 * An in-memory SQLite database (the baseline at its best: no disk, no page cache
 * misses) with one table per kind of record and integer surrogate keys: persons,
 * nationalities, statuses, convictions, consents, holds + hold_persons, custody
 * (each person's current custody: state, facility, basis and its reference and
 * end, the transfer when in transit), facilities, units, agreements (+ their
 * facilities and nationalities), transfers and transfer_persons (with each
 * person's position and state). es_load takes the generator's events one at a
 * time and keeps these tables, like the application layer of such a system
 * would; it does not look at habeas' state. es_index then builds the indexes the
 * rule queries need and ANALYZEs. Neither is timed in the comparison.
 * Header-only because CMake makes an executable of every bench/bench_*.c. */
#ifndef HB_BENCH_ELIG_SQL_LOAD_H
#define HB_BENCH_ELIG_SQL_LOAD_H
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "elig_gen.h"
#include "state/state.h"

enum {
    ES_PERSON,
    ES_NATIONALITY,
    ES_STATUS,
    ES_CONVICTION,
    ES_CONSENT,
    ES_HOLD,
    ES_HOLD_PERSON,
    ES_LIFT,
    ES_FACILITY,
    ES_UNIT,
    ES_AGREEMENT,
    ES_AGR_FACILITY,
    ES_AGR_NATIONALITY,
    ES_ADMIT,
    ES_CUSTODY_SET, /* state, facility (basis kept): moves, departures, arrivals */
    ES_CUSTODY_END, /* state; facility and basis cleared: release, death */
    ES_TRANSFER,
    ES_TP_INSERT,
    ES_TP_STEP,
    ES__COUNT
};

static const char *const ES_SCHEMA =
    "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;"
    "CREATE TABLE persons(pid INTEGER PRIMARY KEY, id TEXT NOT NULL);"
    "CREATE TABLE nationalities(pid INTEGER NOT NULL, cc TEXT NOT NULL);"
    "CREATE TABLE statuses(pid INTEGER NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL,"
    " jurisdiction TEXT NOT NULL, country TEXT, valid_from INTEGER NOT NULL,"
    " valid_until INTEGER, at_us INTEGER NOT NULL);"
    "CREATE TABLE convictions(pid INTEGER NOT NULL, final INTEGER NOT NULL,"
    " date INTEGER NOT NULL, sentence_days INTEGER NOT NULL, at_us INTEGER NOT NULL);"
    "CREATE TABLE consents(pid INTEGER NOT NULL, seq INTEGER NOT NULL, to_ INTEGER NOT NULL,"
    " given INTEGER NOT NULL, at_us INTEGER NOT NULL);"
    "CREATE TABLE holds(hid INTEGER PRIMARY KEY, effective_from INTEGER NOT NULL,"
    " until INTEGER, placed_at INTEGER NOT NULL, lifted_at INTEGER, authority TEXT,"
    " dest_country TEXT);"
    "CREATE TABLE hold_persons(hid INTEGER NOT NULL, pid INTEGER NOT NULL);"
    "CREATE TABLE facilities(fid INTEGER PRIMARY KEY, country TEXT NOT NULL,"
    " design_capacity INTEGER NOT NULL);"
    "CREATE TABLE units(fid INTEGER NOT NULL, unit INTEGER NOT NULL,"
    " capacity INTEGER NOT NULL, PRIMARY KEY(fid, unit));"
    /* transfer: the one a person in transit is on */
    "CREATE TABLE custody(pid INTEGER PRIMARY KEY, state INTEGER NOT NULL, facility INTEGER,"
    " basis INTEGER, basis_ref TEXT, basis_until INTEGER, transfer INTEGER);"
    "CREATE TABLE agreements(aid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " sending TEXT NOT NULL, at_us INTEGER NOT NULL, starts INTEGER NOT NULL,"
    " ends INTEGER NOT NULL, require_final INTEGER, allow_ssn INTEGER,"
    " require_consent INTEGER, nat_listed INTEGER NOT NULL, max_persons INTEGER,"
    " min_sentence INTEGER);"
    "CREATE TABLE agreement_facilities(aid INTEGER NOT NULL, fid INTEGER NOT NULL);"
    "CREATE TABLE agreement_nationalities(aid INTEGER NOT NULL, cc TEXT NOT NULL);"
    "CREATE TABLE transfers(tid INTEGER PRIMARY KEY, from_fid INTEGER NOT NULL,"
    " to_fid INTEGER NOT NULL, aid INTEGER, authority TEXT);"
    "CREATE TABLE transfer_persons(tid INTEGER NOT NULL, pos INTEGER NOT NULL,"
    " pid INTEGER NOT NULL, state INTEGER NOT NULL, PRIMARY KEY(tid, pos)) WITHOUT ROWID;"
    /* The loader finds a transfer's person by pid for each step. */
    "CREATE UNIQUE INDEX transfer_persons_pid ON transfer_persons(tid, pid);";

static const char *const ES_INSERTS[ES__COUNT] = {
    "INSERT INTO persons VALUES(?1, ?2)",
    "INSERT INTO nationalities VALUES(?1, ?2)",
    "INSERT INTO statuses VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "INSERT INTO convictions VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO consents VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO holds VALUES(?1, ?2, ?3, ?4, NULL, ?5, ?6)",
    "INSERT INTO hold_persons VALUES(?1, ?2)",
    "UPDATE holds SET lifted_at = ?2 WHERE hid = ?1",
    "INSERT INTO facilities VALUES(?1, ?2, ?3)",
    "INSERT OR REPLACE INTO units VALUES(?1, ?2, ?3)",
    "INSERT INTO agreements VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT INTO agreement_facilities VALUES(?1, ?2)",
    "INSERT INTO agreement_nationalities VALUES(?1, ?2)",
    "INSERT INTO custody VALUES(?1, ?2, ?3, ?4, ?5, ?6, NULL) ON CONFLICT(pid) DO UPDATE SET"
    " state = excluded.state, facility = excluded.facility, basis = excluded.basis,"
    " basis_ref = excluded.basis_ref, basis_until = excluded.basis_until, transfer = NULL",
    "INSERT INTO custody(pid, state, facility, transfer) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(pid) DO UPDATE SET state = excluded.state, facility = excluded.facility,"
    " transfer = excluded.transfer",
    "UPDATE custody SET state = ?2, facility = NULL, basis = NULL, basis_ref = NULL,"
    " basis_until = NULL, transfer = NULL WHERE pid = ?1",
    "INSERT INTO transfers VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO transfer_persons VALUES(?1, (SELECT COALESCE(MAX(pos) + 1, 0) FROM"
    " transfer_persons WHERE tid = ?1), ?2, ?3)",
    "UPDATE transfer_persons SET state = ?3 WHERE tid = ?1 AND pid = ?2",
};

/* The indexes the rule queries use (es_rules), then statistics for the planner.
 * Those on a person's records cover every column the rules read, so each lookup
 * stays in the index. */
static const char *const ES_INDEXES =
    "CREATE INDEX nationalities_pid ON nationalities(pid, cc);"
    "CREATE INDEX statuses_pid ON statuses(pid, kind, jurisdiction, country, at_us, seq,"
    " valid_from, valid_until);"
    "CREATE INDEX convictions_pid ON convictions(pid, final, at_us, date, sentence_days);"
    "CREATE INDEX consents_pid ON consents(pid, to_, at_us, seq, given);"
    "CREATE INDEX hold_persons_pid ON hold_persons(pid, hid);"
    "CREATE INDEX holds_authority ON holds(authority) WHERE authority IS NOT NULL;"
    "CREATE INDEX holds_dest ON holds(dest_country) WHERE dest_country IS NOT NULL;"
    "CREATE INDEX custody_facility ON custody(facility, state, basis);"
    "CREATE INDEX transfer_persons_state ON transfer_persons(state, tid);"
    "CREATE INDEX agreement_nationalities_cc ON agreement_nationalities(aid, cc);"
    "CREATE INDEX agreement_facilities_aid ON agreement_facilities(aid, fid);"
    "PRAGMA analysis_limit = 2000; ANALYZE;";

#define ES_MAX_NAMES 16

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st[ES__COUNT];
    char transfers[ES_MAX_NAMES][16], agreements[ES_MAX_NAMES][16]; /* id -> number - 1 */
    int n_transfers, n_agreements;
    size_t rows;
} es_db;

static int es_fail(es_db *d, const char *what)
{
    fprintf(stderr, "bench_eligibility: SQLite baseline: %s: %s\n", what,
            d->db ? sqlite3_errmsg(d->db) : "out of memory");
    return HB_EINTERNAL;
}

/* The number (1-based) of a transfer or agreement id, added when new (add != 0). */
static int64_t es_name(char names[][16], int *n, hb_str id, bool add)
{
    if (!id.p) return 0;
    for (int i = 0; i < *n; i++)
        if (strlen(names[i]) == id.n && memcmp(names[i], id.p, id.n) == 0) return i + 1;
    if (!add || *n == ES_MAX_NAMES || id.n >= 16) return 0;
    memcpy(names[*n], id.p, id.n);
    names[*n][id.n] = '\0';
    return ++*n;
}

static int es_open(es_db *d)
{
    memset(d, 0, sizeof *d);
    if (sqlite3_open(":memory:", &d->db) != SQLITE_OK ||
        sqlite3_exec(d->db, ES_SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
        return es_fail(d, "creating the tables");
    for (int i = 0; i < ES__COUNT; i++)
        if (sqlite3_prepare_v2(d->db, ES_INSERTS[i], -1, &d->st[i], NULL) != SQLITE_OK)
            return es_fail(d, ES_INSERTS[i]);
    return sqlite3_exec(d->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : es_fail(d, "BEGIN");
}

static void es_close(es_db *d)
{
    for (int i = 0; i < ES__COUNT; i++)
        sqlite3_finalize(d->st[i]);
    sqlite3_close(d->db);
    memset(d, 0, sizeof *d);
}

/* Binding helpers: absent values (event.h) become NULL. */
static void es_text(sqlite3_stmt *s, int i, hb_str v)
{
    if (v.p)
        sqlite3_bind_text(s, i, v.p, (int)v.n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static void es_cc(sqlite3_stmt *s, int i, hb_cc c)
{
    if (c.cc[0])
        sqlite3_bind_text(s, i, c.cc, 2, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static void es_int(sqlite3_stmt *s, int i, int64_t v, int64_t absent)
{
    if (v == absent)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, v);
}

static int es_step(es_db *d, int which)
{
    sqlite3_stmt *s = d->st[which];
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    d->rows++;
    return rc == SQLITE_DONE ? 0 : es_fail(d, ES_INSERTS[which]);
}

static int es_registry(es_db *d, const event *ev)
{
    sqlite3_stmt **st = d->st;
    if (ev->type == EV_FACILITY_REGISTERED) {
        const ev_facility_registered *e = &ev->u.facility_registered;
        sqlite3_bind_int(st[ES_FACILITY], 1, eg_facility_no(e->facility));
        es_cc(st[ES_FACILITY], 2, e->country);
        sqlite3_bind_int64(st[ES_FACILITY], 3, e->design_capacity);
        return es_step(d, ES_FACILITY);
    }
    if (ev->type == EV_UNIT_CERTIFIED) {
        const ev_unit_certified *e = &ev->u.unit_certified;
        sqlite3_bind_int(st[ES_UNIT], 1, eg_facility_no(e->facility));
        sqlite3_bind_int64(st[ES_UNIT], 2, eg_id_no(e->unit));
        sqlite3_bind_int64(st[ES_UNIT], 3, e->capacity);
        return es_step(d, ES_UNIT);
    }
    const ev_agreement_signed *e = &ev->u.agreement_signed;
    const ev_conditions *c = &e->conditions;
    int64_t aid = es_name(d->agreements, &d->n_agreements, e->agreement, true);
    sqlite3_stmt *s = st[ES_AGREEMENT];
    sqlite3_bind_int64(s, 1, aid);
    es_text(s, 2, e->agreement);
    es_cc(s, 3, e->sending_state);
    sqlite3_bind_int64(s, 4, ev->at.us);
    sqlite3_bind_int(s, 5, e->starts);
    sqlite3_bind_int(s, 6, e->ends);
    es_int(s, 7, c->present ? c->require_final_conviction : -1, -1);
    es_int(s, 8, c->present ? c->allow_sending_state_nationals : -1, -1);
    es_int(s, 9, c->present ? c->require_consent : -1, -1);
    sqlite3_bind_int(s, 10, c->present && !c->nationalities.any && c->nationalities.list.n > 0);
    es_int(s, 11, c->present ? c->max_persons : -1, -1);
    es_int(s, 12, c->present ? c->min_sentence_remaining_days : -1, -1);
    int rc = es_step(d, ES_AGREEMENT);
    for (int32_t i = 0; !rc && i < e->facilities.n; i++) {
        sqlite3_bind_int64(st[ES_AGR_FACILITY], 1, aid);
        sqlite3_bind_int(st[ES_AGR_FACILITY], 2, eg_facility_no(e->facilities.v[i]));
        rc = es_step(d, ES_AGR_FACILITY);
    }
    for (int32_t i = 0; !rc && c->present && i < c->nationalities.list.n; i++) {
        sqlite3_bind_int64(st[ES_AGR_NATIONALITY], 1, aid);
        es_cc(st[ES_AGR_NATIONALITY], 2, c->nationalities.list.v[i]);
        rc = es_step(d, ES_AGR_NATIONALITY);
    }
    return rc;
}

static int es_person(es_db *d, const event *ev)
{
    const ev_person_registered *e = &ev->u.person_registered;
    int64_t pid = eg_id_no(e->person);
    sqlite3_bind_int64(d->st[ES_PERSON], 1, pid);
    es_text(d->st[ES_PERSON], 2, e->person);
    int rc = es_step(d, ES_PERSON);
    for (int32_t i = 0; !rc && i < e->nationalities.n; i++) {
        sqlite3_bind_int64(d->st[ES_NATIONALITY], 1, pid);
        es_cc(d->st[ES_NATIONALITY], 2, e->nationalities.v[i]);
        rc = es_step(d, ES_NATIONALITY);
    }
    return rc;
}

static int es_record(es_db *d, int64_t seq, const event *ev)
{
    sqlite3_stmt *s;
    switch (ev->type) {
    case EV_STATUS_RECORDED: {
        const ev_status_recorded *e = &ev->u.status_recorded;
        s = d->st[ES_STATUS];
        sqlite3_bind_int64(s, 1, eg_id_no(e->person));
        sqlite3_bind_int64(s, 2, seq);
        sqlite3_bind_int(s, 3, e->status);
        es_cc(s, 4, e->jurisdiction);
        es_cc(s, 5, e->country);
        sqlite3_bind_int(s, 6, e->valid_from);
        es_int(s, 7, e->valid_until, HB_DATE_ABSENT);
        sqlite3_bind_int64(s, 8, ev->at.us);
        return es_step(d, ES_STATUS);
    }
    case EV_CONVICTION_RECORDED: {
        const ev_conviction_recorded *e = &ev->u.conviction_recorded;
        s = d->st[ES_CONVICTION];
        sqlite3_bind_int64(s, 1, eg_id_no(e->person));
        sqlite3_bind_int(s, 2, e->final == 1);
        sqlite3_bind_int(s, 3, e->date);
        sqlite3_bind_int64(s, 4, e->sentence_days);
        sqlite3_bind_int64(s, 5, ev->at.us);
        return es_step(d, ES_CONVICTION);
    }
    case EV_CONSENT_RECORDED: {
        const ev_consent_recorded *e = &ev->u.consent_recorded;
        s = d->st[ES_CONSENT];
        sqlite3_bind_int64(s, 1, eg_id_no(e->person));
        sqlite3_bind_int64(s, 2, seq);
        sqlite3_bind_int(s, 3, e->to);
        sqlite3_bind_int(s, 4, e->given == 1);
        sqlite3_bind_int64(s, 5, ev->at.us);
        return es_step(d, ES_CONSENT);
    }
    default:
        return 0; /* allegations never count; work is not a rule input */
    }
}

static int es_hold(es_db *d, const event *ev)
{
    sqlite3_stmt *s;
    if (ev->type == EV_HOLD_LIFTED) {
        s = d->st[ES_LIFT];
        sqlite3_bind_int64(s, 1, eg_id_no(ev->u.hold_lifted.hold));
        sqlite3_bind_int64(s, 2, ev->at.us);
        return es_step(d, ES_LIFT);
    }
    const ev_hold_placed *e = &ev->u.hold_placed;
    int64_t hid = eg_id_no(e->hold);
    s = d->st[ES_HOLD];
    sqlite3_bind_int64(s, 1, hid);
    sqlite3_bind_int64(s, 2, e->effective_from.us);
    if (e->until.text.p) sqlite3_bind_int64(s, 3, e->until.us);
    sqlite3_bind_int64(s, 4, ev->at.us);
    es_text(s, 5, e->scope.authority);
    es_cc(s, 6, e->scope.destination_country);
    int rc = es_step(d, ES_HOLD);
    for (int32_t i = 0; !rc && i < e->scope.persons.n; i++) {
        sqlite3_bind_int64(d->st[ES_HOLD_PERSON], 1, hid);
        sqlite3_bind_int64(d->st[ES_HOLD_PERSON], 2, eg_id_no(e->scope.persons.v[i]));
        rc = es_step(d, ES_HOLD_PERSON);
    }
    return rc;
}

/* facility, transfer: -1 for none. */
static int es_custody_set(es_db *d, int64_t pid, int cust, int64_t facility, int64_t transfer)
{
    sqlite3_stmt *s = d->st[ES_CUSTODY_SET];
    sqlite3_bind_int64(s, 1, pid);
    sqlite3_bind_int(s, 2, cust);
    es_int(s, 3, facility, -1);
    es_int(s, 4, transfer, -1);
    return es_step(d, ES_CUSTODY_SET);
}

static int es_custody(es_db *d, const event *ev)
{
    sqlite3_stmt *s;
    switch (ev->type) {
    case EV_CUSTODY_ADMITTED: {
        const ev_custody_admitted *e = &ev->u.custody_admitted;
        s = d->st[ES_ADMIT];
        sqlite3_bind_int64(s, 1, eg_id_no(e->person));
        sqlite3_bind_int(s, 2, CUST_HELD);
        sqlite3_bind_int(s, 3, eg_facility_no(e->facility));
        if (e->basis.present) {
            es_int(s, 4, e->basis.kind, -1);
            es_text(s, 5, e->basis.reference);
            es_int(s, 6, e->basis.until, HB_DATE_ABSENT);
        }
        return es_step(d, ES_ADMIT);
    }
    case EV_CUSTODY_MOVED:
        return es_custody_set(d, eg_id_no(ev->u.custody_moved.person), CUST_HELD,
                              eg_facility_no(ev->u.custody_moved.facility), -1);
    default: {
        bool died = ev->type == EV_CUSTODY_DIED;
        s = d->st[ES_CUSTODY_END];
        sqlite3_bind_int64(
            s, 1, eg_id_no(died ? ev->u.custody_died.person : ev->u.custody_released.person));
        sqlite3_bind_int(s, 2, died ? CUST_DECEASED : CUST_RELEASED);
        return es_step(d, ES_CUSTODY_END);
    }
    }
}

static int es_proposed(es_db *d, const event *ev)
{
    const ev_transfer_proposed *e = &ev->u.transfer_proposed;
    int64_t tid = es_name(d->transfers, &d->n_transfers, e->transfer, true);
    sqlite3_stmt *s = d->st[ES_TRANSFER];
    sqlite3_bind_int64(s, 1, tid);
    sqlite3_bind_int(s, 2, eg_facility_no(e->from_facility));
    sqlite3_bind_int(s, 3, eg_facility_no(e->to_facility));
    es_int(s, 4, es_name(d->agreements, &d->n_agreements, e->agreement, false), 0);
    es_text(s, 5, e->authority);
    int rc = tid ? es_step(d, ES_TRANSFER) : es_fail(d, "too many transfers");
    for (int32_t i = 0; !rc && i < e->persons.n; i++) {
        s = d->st[ES_TP_INSERT];
        sqlite3_bind_int64(s, 1, tid);
        sqlite3_bind_int64(s, 2, eg_id_no(e->persons.v[i]));
        sqlite3_bind_int(s, 3, TP_PROPOSED);
        rc = es_step(d, ES_TP_INSERT);
    }
    return rc;
}

/* A step sets each named person's state on the transfer (adding a person it did
 * not name before); departures and arrivals move custody with it. */
static int es_transfer_step(es_db *d, const event *ev)
{
    const ev_transfer_step *e = &ev->u.transfer_step;
    int64_t tid = es_name(d->transfers, &d->n_transfers, e->transfer, false);
    int tp_state = ev->type == EV_TRANSFER_APPROVED    ? TP_APPROVED
                   : ev->type == EV_TRANSFER_CANCELLED ? TP_CANCELLED
                   : ev->type == EV_TRANSFER_DEPARTED  ? TP_DEPARTED
                                                       : TP_ARRIVED;
    int64_t to = -1;
    if (ev->type == EV_TRANSFER_ARRIVED) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(d->db, "SELECT to_fid FROM transfers WHERE tid = ?1", -1, &q,
                               NULL) != SQLITE_OK)
            return es_fail(d, "reading a transfer");
        sqlite3_bind_int64(q, 1, tid);
        if (sqlite3_step(q) == SQLITE_ROW) to = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    int rc = 0;
    for (int32_t i = 0; !rc && i < e->persons.n; i++) {
        int64_t pid = eg_id_no(e->persons.v[i]);
        int which = ES_TP_STEP;
        for (int k = 0; k < 2 && !rc; k++) {
            sqlite3_stmt *s = d->st[which];
            sqlite3_bind_int64(s, 1, tid);
            sqlite3_bind_int64(s, 2, pid);
            sqlite3_bind_int(s, 3, tp_state);
            rc = es_step(d, which);
            if (rc || sqlite3_changes(d->db)) break;
            which = ES_TP_INSERT;
        }
        if (!rc && ev->type == EV_TRANSFER_DEPARTED)
            rc = es_custody_set(d, pid, CUST_IN_TRANSIT, -1, tid);
        if (!rc && ev->type == EV_TRANSFER_ARRIVED) rc = es_custody_set(d, pid, CUST_HELD, to, -1);
    }
    return rc;
}

/* One event into the tables. 0 or HB_EINTERNAL (the error printed). */
static int es_load(es_db *d, int64_t seq, const event *ev)
{
    switch (ev->type) {
    case EV_FACILITY_REGISTERED:
    case EV_UNIT_CERTIFIED:
    case EV_AGREEMENT_SIGNED:
        return es_registry(d, ev);
    case EV_PERSON_REGISTERED:
        return es_person(d, ev);
    case EV_HOLD_PLACED:
    case EV_HOLD_LIFTED:
        return es_hold(d, ev);
    case EV_CUSTODY_ADMITTED:
    case EV_CUSTODY_MOVED:
    case EV_CUSTODY_RELEASED:
    case EV_CUSTODY_DIED:
        return es_custody(d, ev);
    case EV_TRANSFER_PROPOSED:
        return es_proposed(d, ev);
    case EV_TRANSFER_APPROVED:
    case EV_TRANSFER_CANCELLED:
    case EV_TRANSFER_DEPARTED:
    case EV_TRANSFER_ARRIVED:
        return es_transfer_step(d, ev);
    default:
        return es_record(d, seq, ev);
    }
}

/* Commits the load, then builds the indexes and statistics. */
static int es_index(es_db *d)
{
    if (sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return es_fail(d, "COMMIT");
    if (sqlite3_exec(d->db, ES_INDEXES, NULL, NULL, NULL) != SQLITE_OK)
        return es_fail(d, "creating the indexes");
    return 0;
}
#endif
