"""Storage of a house's contracts and invoices (BillingDocuments) and of the items that serialise their
writes (BillingKeys)."""
