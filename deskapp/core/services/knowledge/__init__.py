"""The knowledge base: articles reps search, read in two languages, insert into notes and flag."""
