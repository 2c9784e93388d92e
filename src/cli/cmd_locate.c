/* `habeas locate --family F --given G --birth-country CC [--birth-date D]`: the
 * public locator from the command line, the same search and the same fields as
 * GET /v1/locate (docs/locate.md). */
#include <stdio.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "rules/locate.h"

static const char USAGE[] =
    "usage: habeas locate --birth-country CC [--family NAMES] [--given NAMES]\n"
    "                     [--birth-date YYYY-MM-DD] [--json] [--db FILE]\n"
    "\n"
    "Finds people in custody, transferred, released or dead in custody by their\n"
    "names, typed with or without accents, in any case, with one or all of their\n"
    "family names and their given names in any order, and shows where they are\n"
    "held (or were last held) and how to reach that facility. Nothing else about\n"
    "them is shown. At most 20 results: add --birth-date to narrow.\n"
    "\n"
    "options:\n"
    "  --family NAMES        family name(s), e.g. \"garcia\" or \"garcia perez\"\n"
    "  --given NAMES         given name(s), in any order (one of --family and --given\n"
    "                        is required)\n"
    "  --birth-country CC    ISO 3166-1 alpha-2 country of birth (required)\n"
    "  --birth-date DATE     date of birth, YYYY-MM-DD\n"
    "  --json                print {\"results\": [...]} (docs/locate.md)\n"
    "  --db FILE             the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status: 0 the search ran (found or not); 2 bad input; 3 the ledger could\n"
    "not be read.\n"
    "\n"
    "examples:\n"
    "  habeas locate --family garcia --given jose --birth-country VE\n"
    "  habeas locate --family \"garcia perez\" --birth-country VE --birth-date 1990-04-23 --json\n";

static int print_text(const locate_result *r)
{
    if (!r->n) {
        puts("no one found");
        return 0;
    }
    out_table t;
    out_table_init(&t, 7, "llrllll");
    const char *head[] = {"FAMILY NAMES", "GIVEN NAMES", "BORN", "STATUS",
                          "FACILITY",     "CONTACT",     "SINCE"};
    int rc = out_table_add(&t, head);
    for (size_t i = 0; i < r->n && !rc; i++) {
        const locate_hit *h = &r->hit[i];
        char born[11] = "-", since[28], fac[160] = "-";
        if (h->person->birth_date != HB_DATE_ABSENT) {
            out_date(h->person->birth_date, born);
            born[4] = '\0'; /* the year only, as the API shows */
        }
        if (h->facility)
            snprintf(fac, sizeof fac, "%s (%s)", h->facility->name, h->facility->country.cc);
        const char *row[] = {h->person->family_names,
                             h->person->given_names,
                             born,
                             locate_status_name(h->status),
                             fac,
                             h->facility && h->facility->contact ? h->facility->contact : "-",
                             out_time(h->since_us, since)};
        rc = out_table_add(&t, row);
    }
    if (!rc) out_table_print(&t, stdout, "");
    out_table_free(&t);
    if (!rc && r->n == LOCATE_MAX)
        printf("(%d shown, the most the locator gives: add --birth-date to narrow)\n", LOCATE_MAX);
    return rc;
}

static int run(const opts *o, const locate_query *q)
{
    ledger *l;
    int rc = opts_open_ledger(o, &l);
    if (rc) return rc;
    locate_result res;
    rc = locate_search(ledger_state(l), q, &res);
    if (rc)
        out_error("out of memory");
    else
        rc = o->json ? out_json(locate_json(&res)) : print_text(&res);
    ledger_close(l);
    return rc;
}

int cmd_locate(int argc, char **argv)
{
    opts o;
    const char *family = NULL, *given = NULL, *country = NULL, *date = NULL;
    opts_extra extra[] = {{"family", &family, NULL},
                          {"given", &given, NULL},
                          {"birth-country", &country, NULL},
                          {"birth-date", &date, NULL}};
    int rc = opts_parse(&o, "locate", USAGE, argc, argv, extra, 4);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 0, "nothing"))) return rc;
    locate_query q;
    locate_fault f;
    rc = locate_query_parse(family, given, country, date, &q, &f);
    if (rc == HB_EINPUT) {
        const char *opt = !strcmp(f.field, "birth_country") ? "--birth-country"
                          : !strcmp(f.field, "birth_date")  ? "--birth-date"
                          : f.field[0] == 'g'               ? "--given"
                                                            : "--family";
        return opts_usage_error(&o, "%s: %s (expected %s)", opt, f.detail, f.expected);
    }
    if (rc) {
        out_error("out of memory");
        return rc;
    }
    rc = run(&o, &q);
    locate_query_free(&q);
    return rc;
}
