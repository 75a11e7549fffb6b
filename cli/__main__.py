"""`python -m cli` runs the `alliancegraph` command line."""

from cli.main import main

main()
