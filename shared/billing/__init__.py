"""A house's contracts and invoices (electricity and gas): one storage mechanism for four kinds that differ
only in their models and rules."""
