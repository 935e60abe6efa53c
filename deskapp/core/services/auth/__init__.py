"""Sign-in and user accounts."""
