"""Test-wide settings: no real AWS ever; each function's table names come from the environment."""
