"""The PV use cases: the installation (routes), the daily reads of production, and the generation consumption shows."""
