"""The database: engine and sessions, the scan tables, their repositories, and migrations.

Each domain package keeps its own tables (drift, registry, schedule, ...) on the shared
`Base`; this package holds what they share and the scans' own rows. Alembic's scripts are
`trustsvc/migrations/` (package data, so a wheel install can migrate): they import every
package's tables, so they sit apart from the store that every package imports.
"""
