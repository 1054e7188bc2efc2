"""DynamoDB helpers every feature's dal uses: pagination, transactions, and the UniqueKeys table."""
