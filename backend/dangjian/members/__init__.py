"""The member roster (党员花名册): records, status events, lists, statistics (MEM-01..09)."""
