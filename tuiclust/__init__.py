"""tuiclust: watch clustering algorithms think, one step at a time, in the terminal."""

__version__ = "0.1.0"
