"""Party dues (党费): the rates and amounts of DUES-01/02; ledgers come later."""
