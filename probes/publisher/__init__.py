"""The publisher family: who lists an endpoint in the registry, and their track record."""
