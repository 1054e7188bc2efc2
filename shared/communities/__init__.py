"""Energy communities (collective self-consumption): a shared installation, its member houses' distribution
coefficients (β) over time, the distributor's coefficient file, and each member's share of every hour's production."""
