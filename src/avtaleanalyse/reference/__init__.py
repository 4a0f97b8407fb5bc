"""Reference tables: municipalities (kommuner), health trusts (HF), their names and spellings."""
