"""Adapters to outside systems (Cognito, S3, SFTP, Datadis): the only code that talks to them."""
