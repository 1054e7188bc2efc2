"""The four house resources: one storage mechanism, each with its own path, energy and models."""

from dataclasses import dataclass

from shared.billing import segments
from shared.billing.models.contracts import ElectricityContract, ElectricityContractBody, GasContract, GasContractBody
from shared.billing.models.documents import StoredDocument
from shared.billing.models.invoices import ElectricityInvoice, ElectricityInvoiceBody, GasInvoice, GasInvoiceBody
from shared.core.models import RequestBody
from shared.supply_points.cups import Energy


@dataclass(frozen=True)
class BillingKind[BodyT: RequestBody, DocumentT: StoredDocument]:
    segment: str  # in the path (/houses/{house_id}/<segment>) and in the storage partition
    energy: Energy
    body: type[BodyT]
    document: type[DocumentT]

    @property
    def noun(self) -> str:
        """`contract` or `invoice`."""
        return self.segment.split("-")[1].removesuffix("s")

    @property
    def name(self) -> str:
        """`electricity_contract`, ... (also the `kind` of an import message)."""
        return f"{self.energy.value}_{self.noun}"


ELECTRICITY_CONTRACTS = BillingKind(
    segments.ELECTRICITY_CONTRACTS, Energy.ELECTRICITY, ElectricityContractBody, ElectricityContract
)
GAS_CONTRACTS = BillingKind(segments.GAS_CONTRACTS, Energy.GAS, GasContractBody, GasContract)
ELECTRICITY_INVOICES = BillingKind(
    segments.ELECTRICITY_INVOICES, Energy.ELECTRICITY, ElectricityInvoiceBody, ElectricityInvoice
)
GAS_INVOICES = BillingKind(segments.GAS_INVOICES, Energy.GAS, GasInvoiceBody, GasInvoice)

BILLING_KINDS = (ELECTRICITY_CONTRACTS, GAS_CONTRACTS, ELECTRICITY_INVOICES, GAS_INVOICES)
