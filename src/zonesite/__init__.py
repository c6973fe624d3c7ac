"""Static site generator for the policy documents of Belgian local police zones."""

__version__ = "0.1.0"
