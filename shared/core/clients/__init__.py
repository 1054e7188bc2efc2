"""AWS clients that several features use: the EventBridge bus and an S3 bucket."""
