"""robots.txt (RFC 9309): the parser and matcher (rules.py) and its fetch (collect.py)."""
