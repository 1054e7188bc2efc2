"""The inverters' monitoring platforms (HTTP), one module per provider behind `providers.MonitoringProvider`."""
