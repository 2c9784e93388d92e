/* `habeas token create|list|revoke`: the API's Bearer tokens (docs/auth.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "http/tokens.h"

static const char USAGE[] =
    "usage: habeas token create --role ROLE --name NAME [--db FILE] [--json]\n"
    "       habeas token list [--db FILE] [--json]\n"
    "       habeas token revoke ID|NAME [--db FILE] [--json]\n"
    "\n"
    "Bearer tokens for `habeas serve`. create makes a random 256-bit token and\n"
    "prints it once on stdout: habeas keeps only its SHA-256 and can never show it\n"
    "again. list shows every token (id, name, role, created, revoked), never a\n"
    "secret. revoke ends a token at once, by id or by the name of a valid token;\n"
    "a revoked token is kept in the list, and its name may be given to a new one.\n"
    "\n"
    "roles: admin, records, transport, court, inspector (docs/auth.md says what\n"
    "each may do; the public needs no token).\n"
    "\n"
    "options:\n"
    "  --role ROLE  the new token's role\n"
    "  --name NAME  who or what holds it (one line; not all digits)\n"
    "  --json       JSON output\n"
    "  --db FILE    the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 ok; 2 bad input (unknown role, token or name: nothing was\n"
    "changed); 3 storage error.\n"
    "\n"
    "examples:\n"
    "  habeas token create --role court --name \"District Court clerk\"\n"
    "  habeas token list --json\n"
    "  habeas token revoke \"District Court clerk\"\n";

static json_t *info_json(const token_info *t)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)t->id, "name", t->name, "role",
                     http_role_name(t->role), "created_at", t->created_at, "revoked_at",
                     t->revoked_at[0] ? json_string(t->revoked_at) : json_null());
}

static int open_store(const opts *o, store **st)
{
    hb_err err = {0};
    int rc = store_open(o->db, STORE_OPEN, st, &err);
    return rc ? out_fail(&err, rc) : 0;
}

static int create(const opts *o, store *st, const char *role, const char *name)
{
    if (!role) return opts_usage_error(o, "create needs --role ROLE");
    if (!name) return opts_usage_error(o, "create needs --name NAME");
    int r = http_role_of(role);
    if (r <= (int)ROLE_PUBLIC)
        return opts_usage_error(o,
                                "unknown role \"%s\": use admin, records, transport, court or "
                                "inspector",
                                role);
    char *secret;
    token_info t;
    hb_err err = {0};
    int rc = tokens_create(st, (http_role)r, name, &secret, &t, &err);
    if (rc) return out_fail(&err, rc);
    if (o->json) {
        json_t *j = info_json(&t);
        if (j) json_object_set_new(j, "token", json_string(secret));
        rc = out_json(j);
    } else {
        printf("%s\n", secret);
    }
    free(secret);
    fprintf(stderr,
            "habeas: token %" PRId64 " \"%s\" (%s) created. This is the only time its secret is "
            "shown: habeas stores only its SHA-256, so keep it now.\n",
            t.id, t.name, http_role_name(t.role));
    return rc;
}

static int list(const opts *o, store *st)
{
    token_info *v;
    size_t n;
    hb_err err = {0};
    int rc = tokens_list(st, &v, &n, &err);
    if (rc) return out_fail(&err, rc);
    if (o->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, info_json(&v[i]));
        rc = out_json(arr ? json_pack("{s:o}", "tokens", arr) : NULL);
    } else if (!n) {
        printf("no tokens: make one with `habeas token create --role ROLE --name NAME`\n");
    } else {
        out_table tab;
        out_table_init(&tab, 5, "rllll");
        const char *head[] = {"ID", "NAME", "ROLE", "CREATED", "REVOKED"};
        rc = out_table_add(&tab, head);
        for (size_t i = 0; !rc && i < n; i++) {
            char id[24], created[28], revoked[28];
            snprintf(id, sizeof id, "%" PRId64, v[i].id);
            snprintf(created, sizeof created, "%.19sZ", v[i].created_at);
            snprintf(revoked, sizeof revoked, v[i].revoked_at[0] ? "%.19sZ" : "-", v[i].revoked_at);
            const char *row[] = {id, v[i].name, http_role_name(v[i].role), created, revoked};
            rc = out_table_add(&tab, row);
        }
        if (!rc) out_table_print(&tab, stdout, "");
        out_table_free(&tab);
    }
    free(v);
    return rc;
}

static int revoke(const opts *o, store *st, const char *which)
{
    token_info t;
    hb_err err = {0};
    int rc = tokens_revoke(st, which, &t, &err);
    if (rc) return out_fail(&err, rc);
    if (o->json) return out_json(info_json(&t));
    printf("revoked token %" PRId64 " \"%s\" (%s) at %s\n", t.id, t.name, http_role_name(t.role),
           t.revoked_at);
    return 0;
}

static int run_sub(const opts *o, store *st, const char *sub, const char *role, const char *name)
{
    if (!strcmp(sub, "create")) {
        int rc = opts_nargs(o, 1, 1, "");
        return rc ? rc : create(o, st, role, name);
    }
    if (role || name) return opts_usage_error(o, "--role and --name are for `token create`");
    if (!strcmp(sub, "list")) {
        int rc = opts_nargs(o, 1, 1, "");
        return rc ? rc : list(o, st);
    }
    int rc = opts_nargs(o, 2, 2, "the token to revoke (its ID or NAME)");
    return rc ? rc : revoke(o, st, o->args[1]);
}

int cmd_token(int argc, char **argv)
{
    const char *role = NULL, *name = NULL;
    const opts_extra extra[] = {{"role", &role, NULL}, {"name", &name, NULL}};
    opts o;
    int rc = opts_parse(&o, "token", USAGE, argc, argv, extra, 2);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 1, 2, "what to do: create, list or revoke"))) return rc;
    const char *sub = o.args[0];
    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "revoke"))
        return opts_usage_error(&o, "unknown action \"%s\": use create, list or revoke", sub);
    store *st;
    if ((rc = open_store(&o, &st))) return rc;
    rc = run_sub(&o, st, sub, role, name);
    store_close(st);
    return rc;
}
