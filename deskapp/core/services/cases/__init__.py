"""Cases and what is recorded on them."""
