"""Scenario files: what to project, over how long, with which levers (schema in `schema`)."""
