"""Text normalisation, phone parsing and customer search."""
