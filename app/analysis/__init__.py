"""Analysis over loaded facts: pure functions, shared by the loader, the CLI and the API."""
