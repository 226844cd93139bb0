"""The REST API: thin controllers over the services, wire structs, problem details."""
