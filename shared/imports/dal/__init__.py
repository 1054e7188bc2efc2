"""The Imports and UnmatchedImports tables."""
