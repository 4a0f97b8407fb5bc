"""Package data: reference tables, dictionaries, text resources (see each file's header)."""
