"""The non-personal facts of one registration that the figures count.

A `Fact` keeps coded attributes only (sex, target group, commune code, services, channel,
event, operator, device, local day and hour, whether it was registered despite a possible
duplicate): no name, ID number, phone, date of birth or village. The device's aggregate table
and the hub's cube are both sums of `cells(fact)`, so a figure computed either way, or by a
full recount, is the same number.

Days and hours are Cambodia time (UTC+7, no daylight saving) wherever the figures are
computed, so a device and the hub put a registration on the same day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fieldreg.clock import parse_iso
from fieldreg.indicators.channels import Channel
from fieldreg.record import SERVICES, Registration

CAMBODIA = dt.timezone(dt.timedelta(hours=7), "ICT")

# The dimensions a cube row counts along (besides its key columns). One registration adds one
# to its `all` row and to one row of each other dimension that applies (one per service).
ALL, CATEGORY, COMMUNE, HOUR, SERVICE, DUPLICATE = (
    "all",
    "category",
    "commune",
    "hour",
    "service",
    "duplicate",
)
DIMENSIONS = (ALL, CATEGORY, COMMUNE, HOUR, SERVICE, DUPLICATE)


@dataclass(frozen=True, slots=True)
class Fact:
    day: str  # YYYY-MM-DD, Cambodia time
    hour: int  # 0-23, Cambodia time
    event: str
    channel: str  # channels.CHANNELS
    bank: str  # channels.BANKS or ""
    operator: str
    device: str
    sex: str  # F or M
    category: str  # record.CATEGORIES
    commune: str  # 6-digit NCDD code: province is [:2], district [:4]
    services: tuple[str, ...]  # in record.SERVICES order
    duplicate: bool  # registered although a possible duplicate was shown

    @property
    def province(self) -> str:
        return self.commune[:2]

    @property
    def district(self) -> str:
        return self.commune[:4]

    @property
    def services_mask(self) -> int:
        """The services as bits (SERVICES order), for a column in a cube or facts table."""
        return services_mask(self.services)


def services_mask(services: tuple[str, ...] | list[str]) -> int:
    return sum(1 << SERVICES.index(service) for service in set(services))


def local_time(created_at: str) -> dt.datetime:
    return parse_iso(created_at).astimezone(CAMBODIA)


def fact_of(
    record: Registration,
    *,
    created_at: str,
    event: str,
    channel: Channel,
    operator: str,
    device: str,
    duplicate: bool,
) -> Fact:
    when = local_time(created_at)
    return Fact(
        day=when.date().isoformat(),
        hour=when.hour,
        event=event,
        channel=channel.kind,
        bank=channel.bank,
        operator=operator,
        device=device,
        sex=record.sex,
        category=record.category,
        commune=record.village_code[:6],
        services=tuple(s for s in SERVICES if s in record.services),
        duplicate=duplicate,
    )


def cells(fact: Fact) -> list[tuple[str, str]]:
    """The (dimension, value) rows this registration adds one to (its sex is a key column)."""
    found = [
        (ALL, ""),
        (CATEGORY, fact.category),
        (COMMUNE, fact.commune),
        (HOUR, f"{fact.hour:02d}"),
    ]
    found += [(SERVICE, service) for service in fact.services]
    if fact.duplicate:
        found.append((DUPLICATE, ""))
    return found
