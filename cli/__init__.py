"""The `alliancegraph` command line: `cli.main` (the group and its commands), `cli.reports`."""
