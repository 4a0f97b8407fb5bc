"""Theme coverage of the agreements, traceable to evidence sentences."""
