"""Topic models of the agreements."""
