"""Supervisors' work: rubrics, reviews, sampling, reports, the audit log."""
