"""Users: the holders of supply points, their sign-in accounts, search, and who may see whom."""
