"""Costs: pay by role with on-costs, and (in time) training, recruitment and retention."""
