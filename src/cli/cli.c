/* cli_main: global options, then one subcommand. Global options given before the
 * command (`habeas --db X import F`) are handed to it right after its name, so each
 * command parses them like its own. */
#include "cli/cli.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "util/err.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

static int cmd_help(int argc, char **argv);

static const command COMMANDS[] = {
    {"init", cmd_init, "create a new, empty ledger"},
    {"import", cmd_import, "append JSON Lines events, all or nothing"},
    {"export", cmd_export, "write the log as records with their leaf hashes"},
    {"restore", cmd_restore, "rebuild a ledger from an export (hashes checked)"},
    {"person", cmd_person, "one person: custody now and full history"},
    {"facility", cmd_facility, "one facility: who it holds, unit by unit, and history"},
    {"transfer", cmd_transfer, "one transfer: each person's state, and history"},
    {"check", cmd_check, "check a transfer: each person's verdict, with reasons"},
    {"locate", cmd_locate, "the public locator: find a person by name and birth country"},
    {"report", cmd_report, "findings, costs per agreement, occupancy"},
    {"verify", cmd_verify, "recompute every leaf hash, check the tree and signed heads"},
    {"demo", cmd_demo, "fill a ledger with a realistic demo"},
    {"token", cmd_token, "make, list and revoke the API's Bearer tokens"},
    {"serve", cmd_serve, "serve the ledger over HTTP (JSON API) until stopped"},
    {"key", cmd_key, "show the verifier key that checks the signed heads"},
    {"log", cmd_log, "the signed head, inclusion and consistency proofs"},
    {"witness", cmd_witness, "check that a log only grew since the head saved last"},
    {"help", cmd_help, "show help for a command"},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof *COMMANDS)

static void overview(FILE *f)
{
    fputs("usage: habeas [--db FILE] [--json] COMMAND [ARGUMENTS] [OPTIONS]\n"
          "\n"
          "A custody ledger: for every person held, who holds them, where, on what\n"
          "legal basis and until when, and every move in between, in an append-only,\n"
          "tamper-evident log.\n"
          "\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fputs("\n"
          "options (before the command, or after it like its own options):\n"
          "  --db FILE      the ledger (default ./habeas.db, or $HABEAS_DB)\n"
          "  --json         JSON output, for programs\n"
          "  -h, --help     show help (habeas COMMAND --help: that command's help)\n"
          "  -V, --version  print the version\n"
          "\n"
          "exit status: 0 ok; 1 rule violations found (verify: the ledger was altered);\n"
          "2 bad input or usage (nothing was changed); 3 internal or storage error.\n"
          "\n"
          "examples:\n"
          "  habeas init --db habeas.db\n"
          "  habeas import events.jsonl --db habeas.db\n"
          "  habeas person P-000123 --db habeas.db\n"
          "  habeas help import\n",
          f);
}

static const command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0) return &COMMANDS[i];
    return NULL;
}

/* Levenshtein distance, capped: names are short. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31 || lb > 31) return 99;
    size_t d[32][32];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static int unknown_command(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3; /* suggest only within two edits, or a prefix */
    for (size_t i = 0; i < N_COMMANDS; i++) {
        size_t d = distance(name, COMMANDS[i].name);
        if (*name && strncmp(COMMANDS[i].name, name, strlen(name)) == 0) d = 1;
        if (d < best_d) {
            best_d = d;
            best = COMMANDS[i].name;
        }
    }
    fprintf(stderr, "habeas: \"%s\" is not a habeas command", name);
    if (best) fprintf(stderr, "; did you mean \"%s\"?", best);
    fprintf(stderr, "\nsee \"habeas help\" for the list of commands\n");
    return HB_EINPUT;
}

static int run(const command *c, int argc, char **argv)
{
    int rc = c->fn(argc, argv);
    fflush(stdout);
    return rc;
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs("usage: habeas help [COMMAND]\n"
              "\n"
              "Without COMMAND: the list of commands. With it: that command's options,\n"
              "each with its meaning, and examples (the same as habeas COMMAND --help).\n"
              "\n"
              "example:\n"
              "  habeas help import\n",
              stdout);
        return 0;
    }
    if (argc == 1) {
        overview(stdout);
        return 0;
    }
    if (argc > 2) {
        fprintf(stderr, "habeas help: unexpected argument \"%s\"\nsee \"habeas help --help\"\n",
                argv[2]);
        return HB_EINPUT;
    }
    const command *c = find(argv[1]);
    if (!c) return unknown_command(argv[1]);
    char *sub[] = {argv[1], "--help", NULL};
    return run(c, 2, sub);
}

/* Options before the command: --db X, --db=X, --json, --help, --version. */
typedef struct {
    char *pass[8]; /* handed to the command */
    int npass;
    bool help;
} globals;

static int global_error(const char *fmt, const char *arg)
{
    fputs("habeas: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nsee \"habeas help\"\n", stderr);
    return HB_EINPUT;
}

/* Returns the index of the command in argv, or -1 with *rc set when done. */
static int parse_globals(int argc, char **argv, globals *g, int *rc)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        char *a = argv[i];
        if (strcmp(a, "--") == 0) return i + 1;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            g->help = true;
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("habeas %s\n", HB_VERSION);
            *rc = 0;
            return -1;
        } else if (strcmp(a, "--json") == 0 || strncmp(a, "--db=", 5) == 0) {
            if (g->npass < 8) g->pass[g->npass++] = a;
        } else if (strcmp(a, "--db") == 0) {
            if (i + 1 >= argc) {
                *rc = global_error("option \"%s\" needs a value", a);
                return -1;
            }
            if (g->npass < 7) {
                g->pass[g->npass++] = a;
                g->pass[g->npass++] = argv[i + 1];
            }
            i++;
        } else {
            *rc = global_error("unknown option \"%s\" before the command", a);
            return -1;
        }
    }
    return i;
}

int cli_main(int argc, char **argv)
{
    globals g = {{NULL}, 0, false};
    int rc = 0;
    int at = parse_globals(argc, argv, &g, &rc);
    if (at < 0) return rc;
    if (at >= argc) {
        if (g.help) {
            overview(stdout);
            return 0;
        }
        fputs("habeas: no command given\n\n", stderr);
        overview(stderr);
        return HB_EINPUT;
    }
    const command *c = find(argv[at]);
    if (!c) return unknown_command(argv[at]);
    if (c->fn == cmd_help) return run(c, argc - at, argv + at);
    /* argv for the command: its name, the global options, --help if asked, the rest. */
    int n = 1 + g.npass + (g.help ? 1 : 0) + (argc - at - 1);
    char **sub = calloc((size_t)n + 1, sizeof *sub);
    if (!sub) {
        fputs("habeas: out of memory\n", stderr);
        return HB_EINTERNAL;
    }
    int k = 0;
    sub[k++] = argv[at];
    for (int j = 0; j < g.npass; j++)
        sub[k++] = g.pass[j];
    if (g.help) sub[k++] = "--help";
    for (int j = at + 1; j < argc; j++)
        sub[k++] = argv[j];
    rc = run(c, k, sub);
    free(sub);
    return rc;
}
