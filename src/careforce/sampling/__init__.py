"""Named random streams and the distributions matched to 80% intervals (METHODS section 5)."""
