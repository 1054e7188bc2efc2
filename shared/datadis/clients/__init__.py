"""Datadis' private API (HTTP)."""
