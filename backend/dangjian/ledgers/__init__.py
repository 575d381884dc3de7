"""The rosters, books and ledgers (台帐) as exports, kept from the records as the work is done."""
