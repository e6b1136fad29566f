"""The hub dashboard's own words, in English and Khmer (key -> {"en", "km"}).

The page (sync/hub/static/dashboard/) reads them from `/dashboard/words.json` with the words
for coded values (fieldreg.indicators.definitions.LABELS) and the provinces' names; indicator
names come with the figures themselves. `{name}` marks a value the page fills in.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "FieldReg hub: M&E figures", "km": "ម៉ាស៊ីនមេ FieldReg៖ តួលេខតាមដាន និងវាយតម្លៃ"},
    "switch_language": {"en": "ភាសាខ្មែរ", "km": "English"},
    "login_title": {"en": "Log in as a hub user", "km": "ចូលប្រើជាអ្នកប្រើម៉ាស៊ីនមេ"},
    "name": {"en": "Name", "km": "ឈ្មោះ"},
    "passphrase": {"en": "Passphrase", "km": "ពាក្យសម្ងាត់"},
    "log_in": {"en": "Log in", "km": "ចូលប្រើ"},
    "log_out": {"en": "Log out", "km": "ចាកចេញ"},
    "logged_in_as": {"en": "Logged in as {name}", "km": "បានចូលប្រើជា {name}"},
    "login_failed": {
        "en": "Unknown name or wrong passphrase.",
        "km": "ឈ្មោះមិនស្គាល់ ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ។",
    },
    "login_backoff": {
        "en": "Too many tries: wait a little, then try again.",
        "km": "ព្យាយាមច្រើនដងពេក៖ សូមរង់ចាំបន្តិច រួចព្យាយាមម្តងទៀត។",
    },
    "hub_user_disabled": {
        "en": "This hub user is disabled.",
        "km": "អ្នកប្រើម៉ាស៊ីនមេនេះត្រូវបានបិទ។",
    },
    "session_ended": {
        "en": "Your session ended: log in again.",
        "km": "វគ្គប្រើប្រាស់របស់អ្នកបានបញ្ចប់៖ សូមចូលប្រើម្តងទៀត។",
    },
    "role_refused": {
        "en": "This hub user may not read the figures.",
        "km": "អ្នកប្រើម៉ាស៊ីនមេនេះមិនមានសិទ្ធិមើលតួលេខទេ។",
    },
    "refused": {
        "en": "The hub refused these filters ({code}).",
        "km": "ម៉ាស៊ីនមេបានបដិសេធតម្រងទាំងនេះ ({code})។",
    },
    "unavailable": {
        "en": "The hub could not answer. Try again in a moment.",
        "km": "ម៉ាស៊ីនមេមិនអាចឆ្លើយតបបានទេ។ សូមព្យាយាមម្តងទៀតបន្តិចក្រោយ។",
    },
    "loading": {"en": "Loading…", "km": "កំពុងផ្ទុក…"},
    "refresh": {"en": "Refresh", "km": "ផ្ទុកឡើងវិញ"},
    "since": {"en": "From", "km": "ចាប់ពី"},
    "until": {"en": "Until", "km": "ដល់"},
    "all": {"en": "All", "km": "ទាំងអស់"},
    "national": {"en": "National figures", "km": "តួលេខថ្នាក់ជាតិ"},
    "by_province": {"en": "Registrations by province", "km": "ការចុះឈ្មោះតាមខេត្ត"},
    "registrations": {"en": "Registrations", "km": "ការចុះឈ្មោះ"},
    "women_percent": {"en": "% women", "km": "% ស្ត្រី"},
    "by_group": {
        "en": "Registrations by target group and sex",
        "km": "ការចុះឈ្មោះតាមក្រុមគោលដៅ និងភេទ",
    },
    "by_channel": {
        "en": "Registrations by channel and partner bank",
        "km": "ការចុះឈ្មោះតាមឆានែល និងធនាគារដៃគូ",
    },
    "minutes": {"en": "{n} min", "km": "{n} នាទី"},
    "lag_p90": {"en": "90% within {n} min", "km": "៩០% ក្នុងរយៈពេល {n} នាទី"},
    "of_all": {"en": "{n} of {d}", "km": "{n} ក្នុងចំណោម {d}"},
    "no_data": {
        "en": "No registrations match these filters.",
        "km": "គ្មានការចុះឈ្មោះដែលត្រូវនឹងតម្រងទាំងនេះទេ។",
    },
    "refreshed": {
        "en": "Figures refreshed at {time} (Cambodia time)",
        "km": "តួលេខបានធ្វើបច្ចុប្បន្នភាពនៅ {time} (ម៉ោងកម្ពុជា)",
    },
    "small_cells": {
        "en": "Counts under {n} are shown as <{n}, and percentages computed from them are"
        " withheld (—), so that no one can be singled out.",
        "km": "ចំនួនតិចជាង {n} ត្រូវបានបង្ហាញជា <{n} ហើយភាគរយដែលគណនាពីចំនួនទាំងនោះមិនត្រូវបាន"
        "បង្ហាញទេ (—) ដើម្បីកុំឱ្យអាចសម្គាល់បុគ្គលណាម្នាក់បាន។",
    },
}
