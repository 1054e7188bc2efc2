"""The HTTP boundary: one way to build a function's resolver, read the caller, answer errors as problem
details, document routes and honour Idempotency-Key."""
