"""The tools probe family: the risk of what a server exposes to an agent.

Every tool, prompt and resource template the server lists (and its `instructions`) is judged
for poisoning, capability tier, over-broad parameters and hygiene, and fingerprinted for
later rug-pull diffs. `family.py` lists the probes; `collect.py` lists the server over MCP.
"""
