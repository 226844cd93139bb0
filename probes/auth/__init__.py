"""The auth probe family: access model, OAuth discovery and Streamable HTTP hygiene."""
