"""The PvInstallations table, and the generation store (hourly production, in the Metering table)."""
