"""Named random streams and the distributions matched to 80% intervals (METHODS section 5)."""

from careforce.sampling.intervals import Kind, Uncertain, draw, problem_with
from careforce.sampling.streams import generator, uniforms

__all__ = ["Kind", "Uncertain", "draw", "generator", "problem_with", "uniforms"]
