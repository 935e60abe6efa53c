"""Case notes: drafts, revisions and their hash chain, diffs."""
