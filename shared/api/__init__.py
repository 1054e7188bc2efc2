"""The HTTP boundary: one way to build a function's resolver, read the caller and answer errors."""
