"""Customer surveys: the counter's rating screen, phone survey imports, and honest satisfaction figures."""
