"""Reading, checking and loading the seed: the only way facts enter the database."""
