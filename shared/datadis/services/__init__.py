"""The Datadis use cases: the consent (routes and daily re-check) and the daily reads."""
