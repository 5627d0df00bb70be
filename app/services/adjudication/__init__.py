"""Adjudication: the fund's money rules (pure engine) and the facts it reads from the database."""
