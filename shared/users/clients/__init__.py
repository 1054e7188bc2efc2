"""The user pool (Cognito)."""
