"""The Docker-free local stack: moto for AWS (in a process of its own), the functions in-process, everything read
from template.yaml.

Modules: aws_server (moto's server process), template (read the SAM template), deployment (resolve its values),
provision (create resources), s3_eventbridge (S3's events to EventBridge as AWS shapes them), events (Lambda event
and context shapes), auth (API Gateway's JWT check), routes, functions (run handlers), gateway (the HttpApi on
localhost), sqs_source (SQS event source mappings), schedules (Schedule events, fired on request), event_sources
(which runs which event Type), seed, settings, stack (all of it together; `python -m local`), trigger (`make trigger
FN=...`).
"""
