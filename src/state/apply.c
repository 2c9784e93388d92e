/* apply: state_apply dispatches one checked event to the apply_* function of its
 * concept. On HB_EINTERNAL (out of memory) the projection may be half-changed:
 * inside a transaction roll back; during replay discard the state. */
#include "state/state_internal.h"

/* Undo entries an event can need at most: a touch of each entity it changes,
 * and for a transfer step the person entries too (each person's change of place
 * reserves its own UNDO_MOVE when it comes). Reserved up front so that recording
 * cannot fail half-way. */
static size_t undo_estimate(const event *ev)
{
    int32_t n = 0;
    switch (ev->type) {
    case EV_TRANSFER_PROPOSED:
        n = ev->u.transfer_proposed.persons.n;
        break;
    case EV_TRANSFER_APPROVED:
    case EV_TRANSFER_CANCELLED:
    case EV_TRANSFER_DEPARTED:
    case EV_TRANSFER_ARRIVED:
        n = ev->u.transfer_step.persons.n;
        break;
    case EV_COUNT_RECORDED:
        n = ev->u.count_recorded.present.n;
        break;
    case EV_HOLD_PLACED:
        n = ev->u.hold_placed.scope.persons.n;
        break;
    case EV_AGREEMENT_SIGNED:
        n = ev->u.agreement_signed.facilities.n;
        break;
    default:
        break;
    }
    return UNDO_MOVE + (2 * UNDO_TOUCH + 4) * (size_t)(n > 0 ? n : 0);
}

static int dispatch(state *s, int64_t seq, const event *ev)
{
    switch (ev->type) {
    case EV_FACILITY_REGISTERED:
        return apply_facility(s, seq, ev);
    case EV_UNIT_CERTIFIED:
        return apply_unit(s, seq, ev);
    case EV_AGREEMENT_SIGNED:
        return apply_agreement(s, seq, ev);
    case EV_PERSON_REGISTERED: /* then the name index files the new person */
        return apply_person(s, seq, ev) || st_names_add(s, s->persons.n - 1) ? HB_EINTERNAL : 0;
    case EV_STATUS_RECORDED:
    case EV_CONVICTION_RECORDED:
    case EV_ALLEGATION_RECORDED:
    case EV_CONSENT_RECORDED:
    case EV_WORK_LOGGED:
        return apply_person_record(s, seq, ev);
    case EV_HOLD_PLACED:
    case EV_HOLD_LIFTED:
        return apply_hold(s, seq, ev);
    case EV_CUSTODY_ADMITTED:
    case EV_CUSTODY_MOVED:
    case EV_CUSTODY_RELEASED:
    case EV_CUSTODY_DIED:
        return apply_custody(s, seq, ev);
    case EV_TRANSFER_PROPOSED:
    case EV_TRANSFER_APPROVED:
    case EV_TRANSFER_CANCELLED:
    case EV_TRANSFER_DEPARTED:
    case EV_TRANSFER_ARRIVED:
        return apply_transfer(s, seq, ev);
    case EV_COUNT_RECORDED:
    case EV_CONDITION_OBSERVED:
        return apply_facility_record(s, seq, ev);
    default:
        return HB_EINTERNAL;
    }
}

int state_apply(state *s, int64_t seq, const event *ev)
{
    if (undo_reserve(s, undo_estimate(ev))) return HB_EINTERNAL;
    int rc = dispatch(s, seq, ev);
    if (s->in_txn && !s->txn_last_saved) {
        st_save(s, &s->last_seq, sizeof s->last_seq);
        s->txn_last_saved = true;
    }
    s->last_seq = seq;
    return rc || s->undo_lost ? HB_EINTERNAL : 0;
}
