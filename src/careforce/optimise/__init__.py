"""The cheapest plan that closes the gap (METHODS section 8)."""
