"""Use cases: access rules and domain decisions, on top of the storage and integration modules."""
