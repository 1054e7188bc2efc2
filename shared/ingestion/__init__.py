"""The metering-file pipeline: a new raw/ object is cut into chunks (split), each chunk is parsed and stored
in parallel (ingest), and the last chunk settles the file's outcome and announces it."""
