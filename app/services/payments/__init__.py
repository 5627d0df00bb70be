"""Paying approved and ratified claims (issue 7): batches, payout files, reconciliation."""
