"""Security: password hashing (argon2id); roles and the credential store live beside it."""
