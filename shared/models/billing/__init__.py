"""A house's contracts and invoices: request bodies, stored documents, and the four kinds (electricity and gas
contracts and invoices) that share one storage mechanism and differ only in their models and rules.

Rules across fields are field validators that read the fields declared before them (field order matters),
so a broken rule is reported on its own field, next to every other field's errors."""
