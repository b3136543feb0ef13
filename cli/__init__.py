"""The ``crm-migrate`` command line and the services behind its commands (runs, review, report, undo, sync)."""
