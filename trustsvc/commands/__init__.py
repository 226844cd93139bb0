"""The `trustsvc` command line: the parser in `cli.py`, one module per command.

Each command module has `run(args, settings) -> int`. `cli.py` imports a command's module only
when that command runs, so `trustsvc --help` does not pay for the web app, sslyze or alembic.
"""
