"""hfjobs: a command-line client for Hugging Face Jobs."""

__version__ = "0.1.0"
