"""The BillingDocuments table and the BillingKeys items that serialise writes to it."""
