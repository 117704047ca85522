"""crisiswatch: a live crisis-monitoring dashboard for the terminal."""

__version__ = "0.1.0"
