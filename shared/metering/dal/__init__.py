"""The Metering, MeteringFiles and DistributorConnections tables."""
