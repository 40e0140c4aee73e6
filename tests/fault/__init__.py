"""Fault injection: killed writers, failing merges, crashes mid-run."""
