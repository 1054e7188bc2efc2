"""PV installations: a house's panels, their self-consumption registration (CAU, CNMC table 113) and their hourly
production, read from the inverter's monitoring platform month by month."""
