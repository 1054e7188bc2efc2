"""Contract and invoice bodies and stored documents.

Rules across fields are field validators that read the fields declared before them (field order matters),
so a broken rule is reported on its own field, next to every other field's errors."""
