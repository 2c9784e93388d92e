/* `habeas report KIND ...`: hands the arguments after "report" to the kind's own
 * parser, so each report has its own options and --help. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/out.h"
#include "cli/report.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} report_kind;

static const report_kind KINDS[] = {
    {"findings", report_findings, "findings against the standards profile, with evidence"},
    {"costs", report_costs, "per agreement: person-days, fee accrued, baseline, difference"},
    {"occupancy", report_occupancy, "per facility and unit: held, capacity, beds, m2 each"},
    {"profile", report_profile, "the standards profiles built in, or one of them in full"},
};
#define N_KINDS (sizeof KINDS / sizeof *KINDS)

static void usage(FILE *f)
{
    fputs("usage: habeas report KIND [OPTIONS]\n\nkinds:\n", f);
    for (size_t i = 0; i < N_KINDS; i++)
        fprintf(f, "  %-10s %s\n", KINDS[i].name, KINDS[i].summary);
    fputs("\nhabeas report KIND --help shows a report's options.\n", f);
}

static const report_kind *find_kind(const char *name)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (!strcmp(name, KINDS[i].name)) return &KINDS[i];
    return NULL;
}

/* Global options (`habeas --db X report costs`) arrive before the kind: the kind
 * is the first argument that is not an option or an option's value. */
static int kind_at(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db")) {
            i++;
            continue;
        }
        if (argv[i][0] != '-') return i;
    }
    return 0;
}

int cmd_report(int argc, char **argv)
{
    int at = kind_at(argc, argv);
    bool help = false;
    for (int i = 1; i < (at ? at : argc); i++)
        help |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
    if (!at || !strcmp(argv[at], "help")) {
        if (help || (at && !strcmp(argv[at], "help"))) {
            usage(stdout);
            return 0;
        }
        out_error("report: missing which report (findings, costs, occupancy or profile)");
        usage(stderr);
        return 2;
    }
    const report_kind *k = find_kind(argv[at]);
    if (!k) {
        out_error("report: unknown report \"%s\" (findings, costs, occupancy or profile)",
                  argv[at]);
        return 2;
    }
    /* The kind's argv: its name, the options given before it, then the rest. */
    char **sub = calloc((size_t)argc + 1, sizeof *sub);
    if (!sub) {
        out_error("out of memory");
        return 3;
    }
    int n = 0;
    sub[n++] = argv[at];
    for (int i = 1; i < argc; i++)
        if (i != at) sub[n++] = argv[i];
    int rc = k->fn(n, sub);
    free(sub);
    return rc;
}
