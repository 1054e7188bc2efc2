"""One structured Logger for every function (service name from POWERTOOLS_SERVICE_NAME).

Tracing is the Lambda service's own (`Tracing: Active` in template.yaml): Powertools' Tracer would import
the X-Ray SDK, which alone costs more cold-start time than boto3's whole import."""

from aws_lambda_powertools import Logger

logger = Logger()
