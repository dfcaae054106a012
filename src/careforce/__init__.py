"""careforce: integrated health and social care workforce planning."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("careforce")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
