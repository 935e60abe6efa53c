"""Privacy requests: everything about one customer as JSON, erasure for real, and retention."""
