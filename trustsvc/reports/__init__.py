"""The scan report document (JSON and SARIF), the same for the CLI and the API."""
