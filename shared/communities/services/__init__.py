"""The energy communities' use cases: the community and its coefficient sets (routes), the daily read of its
installation's production, and each member's share (what consumption and the allocation report show)."""
