"""Which CoSAI MCP assurance level (L1 Sandbox .. L4 Regulated) an endpoint could serve."""
