"""The pipeline's outside systems: distributors' SFTP servers, the files bucket, the chunk queue, the
connections' secrets."""
