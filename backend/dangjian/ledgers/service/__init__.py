"""The rosters, books and ledgers (台帐) as exports (LEDG-01), kept from the records as the work
is done: one module per family — `meetings` (党员大会记录簿, 支委会记录簿) and `dues`
(党费收缴登记册, 收缴记录, 欠交党费提醒名单). This module names the functions the router calls.
"""

from dangjian.ledgers.service.dues import arrears_export, dues_register, payments_export
from dangjian.ledgers.service.meetings import LedgerBook, meeting_ledger

__all__ = ["LedgerBook", "arrears_export", "dues_register", "meeting_ledger", "payments_export"]
