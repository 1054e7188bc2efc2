"""Billing-system imports (docs/api.md, "Billing-system import"): messages arrive on the import queue, straight
from a billing system or through POST /imports, and each ends counted once in its import as stored,
duplicate, unmatched (held until a house links its CUPS) or rejected (with the reason)."""
