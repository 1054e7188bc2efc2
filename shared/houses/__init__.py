"""Houses: a user's dwellings, town halls, shops; one per user and address."""
