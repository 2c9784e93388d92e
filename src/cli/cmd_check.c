/* `habeas check transfer ID [--at T]`: each person's eligibility verdict on a
 * stored transfer, now or as the ledger stood at a moment (docs/check.md). The
 * exit code is the verdict: 1 when anyone is blocked, 0 when all are cleared. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/view.h"
#include "rules/eligibility.h"
#include "util/hbtime.h"

static const char USAGE[] =
    "usage: habeas check transfer ID [--at TIME] [--json] [--db FILE]\n"
    "\n"
    "Checks every person on a transfer against the rules (holds and court orders,\n"
    "non-refoulement, the agreement's conditions, capacity, custody) and prints a\n"
    "verdict per person: cleared, or blocked with every reason that applies. For\n"
    "each blocked person it explains each reason and names the events (by seq)\n"
    "that are its evidence.\n"
    "\n"
    "options:\n"
    "  --at TIME    check as the ledger stood at TIME, an RFC 3339 time with offset\n"
    "               (2025-03-15T17:00:00-04:00): events whose time is later are left\n"
    "               out (default: now, on everything recorded)\n"
    "  --json       print JSON (a stable interface, see docs/check.md)\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 everyone is cleared; 1 someone is blocked; 2 bad input (no such\n"
    "transfer, a malformed --at); 3 the ledger could not be read.\n"
    "\n"
    "examples:\n"
    "  habeas check transfer T-2025-0315 --db demo.db\n"
    "  habeas check transfer T-2025-0315 --at 2025-03-15T17:00:00-04:00 --json\n";

/* One check (src/views/views.h): the state, the plan, a verdict per person. */
typedef views_check check_run;

/* The positional arguments: "transfer" and an id. */
static int parse_args(const opts *o)
{
    if (o->nargs < 1) return opts_usage_error(o, "missing what to check: habeas check transfer ID");
    if (strcmp(o->args[0], "transfer") != 0)
        return opts_usage_error(o, "check what? only \"check transfer ID\" exists (found \"%s\")",
                                o->args[0]);
    if (o->nargs < 2)
        return opts_usage_error(o, "missing ID (the transfer's id, e.g. T-2025-0315)");
    if (o->nargs > 2) return opts_usage_error(o, "unexpected argument \"%s\"", o->args[2]);
    return 0;
}

static const char *explain(const check_run *c, const elig_verdict *v, const elig_reason *r, buf *b)
{
    return views_check_explain(c, v, r, b);
}

static const char *names_of(const st_person *p, char *out, size_t n)
{
    snprintf(out, n, "%s %s", p->given_names, p->family_names);
    return out;
}

/* ------------------------------------------------------------------ text */

static void facility_field(const state *s, const char *label, uint32_t idx)
{
    const st_facility *f = idx != ST_NONE ? state_facility_at(s, idx) : NULL;
    view_field(label, "%s (%s)", f ? f->id : "-", f ? f->name : "none");
}

/* What was checked, the counts, then how many each reason blocks. */
static int summary_text(const check_run *c)
{
    printf("%s checked at %s\n", c->t->id, c->at);
    facility_field(c->s, "from", c->t->from_facility);
    facility_field(c->s, "to", c->t->to_facility);
    view_field("agreement", "%s",
               c->t->agreement != ST_NONE ? state_agreement_at(c->s, c->t->agreement)->id
                                          : "- (domestic)");
    view_field("authority", "%s", c->t->authority ? c->t->authority : "-");
    view_field("persons", "%u: %u cleared, %u blocked", c->t->n_persons,
               c->t->n_persons - c->blocked, c->blocked);
    putchar('\n');
    if (!c->blocked) return 0;
    out_table tab;
    out_table_init(&tab, 2, "lr");
    const char *head[2] = {"reason", "persons"};
    int rc = out_table_add(&tab, head);
    for (int k = 0; k < RC__COUNT && !rc; k++) {
        char n[16];
        snprintf(n, sizeof n, "%u", c->by_reason[k]);
        const char *row[2] = {elig_code_name((reason_code)k), n};
        if (c->by_reason[k]) rc = out_table_add(&tab, row);
    }
    if (!rc) {
        out_table_print(&tab, stdout, "  ");
        putchar('\n');
    }
    out_table_free(&tab);
    return rc;
}

static int persons_text(const check_run *c)
{
    out_table tab;
    out_table_init(&tab, 4, "llll");
    const char *head[4] = {"person", "names", "verdict", "reasons"};
    int rc = out_table_add(&tab, head);
    buf codes = BUF_INIT;
    for (uint32_t i = 0; i < c->t->n_persons && !rc; i++) {
        const elig_verdict *v = &c->v[i];
        const st_person *p = state_person_at(c->s, c->t->persons[i].person);
        char names[512];
        buf_clear(&codes);
        for (uint8_t k = 0; k < v->n_reasons && !rc; k++)
            rc = buf_printf(&codes, "%s%s", k ? ", " : "", elig_code_name(v->reasons[k].code));
        const char *row[4] = {p->id, names_of(p, names, sizeof names),
                              v->blocked ? "blocked" : "cleared", codes.p ? codes.p : ""};
        if (!rc) rc = out_table_add(&tab, row);
    }
    if (!rc) out_table_print(&tab, stdout, "  ");
    out_table_free(&tab);
    buf_free(&codes);
    return rc;
}

#define WRAP_COLUMNS 100

/* Writes head then text, wrapped at spaces to WRAP_COLUMNS; later lines start with
 * indent. A word longer than a line stands alone. */
static void print_wrapped(const char *head, const char *text, const char *indent)
{
    fputs(head, stdout);
    size_t col = out_width(head), ind = strlen(indent);
    bool first = true;
    while (*text) {
        size_t n = strcspn(text, " ");
        char word[512];
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), text);
        size_t w = out_width(word);
        if (!first && col + 1 + w > WRAP_COLUMNS) {
            printf("\n%s", indent);
            col = ind;
        } else if (!first) {
            putchar(' ');
            col++;
        }
        fwrite(text, 1, n, stdout);
        col += w;
        first = false;
        text += n;
        while (*text == ' ')
            text++;
    }
    putchar('\n');
}

static void evidence_text(const elig_reason *r)
{
    if (!r->n_evidence) return;
    printf("      evidence: seq");
    for (uint8_t e = 0; e < r->n_evidence; e++)
        printf("%s %" PRId64, e ? "," : "", r->evidence[e]);
    if (r->n_more) printf(" and %u more", (unsigned)r->n_more);
    putchar('\n');
}

static void reasons_text(const check_run *c)
{
    if (!c->blocked) return;
    printf("\nWhy blocked\n");
    buf b = BUF_INIT;
    for (uint32_t i = 0; i < c->t->n_persons; i++) {
        const elig_verdict *v = &c->v[i];
        if (!v->blocked) continue;
        const st_person *p = state_person_at(c->s, c->t->persons[i].person);
        char names[512];
        printf("  %s  %s\n", p->id, names_of(p, names, sizeof names));
        for (uint8_t k = 0; k < v->n_reasons; k++) {
            const elig_reason *r = &v->reasons[k];
            char head[64];
            snprintf(head, sizeof head, "    %s: ", elig_code_name(r->code));
            const char *why = explain(c, v, r, &b);
            print_wrapped(head, why ? why : "(no explanation: out of memory)", "      ");
            evidence_text(r);
        }
    }
    buf_free(&b);
}

static int report_text(const check_run *c)
{
    if (summary_text(c) || persons_text(c)) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    reasons_text(c);
    return 0;
}

static int report_json(const check_run *c)
{
    json_t *j = views_check_json(c);
    if (!j) {
        out_error("out of memory");
        return HB_EINTERNAL;
    }
    return out_json(j);
}

/* ------------------------------------------------------------------ command */

/* Runs the check on the live state, or on a state as of at_us (owned: *as_of). */
static int check_on(ledger *l, const opts *o, const char *at_s, int64_t at_us, check_run *c,
                    state **as_of)
{
    const st_transfer *live = state_transfer(ledger_state(l), o->args[1]);
    if (!live) {
        out_error("no transfer \"%s\" in ledger %s", o->args[1], o->db);
        return HB_EINPUT;
    }
    c->s = ledger_state(l);
    c->t = live;
    if (at_s) {
        hb_err err = {0};
        if (ledger_state_as_of(l, at_us, as_of, &err)) return out_fail(&err, HB_EINTERNAL);
        c->s = *as_of;
        if (views_check_as_of(l, NULL, c->s, live, at_s, at_us, &c->t, &err))
            return out_fail(&err, HB_EINPUT);
    }
    hb_err err = {0};
    if (views_check_run(c, at_us, &err)) return out_fail(&err, HB_EINTERNAL);
    int rc = o->json ? report_json(c) : report_text(c);
    return rc ? rc : c->blocked ? HB_ERULE : 0;
}

int cmd_check(int argc, char **argv)
{
    opts o;
    const char *at_s = NULL;
    opts_extra extra[] = {{"at", &at_s, NULL}};
    int rc = opts_parse(&o, "check", USAGE, argc, argv, extra, 1);
    if (rc || o.help) return rc;
    if ((rc = parse_args(&o))) return rc;
    char now[28];
    int64_t at_us = hbtime_now();
    at_us -= at_us % 1000000; /* whole seconds: "now" is printed */
    if (at_s && (rc = opts_time(&o, "at", at_s, OPTS_TIME, &at_us))) return rc;
    ledger *l;
    if ((rc = opts_open_ledger(&o, &l))) return rc;
    check_run c = {.at = at_s ? at_s : out_time(at_us, now)};
    state *as_of = NULL;
    rc = check_on(l, &o, at_s, at_us, &c, &as_of);
    views_check_free(&c);
    state_free(as_of);
    ledger_close(l);
    return rc;
}
