"""The HTTP layer: dependencies that parse input, and thin routes."""
