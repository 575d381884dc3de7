"""The rosters, books and ledgers (台帐) as exports (LEDG-01), kept from the records as the work
is done: one module per family — `meetings` (党员大会记录簿, 支委会记录簿) and `dues`
(党费收缴登记册). This module names the functions the router calls.
"""

from dangjian.ledgers.service.dues import dues_register
from dangjian.ledgers.service.meetings import LedgerBook, meeting_ledger

__all__ = ["LedgerBook", "dues_register", "meeting_ledger"]
