"""The Docker-free local stack: moto for AWS, the functions in-process, everything read from template.yaml.

Modules: template (read the SAM template), deployment (resolve its values), provision (create resources),
events (Lambda event and context shapes), auth (API Gateway's JWT check), routes, functions (run handlers),
gateway (the HttpApi on localhost), event_sources, seed, stack (all of it together; `python -m local`).
"""
