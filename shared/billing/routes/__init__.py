"""The HTTP routes of the four billing kinds, registered from their BillingKind: every kind has the same routes
(list, get and create; change for contracts) and differs only in its path, models and names. Reads apart from
writes, so that the function that reads imports none of the write paths."""
