"""Compliance reports on organisation life: meetings held against the work-system policy
(MTG-02, MTG-03), each member's attendance (MTG-09) and the absence ladder (DISC-01).

Every count is one SQL aggregate over the subtree; Python only walks the aggregates. The reports
find facts and cases; people judge them. Members are listed by name, never ranked by a rate.

Calendar months, quarters and years are those of the configured zone (`dangjian.core.clock`,
China time by default): a meeting's `starts_at` is stored in UTC and is placed in the local month
it took place in.

The package is split by section (periods, common, meeting_counts, attendance_counts,
absence_cases); this module names the functions routers and other packages call.
"""

from dangjian.compliance.service.absence_cases import AbsenceRun, absence_run, absences
from dangjian.compliance.service.attendance_counts import attendance
from dangjian.compliance.service.common import attendance_class, within
from dangjian.compliance.service.meeting_counts import (
    COMMITTEE_MIN_FORMAL,
    frequency_key,
    meeting_compliance,
    required_of,
)
from dangjian.compliance.service.periods import (
    POLICY_MONTHS,
    PolicyPeriod,
    Regime,
    Window,
    colour,
    counted_periods,
    policy_periods,
    policy_window,
    window_of,
)

__all__ = [
    "COMMITTEE_MIN_FORMAL",
    "POLICY_MONTHS",
    "AbsenceRun",
    "PolicyPeriod",
    "Regime",
    "Window",
    "absence_run",
    "absences",
    "attendance",
    "attendance_class",
    "colour",
    "counted_periods",
    "frequency_key",
    "meeting_compliance",
    "policy_periods",
    "policy_window",
    "required_of",
    "window_of",
    "within",
]
