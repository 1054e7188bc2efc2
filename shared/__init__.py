"""The house energy backend's shared package: domain logic, models, storage and integrations.

Shipped to every function as the SharedLayer (template.yaml). Handlers stay thin and call into here.
"""
