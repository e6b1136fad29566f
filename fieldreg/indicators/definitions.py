"""The indicator set, as data: what CAM-IE's M&E framework reports, in Khmer and English.

Versioned: an output names `INDICATOR_SET` and `VERSION`; a change of meaning is a new version,
never a silent edit. Every front end (the app's Figures screen, `fieldreg indicators`, the PDF,
the hub's `/v1/indicators`, its dashboard) reads these definitions and `evaluate` computes them.

A `Measure` counts registrations (or, with `service`/`duplicate` among its fields, interest in
a service / registrations flagged as possible duplicates) whose fields equal the given values
("*" means: any value, grouped). An indicator with a denominator is a percentage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INDICATOR_SET = "fieldreg-cam-ie-me"
VERSION = 1

# The fields a count can be grouped by or restricted to. Key fields are on every cube row;
# at most one "dimension" field (category, commune/district/province, hour, service,
# duplicate) is in one count.
KEY_FIELDS = ("day", "event", "channel", "bank", "operator", "device", "sex")
DIMENSION_FIELDS = ("category", "province", "district", "commune", "hour", "service", "duplicate")
FIELDS = KEY_FIELDS + DIMENSION_FIELDS
SMALL_CELL = 5  # counts under this are shown as "<5" in anything meant to leave the laptop


@dataclass(frozen=True, slots=True)
class Measure:
    where: tuple[tuple[str, str], ...] = ()  # (field, value or "*")

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.where)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    name_en: str
    name_km: str
    numerator: Measure
    denominator: Measure | None = None  # a percentage when given
    disaggregations: tuple[tuple[str, ...], ...] = ()
    unit: str = "count"  # count, percent, minutes, per_hour
    headline: bool = True  # has one overall value (not for e.g. interest per service)
    operations: str = ""  # computed from the source's operations, not from counts
    description: str = ""
    tags: tuple[str, ...] = field(default=())


REGISTRATIONS = Measure()
FEMALE = Measure((("sex", "F"),))
BANK = Measure((("channel", "bank_branch"),))

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "registrations",
        "Registrations",
        "ការចុះឈ្មោះ",
        REGISTRATIONS,
        disaggregations=(
            ("sex",),
            ("category",),
            ("category", "sex"),
            ("province",),
            ("district",),
            ("commune",),
            ("province", "sex"),
            ("event",),
            ("day",),
            ("channel",),
            ("day", "hour"),
        ),
        description="Registrations through CAM-IE, finalised on a device.",
    ),
    Indicator(
        "female_share",
        "Women among registrations",
        "ភាគរយស្ត្រីក្នុងចំណោមអ្នកចុះឈ្មោះ",
        FEMALE,
        REGISTRATIONS,
        disaggregations=(("category",), ("province",), ("channel",)),
        unit="percent",
    ),
    Indicator(
        "service_interest",
        "People interested in each service",
        "អ្នកចាប់អារម្មណ៍លើសេវានីមួយៗ",
        Measure((("service", "*"),)),
        REGISTRATIONS,
        disaggregations=(("service",), ("service", "sex")),
        unit="percent",
        headline=False,
        description="People who asked about a service, as a share of all registered.",
    ),
    Indicator(
        "bank_registrations",
        "Registrations at partner banks",
        "ការចុះឈ្មោះនៅធនាគារដៃគូ",
        BANK,
        disaggregations=(("bank",),),
    ),
    Indicator(
        "facilitation_rate",
        "Bank facilitation rate",
        "អត្រាសម្របសម្រួលដោយធនាគារ",
        BANK,
        REGISTRATIONS,
        unit="percent",
        description="Share of all registrations made at a partner-bank branch.",
    ),
    Indicator(
        "duplicates_flagged",
        "Possible duplicates registered with a reason",
        "ករណីអាចស្ទួនដែលបានចុះឈ្មោះដោយមានមូលហេតុ",
        Measure((("duplicate", "*"),)),
        disaggregations=(("event",),),
    ),
    Indicator(
        "sync_status",
        "Registrations by sync status",
        "ការចុះឈ្មោះតាមស្ថានភាពធ្វើសមកាលកម្ម",
        REGISTRATIONS,
        disaggregations=(("status",),),
        operations="status",
    ),
    Indicator(
        "acknowledgement_lag",
        "Time from finalise to the hub's acknowledgement",
        "រយៈពេលពីការបញ្ចប់ដល់ការទទួលស្គាល់ពីមជ្ឈមណ្ឌល",
        REGISTRATIONS,
        unit="minutes",
        operations="lag",
        description="Median and 90th percentile, in minutes, of registrations acknowledged.",
    ),
    Indicator(
        "people_per_hour_desk",
        "People per hour, per desk",
        "ចំនួនមនុស្សក្នុងមួយម៉ោង តាមតុ",
        REGISTRATIONS,
        disaggregations=(("device",),),
        unit="per_hour",
        operations="throughput",
        description="Registrations divided by the hours in which the desk registered anyone.",
    ),
    Indicator(
        "people_per_hour_operator",
        "People per hour, per operator",
        "ចំនួនមនុស្សក្នុងមួយម៉ោង តាមប្រតិបត្តិករ",
        REGISTRATIONS,
        disaggregations=(("operator",),),
        unit="per_hour",
        operations="throughput",
    ),
)

BY_ID = {indicator.id: indicator for indicator in INDICATORS}

# Words for coded values in outputs made without Qt (PDF, CSV headers, the hub's dashboard).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "sex": {"F": ("Female", "ស្រី"), "M": ("Male", "ប្រុស")},
    "category": {
        "microenterprise": ("Micro-enterprise owner", "ម្ចាស់មីក្រូសហគ្រាស"),
        "microenterprise_employee": ("Worker of a micro-enterprise", "កម្មករនិយោជិតនៃមីក្រូសហគ្រាស"),
        "seasonal_worker": ("Seasonal worker", "កម្មកររដូវកាល"),
        "self_employed": ("Self-employed", "អ្នកប្រកបរបរដោយខ្លួនឯង"),
    },
    "service": {
        "nssf": ("Social security (NSSF)", "របបសន្តិសុខសង្គម (ប.ស.ស.)"),
        "health_insurance": ("Health insurance", "ធានារ៉ាប់រងសុខភាព"),
        "skills": ("Skills training", "ការបណ្តុះបណ្តាលជំនាញ"),
        "finance": ("Loans and banking", "សេវាឥណទាន និងធនាគារ"),
        "tax": ("Tax incentives", "ការលើកទឹកចិត្តផ្នែកពន្ធ"),
        "social_protection": ("Social protection", "កិច្ចគាំពារសង្គម"),
    },
    "channel": {
        "outreach": ("Outreach campaign", "យុទ្ធនាការចុះមូលដ្ឋាន"),
        "bank_branch": ("Partner-bank branch", "សាខាធនាគារដៃគូ"),
        "commune_office": ("Commune office", "សាលាឃុំ/សង្កាត់"),
    },
    "bank": {
        "wing": ("Wing Bank", "ធនាគារវីង"),
        "acleda": ("ACLEDA Bank", "ធនាគារអេស៊ីលីដា"),
        "aba": ("ABA Bank", "ធនាគារ ABA"),
        "sme": ("SME Bank", "ធនាគារ SME"),
        "ardb": ("ARDB", "ធនាគារអភិវឌ្ឍន៍ជនបទ និងកសិកម្ម"),
        "vattanac": ("Vattanac Bank", "ធនាគារវឌ្ឍនៈ"),
    },
    "status": {
        "pending": ("Waiting to sync", "រង់ចាំធ្វើសមកាលកម្ម"),
        "synced": ("Synced", "បានធ្វើសមកាលកម្ម"),
        "rejected": ("Rejected", "ត្រូវបានបដិសេធ"),
    },
}

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "day": ("Day", "ថ្ងៃ"),
    "event": ("Event", "ព្រឹត្តិការណ៍"),
    "channel": ("Channel", "ឆានែល"),
    "bank": ("Bank", "ធនាគារ"),
    "operator": ("Operator", "ប្រតិបត្តិករ"),
    "device": ("Desk", "តុ"),
    "sex": ("Sex", "ភេទ"),
    "category": ("Target group", "ក្រុមគោលដៅ"),
    "province": ("Province", "ខេត្ត"),
    "district": ("District", "ស្រុក"),
    "commune": ("Commune", "ឃុំ"),
    "hour": ("Hour", "ម៉ោង"),
    "service": ("Service", "សេវា"),
    "duplicate": ("Possible duplicate", "អាចស្ទួន"),
    "status": ("Status", "ស្ថានភាព"),
}


def label(field_name: str, value: str, language: str = "en") -> str:
    """A coded value in words (places are named by the gazetteer, not here)."""
    words = LABELS.get(field_name, {}).get(value)
    if words is None:
        return value
    return words[1] if language == "km" else words[0]


# Words of the one-page figures report (fieldreg/indicators/report_pdf.py) that are neither an
# indicator's name nor a coded value. "{n}" and "{below}" are filled in with digits of the
# report's language.
REPORT_WORDS: dict[str, tuple[str, str]] = {
    "title": ("M&E figures", "តួលេខតាមដាន និងវាយតម្លៃ"),
    "indicator_set": ("Indicator set", "សំណុំសូចនាករ"),
    "version": ("version", "កំណែ"),
    "events": ("Events", "ព្រឹត្តិការណ៍"),
    "all_events": ("all events", "គ្រប់ព្រឹត្តិការណ៍"),
    "period": ("Period", "រយៈពេល"),
    "all_dates": ("all dates", "គ្រប់កាលបរិច្ឆេទ"),
    "since": ("from {day}", "ចាប់ពី {day}"),
    "until": ("until {day}", "រហូតដល់ {day}"),
    "generated": ("Generated", "បង្កើតនៅ"),
    "cambodia_time": ("Cambodia time", "ម៉ោងកម្ពុជា"),
    "total": ("Total", "សរុប"),
    "more": ("and {n} more", "និង {n} ទៀត"),
    "none": ("No registrations", "មិនទាន់មានការចុះឈ្មោះ"),
    "minutes": ("{n} min", "{n} នាទី"),
    "lag_detail": ("median; 90% within {n} min", "មេដ្យាន; ៩០% ក្នុងរយៈពេល {n} នាទី"),
    "people": ("People", "ចំនួនមនុស្ស"),
    "hours": ("Hours", "ចំនួនម៉ោង"),
    "per_hour": ("Per hour", "ក្នុងមួយម៉ោង"),
    "share": ("% of all", "% នៃសរុប"),
    "by_group_sex": ("Registrations by target group and sex", "ការចុះឈ្មោះតាមក្រុមគោលដៅ និងភេទ"),
    "by_service_sex": ("Interest in each service, by sex", "ការចាប់អារម្មណ៍លើសេវានីមួយៗ តាមភេទ"),
    "by_province": ("Registrations by province", "ការចុះឈ្មោះតាមខេត្ត"),
    "by_channel": ("Registrations by channel and bank", "ការចុះឈ្មោះតាមឆានែល និងធនាគារ"),
    "by_day": ("Registrations by day", "ការចុះឈ្មោះតាមថ្ងៃ"),
    "small_cells": (
        "Counts under {below} are shown as “<{below}” and the percentages made from them are"
        " left out.",
        "ចំនួនតិចជាង {below} ត្រូវបានបង្ហាញជា “<{below}” ហើយភាគរយដែលគណនាពីចំនួនទាំងនោះមិនត្រូវបានបង្ហាញទេ។",
    ),
    "not_suppressed": (
        "Small counts are NOT hidden: for the coordinator only, do not share.",
        "ចំនួនតូចៗមិនត្រូវបានលាក់ទេ៖ សម្រាប់តែអ្នកសម្របសម្រួលប៉ុណ្ណោះ សូមកុំចែករំលែក។",
    ),
    "no_personal_data": (
        "This report holds counts only: no name, ID number, phone, birth date or village.",
        "របាយការណ៍នេះមានតែចំនួនប៉ុណ្ណោះ៖ គ្មានឈ្មោះ លេខអត្តសញ្ញាណប័ណ្ណ លេខទូរស័ព្ទ ថ្ងៃខែឆ្នាំកំណើត ឬភូមិឡើយ។",
    ),
}


def report_word(key: str, language: str = "en", **values: str) -> str:
    """A word of the figures report in `language`, with `values` put in its placeholders."""
    english, khmer = REPORT_WORDS[key]
    return (khmer if language == "km" else english).format(**values)
