"""The `crisiswatch` command: a click group whose subcommands live one per module."""
