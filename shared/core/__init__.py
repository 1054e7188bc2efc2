"""What every feature uses and no feature owns: settings, errors, the caller, logging, the HTTP boundary,
DynamoDB helpers and the AWS clients shared by several features. Imports no feature package."""
