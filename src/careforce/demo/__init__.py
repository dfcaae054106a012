"""The bundled fictional region: its calibration (YAML, every figure with its source) and the
seeded generator that writes it as the source files users import."""

from careforce.demo.calibration import Calibration, load_calibration
from careforce.demo.generator import DEFAULT_SEED, DemoManifest, generate_region

__all__ = ["DEFAULT_SEED", "Calibration", "DemoManifest", "generate_region", "load_calibration"]
