"""The database: engine and sessions, the scan tables, their repositories, and migrations.

Each domain package keeps its own tables (drift, registry, schedule, ...) on the shared
`Base`; this package holds what they share and the scans' own rows. Alembic's scripts ship
inside the package (`migrations/`), so a wheel install can migrate.
"""
