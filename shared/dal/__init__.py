"""Storage: PynamoDB models and repositories, the only code that talks to DynamoDB.

Each module binds to one table whose name comes from the function's environment (template.yaml)."""
