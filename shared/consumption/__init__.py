"""Consumption as the portal and the app show it: stored hours by hour, day or month, with tariff periods."""
