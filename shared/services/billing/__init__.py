"""A house's contracts and invoices: reading them as the caller may, and storing them (from the API or an
import) under the rules of api.md."""
