"""The pipeline's use cases: registering connections, polling, splitting a file, ingesting a chunk."""
