/* `habeas person|facility|transfer ID`: one entity's current state and history.
 * The three share their options and flow; only the lookup and the view differ. */
#include <stdio.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/view.h"

static const char PERSON_USAGE[] =
    "usage: habeas person ID [--limit N] [--json] [--db FILE]\n"
    "\n"
    "Shows one person: names, birth, nationalities, custody now (where, on what\n"
    "basis, until when, since when), statuses, convictions, allegations and\n"
    "consents; then the person's history, one line per event.\n"
    "\n"
    "options:\n"
    "  --limit N    show the last N history events (default 50; 0 shows all)\n"
    "  --json       print JSON (state and history records) instead of text\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "example:\n"
    "  habeas person P-000123 --db habeas.db\n"
    "  habeas person P-000123 --json --limit 0 | jq .custody\n";

static const char FACILITY_USAGE[] =
    "usage: habeas facility ID [--limit N] [--json] [--db FILE]\n"
    "\n"
    "Shows one facility: name, country, kind, design capacity, contact, how many\n"
    "it holds now, and a table of its units (held, certified capacity, beds, floor\n"
    "area, m2 per person; OVER when held exceeds capacity or beds); then its history.\n"
    "\n"
    "options:\n"
    "  --limit N    show the last N history events (default 50; 0 shows all)\n"
    "  --json       print JSON instead of text\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "example:\n"
    "  habeas facility F-CECOT --db habeas.db\n";

static const char TRANSFER_USAGE[] =
    "usage: habeas transfer ID [--limit N] [--json] [--db FILE]\n"
    "\n"
    "Shows one transfer: from, to, agreement, authority, planned departure, and\n"
    "each person on it with their state (proposed, approved, cancelled, departed,\n"
    "arrived) and the seq of the event that set it; then its history.\n"
    "\n"
    "options:\n"
    "  --limit N    show the last N history events (default 50; 0 shows all)\n"
    "  --json       print JSON instead of text\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "example:\n"
    "  habeas transfer T-2025-0315 --db habeas.db\n";

typedef enum { SHOW_PERSON, SHOW_FACILITY, SHOW_TRANSFER } show_kind;

static const struct {
    const char *name, *usage, *arg;
} KINDS[] = {
    [SHOW_PERSON] = {"person", PERSON_USAGE, "ID (the person's id, e.g. P-000123)"},
    [SHOW_FACILITY] = {"facility", FACILITY_USAGE, "ID (the facility's id, e.g. F-CECOT)"},
    [SHOW_TRANSFER] = {"transfer", TRANSFER_USAGE, "ID (the transfer's id, e.g. T-2025-0315)"},
};

static int show_found(const view_ctx *v, show_kind k, const char *id)
{
    const state *s = ledger_state(v->l);
    switch (k) {
    case SHOW_PERSON: {
        const st_person *p = state_person(s, id);
        return p ? view_person(v, p) : -1;
    }
    case SHOW_FACILITY: {
        const st_facility *f = state_facility(s, id);
        return f ? view_facility(v, f) : -1;
    }
    case SHOW_TRANSFER: {
        const st_transfer *t = state_transfer(s, id);
        return t ? view_transfer(v, t) : -1;
    }
    }
    return -1;
}

static int show(show_kind k, int argc, char **argv)
{
    opts o;
    const char *limit_s = NULL;
    opts_extra extra[] = {{"limit", &limit_s, NULL}};
    int rc = opts_parse(&o, KINDS[k].name, KINDS[k].usage, argc, argv, extra, 1);
    if (rc || o.help) return rc;
    int64_t limit = VIEW_DEFAULT_LIMIT;
    if ((rc = opts_int(&o, "--limit", limit_s, 0, &limit))) return rc;
    if ((rc = opts_nargs(&o, 1, 1, KINDS[k].arg))) return rc;
    view_ctx v = {NULL, o.db, limit, o.json};
    if ((rc = opts_open_ledger(&o, &v.l))) return rc;
    rc = show_found(&v, k, o.args[0]);
    if (rc < 0) {
        out_error("no %s \"%s\" in ledger %s", KINDS[k].name, o.args[0], o.db);
        rc = HB_EINPUT;
    }
    ledger_close(v.l);
    return rc;
}

int cmd_person(int argc, char **argv)
{
    return show(SHOW_PERSON, argc, argv);
}
int cmd_facility(int argc, char **argv)
{
    return show(SHOW_FACILITY, argc, argv);
}
int cmd_transfer(int argc, char **argv)
{
    return show(SHOW_TRANSFER, argc, argv);
}
