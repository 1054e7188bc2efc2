"""Each kind of document's segment: in its path (/houses/{house_id}/<segment>) and in its storage partition. Apart
from the kinds and their models, so that a reader of stored documents needs none of those."""

ELECTRICITY_CONTRACTS = "electricity-contracts"
GAS_CONTRACTS = "gas-contracts"
ELECTRICITY_INVOICES = "electricity-invoices"
GAS_INVOICES = "gas-invoices"
