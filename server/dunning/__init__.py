"""Dunning (催缴, DOMAIN.md §3): each debt's limitation date and the queue of debts nearing it."""
