"""Datadis, the distributors' national data platform: a user lets our company's account read his supply, the
consent is decided from Datadis' own list of authorisations, and his hourly consumption is read month by month."""
