"""Reading a house's contracts and invoices as the caller may, and storing them (from the API or an import)."""
