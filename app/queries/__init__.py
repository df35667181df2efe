"""All SQL lives here: one module per resource, plain functions over a Connection."""
