"""Readers of the planner's model files: the service specification, WISN files and population.

Every problem is reported with its place in the file.
"""
