"""The competency gap: task hours allocated to the staff who may do them (METHODS section 6)."""
