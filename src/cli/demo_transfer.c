/* The day of the transfer: the agreement, the court orders, the plan, the two
 * flights, the arrival and the admission at F-CECOT. Times are Eastern (-04:00)
 * in the US and -06:00 in El Salvador, as the records on each side would be. */
#include <stdio.h>
#include "cli/demo_internal.h"

#define COURT "U.S. District Court for the District of Columbia"
#define COURT_CASE "1:25-cv-00766"
#define STAYED 30     /* transfer person with a stay of removal */
#define NAMED_FIRST 1 /* transfer persons 1 .. 5 are named in the morning's order */
#define NAMED_LAST 5
#define FIRST_FLIGHT 129 /* persons on the 17:25 flight; the rest take the 17:45 */

/* Taken off the list before the flights: the stay, and two asylum claims. */
static bool kept_back(int t)
{
    return t == STAYED || t == 100 || t == 140;
}

typedef bool (*tp_filter)(const demo_ctx *d, int t);

static bool all(const demo_ctx *d, int t)
{
    (void)d;
    (void)t;
    return true;
}
static bool cancelled(const demo_ctx *d, int t)
{
    (void)d;
    return kept_back(t);
}
static bool cleared(const demo_ctx *d, int t)
{
    return d->cleared[t];
}
static bool named(const demo_ctx *d, int t)
{
    (void)d;
    return t >= NAMED_FIRST && t <= NAMED_LAST;
}

/* Which flight each person who departed took: 1 or 2 (0: did not depart). */
static int flight(int t)
{
    if (kept_back(t)) return 0;
    int before = 0; /* kept back before t */
    for (int k = 0; k < t; k++)
        before += kept_back(k);
    return t - before < FIRST_FLIGHT ? 1 : 2;
}
static bool flight1(const demo_ctx *d, int t)
{
    (void)d;
    return flight(t) == 1;
}
static bool flight2(const demo_ctx *d, int t)
{
    (void)d;
    return flight(t) == 2;
}

static void persons(demo_ctx *d, const char *key, tp_filter f)
{
    char id[32];
    synth_w_array(&d->w, key);
    for (int t = 0; t < DEMO_TRANSFER_PERSONS; t++) {
        if (!f(d, t)) continue;
        demo_person_id(id, demo_tp(t));
        synth_w_str(&d->w, NULL, id);
    }
    synth_w_close(&d->w, ']');
}

static void agreement(demo_ctx *d)
{
    char at[32];
    demo_at(at, 2025, 3, 14, 10, 0, DEMO_SV_OFFSET);
    synth_w *w = &d->w;
    synth_w_begin(w, "agreement.signed", at);
    synth_w_str(w, "agreement", DEMO_AGREEMENT);
    synth_w_str(w, "sending_state", "US");
    synth_w_str(w, "receiving_state", "SV");
    synth_w_array(w, "facilities");
    synth_w_str(w, NULL, DEMO_PRISON);
    synth_w_close(w, ']');
    synth_w_date(w, "starts", synth_date(2025, 3, 15));
    synth_w_date(w, "ends", synth_date(2026, 3, 14));
    /* Six million dollars for 238 people for a year: about 25,000 per person-year,
     * against about 60,000 for detention at home. */
    synth_w_object(w, "fee");
    synth_w_int(w, "amount", 600000000);
    synth_w_str(w, "currency", "USD");
    synth_w_int(w, "persons", 238);
    synth_w_int(w, "days", 365);
    synth_w_close(w, '}');
    synth_w_object(w, "baseline_cost");
    synth_w_int(w, "amount", 6000000);
    synth_w_str(w, "currency", "USD");
    synth_w_str(w, "per", "person_year");
    synth_w_close(w, '}');
    synth_w_object(w, "conditions");
    synth_w_bool(w, "require_final_conviction", 1);
    synth_w_bool(w, "allow_sending_state_nationals", 0);
    synth_w_bool(w, "require_consent", 0);
    synth_w_str(w, "nationalities", "any");
    synth_w_int(w, "max_persons", 238);
    synth_w_close(w, '}');
    synth_w_end(w);
}

/* A hold: scope is either the persons f selects or an authority. */
static void hold(demo_ctx *d, const char *at, const char *id, const char *kind,
                 const char *issued_by, const char *case_, tp_filter f, const char *authority)
{
    synth_w *w = &d->w;
    synth_w_begin(w, "hold.placed", at);
    synth_w_str(w, "hold", id);
    synth_w_str(w, "kind", kind);
    synth_w_str(w, "issued_by", issued_by);
    synth_w_str(w, "case", case_);
    synth_w_str(w, "effective_from", at);
    synth_w_object(w, "scope");
    if (f) persons(d, "persons", f);
    synth_w_str(w, "authority", authority);
    synth_w_close(w, '}');
    synth_w_end(w);
}

static bool stayed(const demo_ctx *d, int t)
{
    (void)d;
    return t == STAYED;
}

static void step(demo_ctx *d, const char *type, const char *at, tp_filter f)
{
    synth_w_begin(&d->w, type, at);
    synth_w_str(&d->w, "transfer", DEMO_TRANSFER);
    persons(d, "persons", f);
    synth_w_end(&d->w);
}

static void proposed(demo_ctx *d)
{
    char at[32], planned[32];
    demo_at(at, 2025, 3, 15, 7, 30, DEMO_US_OFFSET);
    demo_at(planned, 2025, 3, 15, 17, 25, DEMO_US_OFFSET);
    synth_w *w = &d->w;
    synth_w_begin(w, "transfer.proposed", at);
    synth_w_str(w, "transfer", DEMO_TRANSFER);
    synth_w_str(w, "from_facility", DEMO_CENTER);
    synth_w_str(w, "to_facility", DEMO_PRISON);
    synth_w_str(w, "agreement", DEMO_AGREEMENT);
    synth_w_str(w, "authority", DEMO_AUTHORITY);
    persons(d, "persons", all);
    synth_w_str(w, "departure_planned", planned);
    synth_w_end(w);
}

/* Each arrival is admitted to module 8, filling one cell before the next. */
static void admit_arrivals(demo_ctx *d)
{
    char at[32], id[32], unit[16];
    int cell = 7 * DEMO_CELLS_PER_MODULE;
    for (int t = 0; t < DEMO_TRANSFER_PERSONS; t++) {
        if (!flight(t)) continue;
        while (d->held[cell] >= d->cap[cell])
            cell++;
        d->held[cell]++;
        d->cell_of[demo_tp(t)] = (int16_t)cell;
        d->departed[t] = true;
        demo_person_id(id, demo_tp(t));
        demo_cell_id(unit, cell);
        demo_at(at, 2025, 3, 16, 9, 0, DEMO_SV_OFFSET);
        synth_ev_admitted(&d->w, at, id, DEMO_PRISON, unit, "agreement", DEMO_AGREEMENT,
                          synth_date(2026, 3, 14), HB_DATE_ABSENT);
    }
}

void demo_transfer(demo_ctx *d)
{
    char at[32], a_number[32];
    agreement(d);
    demo_at(at, 2025, 3, 14, 16, 0, DEMO_US_OFFSET);
    snprintf(a_number, sizeof a_number, "BIA appeal 2025-%04d", STAYED);
    hold(d, at, "H-BIA-2025-0314", "stay_of_removal", "Board of Immigration Appeals", a_number,
         stayed, NULL);
    proposed(d);
    /* Morning: a temporary restraining order for the named plaintiffs. */
    demo_at(at, 2025, 3, 15, 9, 40, DEMO_US_OFFSET);
    hold(d, at, "H-DDC-2025-0315-A", "court_order", COURT, COURT_CASE, named, NULL);
    /* Noon: approval of those the rules clear then; the rest stay proposed. */
    demo_at(at, 2025, 3, 15, 12, 0, DEMO_US_OFFSET);
    if (demo_clear(d, at)) d->w.rc = HB_EINTERNAL;
    step(d, "transfer.approved", at, cleared);
    demo_at(at, 2025, 3, 15, 17, 0, DEMO_US_OFFSET);
    step(d, "transfer.cancelled", at, cancelled);
    demo_at(at, 2025, 3, 15, 17, 25, DEMO_US_OFFSET);
    step(d, "transfer.departed", at, flight1);
    demo_at(at, 2025, 3, 15, 17, 45, DEMO_US_OFFSET);
    step(d, "transfer.departed", at, flight2);
    /* Evening: the order extended to everyone removed under the proclamation,
     * an hour and more after both planes had left. */
    demo_at(at, 2025, 3, 15, 18, 47, DEMO_US_OFFSET);
    hold(d, at, "H-DDC-2025-0315-B", "court_order", COURT, COURT_CASE, NULL, DEMO_AUTHORITY);
    demo_at(at, 2025, 3, 16, 6, 5, DEMO_SV_OFFSET);
    step(d, "transfer.arrived", at, flight1);
    demo_at(at, 2025, 3, 16, 6, 25, DEMO_SV_OFFSET);
    step(d, "transfer.arrived", at, flight2);
    admit_arrivals(d);
}
