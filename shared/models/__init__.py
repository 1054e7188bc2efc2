"""Pydantic models: API request bodies and responses (they also generate openapi.json)."""
