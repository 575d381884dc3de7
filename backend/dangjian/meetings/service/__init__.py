"""Meetings: life cycle, expected attendees from the roster, leave and sign-in, computed quorum and
votes, agenda, minutes and their confidentiality, follow-up of resolutions (MTG-01..10, MEM-03/04).

The package is split by section (common, reads, attendance, agenda, lifecycle, mine, resolutions);
this module names the functions routers and other packages call.
"""

from dangjian.meetings.service.agenda import decide_topic, propose_topic, record_vote
from dangjian.meetings.service.attendance import (
    add_attendee,
    decide_leave,
    sign_in_sheet,
    update_attendee,
)
from dangjian.meetings.service.common import WrongState, managed, record
from dangjian.meetings.service.lifecycle import (
    approve_minutes,
    archive,
    cancel,
    create_meeting,
    hold,
    minutes_of,
    notify,
    save_minutes,
    update_meeting,
    visible_to,
)
from dangjian.meetings.service.mine import (
    check_in,
    check_in_code,
    my_meeting,
    my_meetings,
    request_leave,
    send_opinion,
)
from dangjian.meetings.service.reads import get_meeting, list_meetings, may_see_minutes
from dangjian.meetings.service.resolutions import list_resolutions, update_follow_up

__all__ = [
    "WrongState",
    "add_attendee",
    "approve_minutes",
    "archive",
    "cancel",
    "check_in",
    "check_in_code",
    "create_meeting",
    "decide_leave",
    "decide_topic",
    "get_meeting",
    "hold",
    "list_meetings",
    "list_resolutions",
    "managed",
    "may_see_minutes",
    "minutes_of",
    "my_meeting",
    "my_meetings",
    "notify",
    "propose_topic",
    "record",
    "record_vote",
    "request_leave",
    "save_minutes",
    "send_opinion",
    "sign_in_sheet",
    "update_attendee",
    "update_follow_up",
    "update_meeting",
    "visible_to",
]
