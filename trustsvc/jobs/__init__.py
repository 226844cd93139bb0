"""The periodic jobs: one table of what runs how often, and the runner that schedules it.

`trustsvc serve` runs the table in-process on the embedded default; `trustsvc worker` runs it
in processes of its own.
"""
