"""Where registration happens: the channel an event names (issue 11).

An event is an outreach campaign, a partner-bank branch (which bank) or a commune office.
Every registration keeps its event's channel and the hub gets it sealed with the record;
registrations made before channels existed count as outreach.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldreg.errors import FieldRegError

OUTREACH, BANK_BRANCH, COMMUNE_OFFICE = "outreach", "bank_branch", "commune_office"
CHANNELS = (OUTREACH, BANK_BRANCH, COMMUNE_OFFICE)
# The partner banks (DESIGN.md), by id; names in both languages live in `definitions.LABELS`.
BANKS = ("wing", "acleda", "aba", "sme", "ardb", "vattanac")


@dataclass(frozen=True, slots=True)
class Channel:
    kind: str = OUTREACH
    bank: str = ""  # one of BANKS for a bank branch, else empty

    def __post_init__(self) -> None:
        if self.kind not in CHANNELS:
            raise FieldRegError("invalid_channel", channel=self.kind)
        if (self.kind == BANK_BRANCH) != (self.bank != ""):
            raise FieldRegError("invalid_channel", channel=self.kind, bank=self.bank)
        if self.bank and self.bank not in BANKS:
            raise FieldRegError("invalid_channel", channel=self.kind, bank=self.bank)

    @classmethod
    def parse(cls, text: str) -> Channel:
        """`outreach`, `commune_office` or `bank_branch:<bank>` (as the CLI and JSON say it)."""
        kind, _, bank = text.strip().partition(":")
        return cls(kind, bank)

    def __str__(self) -> str:
        return f"{self.kind}:{self.bank}" if self.bank else self.kind

    @classmethod
    def from_payload(cls, payload: dict[str, object]) -> Channel:
        """The channel a sealed packet carries; packets from before channels are outreach."""
        kind, bank = payload.get("channel", OUTREACH), payload.get("bank", "")
        if not isinstance(kind, str) or not isinstance(bank, str):
            raise FieldRegError("invalid_channel")
        return cls(kind, bank)
