/* `habeas report profile [NAME|FILE]`: the standards profiles built in, one of
 * them as shipped, or a user's profile file checked (docs/profiles.md). Needs no
 * ledger: profiles are part of the binary. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "http/findings_open.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "cli/report.h"

static const char USAGE[] =
    "usage: habeas report profile [NAME|FILE] [--json]\n"
    "\n"
    "Without an argument: the standards profiles built into habeas (the first is the\n"
    "default that `habeas report findings` uses), each with its description.\n"
    "With NAME: that built-in profile in full, its JSON as shipped: every threshold\n"
    "with its source, every finding code with its severity and standard.\n"
    "With the path of a profile FILE of your own: checks it as `report findings\n"
    "--profile FILE` would and prints it when it is valid; when it is not, says what\n"
    "is wrong and where (the JSON path), and exits 2.\n"
    "\n"
    "options:\n"
    "  --json       the list as JSON (a profile is printed as JSON either way)\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 ok; 2 an unknown profile, or a file that is not a valid profile.\n"
    "\n"
    "examples:\n"
    "  habeas report profile\n"
    "  habeas report profile mandela-cpt > my-profile.json\n"
    "  habeas report profile my-profile.json\n";

#define WRAP_COLUMNS 80

/* text at indent, wrapped at spaces to WRAP_COLUMNS; a long word stands alone. */
static void print_wrapped(const char *text, const char *indent)
{
    size_t col = 0;
    while (*text) {
        size_t n = strcspn(text, " ");
        if (col && col + 1 + n > WRAP_COLUMNS) {
            putchar('\n');
            col = 0;
        }
        if (!col)
            col = (size_t)printf("%s", indent);
        else
            col += (size_t)printf(" ");
        col += fwrite(text, 1, n, stdout);
        text += n;
        while (*text == ' ')
            text++;
    }
    putchar('\n');
}

static int list_text(void)
{
    const char *const *names = profile_builtin_names();
    puts("built-in standards profiles:");
    for (size_t i = 0; names[i]; i++) {
        profile p;
        hb_err err = {0};
        if (profile_builtin(names[i], &p, &err)) return out_fail(&err, HB_EINTERNAL);
        printf("\n  %s%s\n", names[i], i ? "" : " (the default)");
        print_wrapped(p.description, "    ");
        profile_free(&p);
    }
    puts("\nhabeas report profile NAME prints one in full.");
    return 0;
}

static int list_json(void)
{
    const char *const *names = profile_builtin_names();
    json_t *a = json_array();
    for (size_t i = 0; a && names[i]; i++) {
        profile p;
        hb_err err = {0};
        if (profile_builtin(names[i], &p, &err)) {
            json_decref(a);
            return out_fail(&err, HB_EINTERNAL);
        }
        if (json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "name", names[i], "description",
                                               p.description, "default", i == 0))) {
            json_decref(a);
            a = NULL;
        }
        profile_free(&p);
    }
    return out_json(json_pack("{s:o}", "profiles", a));
}

/* A built-in profile as shipped, or a user's file once it parses. */
static int show_one(const char *arg)
{
    const char *text = profile_builtin_text(arg);
    if (text) {
        fputs(text, stdout);
        return 0;
    }
    profile p;
    hb_err err = {0};
    int rc = findings_open_profile(arg, &p, &err);
    if (rc) return out_fail(&err, rc);
    profile_free(&p);
    FILE *f = fopen(arg, "rb");
    if (!f) {
        out_error("cannot read profile %s", arg);
        return HB_EINPUT;
    }
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, stdout);
    fclose(f);
    return 0;
}

int report_profile(int argc, char **argv)
{
    opts o;
    int rc = opts_parse(&o, "report profile", USAGE, argc, argv, NULL, 0);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 1, "nothing"))) return rc;
    if (o.nargs == 1) return show_one(o.args[0]);
    return o.json ? list_json() : list_text();
}
