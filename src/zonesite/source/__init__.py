"""Reading and validating content: the only place that decides what is valid."""
