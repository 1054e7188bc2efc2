"""One structured Logger and one Metrics for every function (service name from POWERTOOLS_SERVICE_NAME).

Metrics are CloudWatch embedded-metric-format lines in the function's log, flushed by the handler's
`@metrics.log_metrics`: no call to CloudWatch, no permission needed. The namespace is the one the template's
alarms watch (PollErrorsAlarm, FilesStuckAlarm).

Tracing is the Lambda service's own (`Tracing: Active` in template.yaml): Powertools' Tracer would import
the X-Ray SDK, which alone costs more cold-start time than boto3's whole import."""

from aws_lambda_powertools import Logger, Metrics

METRICS_NAMESPACE = "HouseEnergy"

logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)
