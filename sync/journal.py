"""The money journal as a pure model: append-only entries, reversals, derived balances, closed days.

DESIGN.md ("the journal is the source of truth for money", invariants 5 and 6) and DOMAIN.md case 4:
a payment booked on the wrong flat is never edited; a reversal on the wrong flat and a new payment on
the right one are posted on the day the correction is made, and the closed day stays untouched.
Pure: no I/O, no clock; ids and posting dates come in as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sync.rules import RuleError, require_date

__all__ = [
    "ClosedDayError",
    "Journal",
    "JournalEntry",
    "move_payment",
    "reverse",
]

PAYMENT = "payment"
REVERSAL = "reversal"


class ClosedDayError(RuleError):
    """A closed daily ledger (日帐) never changes; post the correction on the day it is made."""


@dataclass(frozen=True)
class JournalEntry:
    """One immutable line of the journal: a payment (> 0) or the reversal of one (< 0)."""

    entry_id: str
    household: str
    amount_fen: int
    posted_on: date
    kind: str = PAYMENT
    reverses: str | None = None     # a reversal names the payment it cancels
    replaces: str | None = None     # a corrected payment names the one it takes the place of
    reason: str = ""
    receipt_no: str = ""

    def __post_init__(self) -> None:
        require_date("posted_on", self.posted_on)
        if isinstance(self.amount_fen, bool) or not isinstance(self.amount_fen, int):
            raise TypeError("amount_fen must be an int")
        if self.kind == PAYMENT:
            if self.amount_fen <= 0 or self.reverses is not None:
                raise ValueError("a payment has a positive amount and reverses nothing")
        elif self.kind == REVERSAL:
            if self.amount_fen >= 0 or self.reverses is None or not self.reason.strip():
                raise ValueError("a reversal has a negative amount, the entry it reverses and a reason")
        else:
            raise ValueError(f"unknown journal entry kind {self.kind!r}")


def reverse(
    entry: JournalEntry,
    posted_on: date,
    reason: str,
    entry_id: str | None = None,
) -> JournalEntry:
    """The reversal of a payment, posted on the day of the correction and linked to the original.

    A payment is reversed at most once, so its id plus "/reversal" is a stable default id.
    """
    if entry.kind != PAYMENT:
        raise RuleError("only a payment can be reversed; a reversal is final")
    if posted_on < entry.posted_on:
        raise RuleError("a reversal cannot be posted before the payment it reverses")
    return JournalEntry(
        entry_id=entry_id or f"{entry.entry_id}/reversal",
        household=entry.household,
        amount_fen=-entry.amount_fen,
        posted_on=posted_on,
        kind=REVERSAL,
        reverses=entry.entry_id,
        reason=reason,
    )


@dataclass(frozen=True)
class Journal:
    """An append-only journal; every method returns a new Journal or derives a figure from it."""

    entries: tuple[JournalEntry, ...] = ()
    closed_days: frozenset[date] = field(default_factory=frozenset)

    def entry(self, entry_id: str) -> JournalEntry:
        for entry in self.entries:
            if entry.entry_id == entry_id:
                return entry
        raise LookupError(f"no journal entry {entry_id!r}")

    def is_reversed(self, entry_id: str) -> bool:
        return any(entry.reverses == entry_id for entry in self.entries)

    def post(self, *new_entries: JournalEntry) -> Journal:
        """Append entries, all or none; refuses closed days, reused ids and broken links."""
        journal = self
        for entry in new_entries:
            journal._check(entry)
            journal = Journal(journal.entries + (entry,), journal.closed_days)
        return journal

    def _check(self, entry: JournalEntry) -> None:
        if entry.posted_on in self.closed_days:
            raise ClosedDayError(f"{entry.posted_on.isoformat()} is closed; post on the day of the correction")
        if any(existing.entry_id == entry.entry_id for existing in self.entries):
            raise RuleError(f"journal entry {entry.entry_id!r} already exists")
        if entry.reverses is not None:
            original = self.entry(entry.reverses)
            if original.kind != PAYMENT or self.is_reversed(original.entry_id):
                raise RuleError(f"{original.entry_id!r} cannot be reversed (again)")
            if (original.household, -original.amount_fen) != (entry.household, entry.amount_fen):
                raise RuleError("a reversal cancels exactly its payment, on the same household")
            if entry.posted_on < original.posted_on:
                raise RuleError("a reversal cannot be posted before the payment it reverses")
        if entry.replaces is not None:
            self.entry(entry.replaces)  # the audit trail must point at a real entry

    def close_day(self, day: date) -> Journal:
        """Lock a day's ledger (DOMAIN.md §6 日帐: locked after close)."""
        require_date("day", day)
        return Journal(self.entries, self.closed_days | {day})

    def paid_fen(self, household: str) -> int:
        """What a household has paid, derived from the journal: payments minus reversals."""
        return sum(entry.amount_fen for entry in self.entries if entry.household == household)

    def entries_posted_on(self, day: date) -> tuple[JournalEntry, ...]:
        """The entries of one day's ledger, by posting date (DESIGN.md invariant 5)."""
        return tuple(entry for entry in self.entries if entry.posted_on == day)

    def trail(self, entry_id: str) -> tuple[JournalEntry, ...]:
        """An entry with everything linked to it: its reversal and any payment that replaces it."""
        root = self.entry(entry_id)
        linked = [e for e in self.entries if entry_id in (e.reverses, e.replaces)]
        return (root, *linked)


def move_payment(
    journal: Journal,
    entry: JournalEntry,
    to_household: str,
    posted_on: date,
    reason: str,
    new_entry_id: str,
    receipt_no: str = "",
) -> Journal:
    """Move a payment booked on the wrong flat (case 4): reverse it there, post it anew here.

    Both entries are posted on the correction day; the new payment names the one it replaces, so
    the original, the reversal and the new payment form one audit trail. The printed receipt is
    voided and a new one issued outside this module (receipts keep all their copies).
    """
    if to_household == entry.household:
        raise RuleError("the payment is already on that household")
    reversal = reverse(entry, posted_on, reason)
    moved = JournalEntry(
        entry_id=new_entry_id,
        household=to_household,
        amount_fen=entry.amount_fen,
        posted_on=posted_on,
        replaces=entry.entry_id,
        reason=reason,
        receipt_no=receipt_no,
    )
    return journal.post(reversal, moved)
