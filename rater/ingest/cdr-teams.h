/* cdr-teams.h — the Teams call-record rules that the admin center CSV
 * exports (cdr-teams-pstn.c, cdr-teams-dr.c) and the Microsoft Graph call
 * records (cdr-graph.c) share, so that the same call reads the same from
 * either source.
 */
#pragma once

#include "ingest/cdr.h"

/* Direction of a PSTN / Operator Connect call type: "*_in" is inbound,
 * "*_out*" outbound (user_out_conf, oc_fmc_out...).  FALSE for others. */
gboolean cdr_teams_pstn_direction (CdrText type, CdrDirection *dir);

/* Direction of a Direct Routing call type (dr_in, dr_out..., ByotIn...).
 * FALSE for an unknown type. */
gboolean cdr_teams_dr_direction (CdrText type, CdrDirection *dir);

/* An unset Teams time: empty, or year 0001 (0001-01-01T00:00:00Z). */
gboolean cdr_teams_time_unset (CdrText t);

/* The key of a Direct Routing leg with its own correlation id OWN and the
 * SHARED correlation id of the call (empty when none): a leg of a
 * multi-leg call is stored under SHARED with OWN as leg id, the outbound
 * (forward/transfer) leg outranking the inbound one.  CALL's direction must
 * be set; its text borrows OWN and SHARED. */
void cdr_teams_dr_key (CdrCall *call, CdrText own, CdrText shared);
