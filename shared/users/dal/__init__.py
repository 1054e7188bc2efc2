"""The Users and UserSearch tables."""
