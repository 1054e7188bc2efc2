"""The CupsLinks table and the supply points' claims in UniqueKeys."""
