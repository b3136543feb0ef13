"""The command line: ``crm-migrate`` and its subcommands (the top layer: nothing imports it)."""
