"""The demo desk: deterministic brands, customers, cases and notes for trying deskapp."""
