/* `habeas serve`: the HTTP API over a ledger, until SIGTERM or SIGINT. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/out.h"
#include "util/hbtime.h"
#include "http/app.h"
#include "http/server.h"

/* How long a stop waits for requests in flight before closing them. */
#define STOP_WAIT_MS 10000

static const char USAGE[] =
    "usage: habeas serve [--db FILE] [--listen ADDR] [--profile P] [--body-limit BYTES]\n"
    "                    [--header-limit BYTES] [--json-depth N] [--locate-rate N]\n"
    "                    [--threads N]\n"
    "\n"
    "Serves the ledger over HTTP (JSON under /v1/, docs/http.md) until SIGTERM or\n"
    "SIGINT (Ctrl-C), then stops accepting, lets the requests in flight finish (up\n"
    "to 10 s) and exits 0. Prints the URL it listens on once it is ready.\n"
    "\n"
    "options:\n"
    "  --db FILE             the ledger (default ./habeas.db, or $HABEAS_DB)\n"
    "  --listen ADDR         HOST:PORT, [IPv6]:PORT or :PORT (loopback); port 0 picks a\n"
    "                        free port (default 127.0.0.1:8080: this machine only)\n"
    "  --profile P           the standards profile for findings (a built-in name or a\n"
    "                        file; default: the default profile)\n"
    "  --body-limit BYTES    largest request body accepted (default 16777216 = 16 MiB)\n"
    "  --header-limit BYTES  memory per connection for the request line and headers\n"
    "                        (default 8192, at least 4096)\n"
    "  --json-depth N        deepest nesting of arrays/objects in a body (default 64)\n"
    "  --locate-rate N       public locator requests per minute per address (default\n"
    "                        60; 0: no limit)\n"
    "  --threads N           worker threads (default: one per core)\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status: 0 stopped by a signal; 2 bad options, no ledger, address in use;\n"
    "3 internal or storage error.\n"
    "\n"
    "examples:\n"
    "  habeas serve --db habeas.db\n"
    "  habeas serve --db habeas.db --listen :0 --threads 4\n";

typedef struct {
    const char *listen, *profile, *body, *header, *depth, *rate, *threads;
} serve_args;

static int read_config(const opts *o, const serve_args *a, http_config *cfg, http_server_config *sc)
{
    http_config_default(cfg);
    cfg->db = o->db;
    cfg->profile = a->profile;
    int64_t body = (int64_t)cfg->body_limit, depth = cfg->json_depth, rate = cfg->locate_rate;
    int64_t header = (int64_t)HTTP_SERVER_DEFAULT_HEADER_LIMIT, threads = 0;
    int rc;
    if ((rc = opts_int(o, "--body-limit", a->body, 1, &body)) ||
        (rc = opts_int(o, "--header-limit", a->header, (int64_t)HTTP_SERVER_MIN_HEADER_LIMIT,
                       &header)) ||
        (rc = opts_int(o, "--json-depth", a->depth, 1, &depth)) ||
        (rc = opts_int(o, "--locate-rate", a->rate, 0, &rate)) ||
        (rc = opts_int(o, "--threads", a->threads, 1, &threads)))
        return rc;
    if (depth > 10000) return opts_usage_error(o, "--json-depth: at most 10000");
    if (rate > 1000000) return opts_usage_error(o, "--locate-rate: at most 1000000 a minute");
    if (threads > 1024) return opts_usage_error(o, "--threads: at most 1024");
    if (header > (int64_t)1 << 30) return opts_usage_error(o, "--header-limit: at most 1 GiB");
    cfg->body_limit = (size_t)body;
    cfg->json_depth = (int)depth;
    cfg->locate_rate = (int)rate;
    *sc = (http_server_config){a->listen, (unsigned)threads, (size_t)header};
    char host[64];
    int port;
    hb_err err = {0};
    if (http_server_parse_listen(a->listen, host, &port, &err))
        return opts_usage_error(o, "%s", err.msg);
    return 0;
}

/* Blocked in every thread (MHD's inherit the mask), so only sigwait sees them. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Findings standing or raised by events, as of now (timed ones not yet due and
 * cleared standing ones are not counted). */
static size_t findings_now(const findings *f)
{
    int64_t now = hbtime_now();
    size_t n = 0;
    for (size_t i = 0; i < findings_count(f); i++)
        n += findings_active(findings_at(f, i), now);
    return n;
}

static int serve(const opts *o, http_app *app, const http_server_config *sc, sigset_t *set)
{
    http_server *srv;
    hb_err err = {0};
    int rc = http_server_start(app, sc, &srv, &err);
    if (rc) return out_fail(&err, rc);
    printf("habeas: serving %s at %s (%" PRId64 " events, %zu findings now)\n", o->db,
           http_server_url(srv), ledger_size(app->l), findings_now(app->f));
    fflush(stdout);
    int sig = 0;
    sigwait(set, &sig);
    printf("habeas: stopping on %s (finishing %u requests)\n", sig == SIGINT ? "SIGINT" : "SIGTERM",
           http_server_in_flight(srv));
    fflush(stdout);
    unsigned left = http_server_stop(srv, STOP_WAIT_MS);
    if (left)
        out_error("%u requests did not finish in %d s and were cut off", left, STOP_WAIT_MS / 1000);
    printf("habeas: stopped\n");
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    opts o;
    serve_args a = {0};
    opts_extra extra[] = {{"listen", &a.listen, NULL},    {"profile", &a.profile, NULL},
                          {"body-limit", &a.body, NULL},  {"header-limit", &a.header, NULL},
                          {"json-depth", &a.depth, NULL}, {"locate-rate", &a.rate, NULL},
                          {"threads", &a.threads, NULL}};
    int rc = opts_parse(&o, "serve", USAGE, argc, argv, extra, sizeof extra / sizeof *extra);
    if (rc || o.help) return rc;
    if ((rc = opts_nargs(&o, 0, 0, ""))) return rc;
    if (o.json) return opts_usage_error(&o, "serve has no --json output (it answers in JSON)");
    http_config cfg;
    http_server_config sc;
    if ((rc = read_config(&o, &a, &cfg, &sc))) return rc;
    sigset_t set;
    block_signals(&set);
    http_app *app;
    hb_err err = {0};
    if ((rc = http_app_open(&cfg, &app, &err))) return out_fail(&err, rc);
    rc = serve(&o, app, &sc, &set);
    http_app_close(app);
    return rc;
}
