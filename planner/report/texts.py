"""Words of the reports in Dutch (default) and English: titles, column labels, verdict sentences, numbers."""

from __future__ import annotations

import math
from typing import Any

LANGS = ("nl", "en")

#: Column labels per table key (the same key means the same thing in every table).
LABELS: dict[str, dict[str, str]] = {
    "gemeente_code": {"nl": "gemeentecode", "en": "municipality code"},
    "gemeente_naam": {"nl": "gemeente", "en": "municipality"},
    "wijk_code": {"nl": "wijkcode", "en": "wijk code"},
    "wijk_naam": {"nl": "wijk", "en": "wijk"},
    "inwoners": {"nl": "inwoners", "en": "inhabitants"},
    "wijkagenten": {"nl": "wijkagenten", "en": "wijkagenten"},
    "fte": {"nl": "fte (36 u)", "en": "fte (36 h)"},
    "fte_per_5000": {"nl": "fte per 5.000 inwoners", "en": "fte per 5,000 inhabitants"},
    "available_h_planned": {"nl": "beschikbaar u (gepland)", "en": "available h (planned)"},
    "own_h_planned": {"nl": "eigen wijk u (gepland)", "en": "own wijk h (planned)"},
    "share_planned": {"nl": "aandeel eigen wijk (gepland)", "en": "own-wijk share (planned)"},
    "available_h_realized": {"nl": "beschikbaar u (gerealiseerd)", "en": "available h (realized)"},
    "own_h_realized": {"nl": "eigen wijk u (gerealiseerd)", "en": "own wijk h (realized)"},
    "share_realized": {"nl": "aandeel eigen wijk (gerealiseerd)", "en": "own-wijk share (realized)"},
    "presence_h_planned": {"nl": "wijkpresentie u (gepland)", "en": "wijk presence h (planned)"},
    "presence_h_realized": {"nl": "wijkpresentie u (gerealiseerd)", "en": "wijk presence h (realized)"},
    "presence_per_1000_planned": {"nl": "presentie u/week per 1.000 inwoners (gepland)",
                                  "en": "presence h/week per 1,000 inhabitants (planned)"},
    "presence_per_1000_realized": {"nl": "presentie u/week per 1.000 inwoners (gerealiseerd)",
                                   "en": "presence h/week per 1,000 inhabitants (realized)"},
    "theme": {"nl": "thema", "en": "theme"},
    "hours_planned": {"nl": "uren (gepland)", "en": "hours (planned)"},
    "hours_realized": {"nl": "uren (gerealiseerd)", "en": "hours (realized)"},
    "reason": {"nl": "reden", "en": "reason"},
    "counts_for_norm": {"nl": "telt mee voor de norm", "en": "counts for the norm"},
    "share_of_available_planned": {"nl": "deel van beschikbaar (gepland)", "en": "share of available (planned)"},
    "share_of_available_realized": {"nl": "deel van beschikbaar (gerealiseerd)",
                                    "en": "share of available (realized)"},
    "week": {"nl": "week", "en": "week"},
    "indicator": {"nl": "indicator", "en": "indicator"},
    "status": {"nl": "oordeel", "en": "verdict"},
    "text": {"nl": "toelichting", "en": "explanation"},
    "subject": {"nl": "betreft", "en": "subject"},
    "officer_id": {"nl": "id", "en": "id"},
    "name": {"nl": "naam", "en": "name"},
    "wijken": {"nl": "wijken", "en": "wijken"},
    "team": {"nl": "team", "en": "team"},
    "contract_h": {"nl": "contract u/week", "en": "contract h/week"},
    "leave_h": {"nl": "verlof/ziek u", "en": "leave/sick h"},
    "available_h": {"nl": "beschikbaar u", "en": "available h"},
    "worked_h_planned": {"nl": "gewerkt u (gepland)", "en": "worked h (planned)"},
    "worked_h_realized": {"nl": "gewerkt u (gerealiseerd)", "en": "worked h (realized)"},
    "below_planned": {"nl": "onder de norm (gepland)", "en": "below the norm (planned)"},
    "below_realized": {"nl": "onder de norm (gerealiseerd)", "en": "below the norm (realized)"},
    "weeks_below_planned": {"nl": "weken onder de norm (gepland)", "en": "weeks below the norm (planned)"},
    "weeks_below_realized": {"nl": "weken onder de norm (gerealiseerd)", "en": "weeks below the norm (realized)"},
    "weeks_planned": {"nl": "weken bekend (gepland)", "en": "weeks known (planned)"},
    "weeks_realized": {"nl": "weken bekend (gerealiseerd)", "en": "weeks known (realized)"},
    "noodhulp_h": {"nl": "noodhulp u", "en": "noodhulp h"},
    "event_h": {"nl": "evenement u", "en": "event h"},
    "training_h": {"nl": "opleiding u", "en": "training h"},
    "office_h": {"nl": "kantoor u", "en": "office h"},
    "other_wijk_h": {"nl": "andere wijk u", "en": "other wijk h"},
    "voor_wijk_h": {"nl": "voor de wijk u", "en": "for the wijk h"},
    "other_h": {"nl": "overig u", "en": "other h"},
    "basis": {"nl": "bron redenen", "en": "basis of reasons"},
    "why": {"nl": "waarom", "en": "why"},
}

TITLES: dict[str, dict[str, str]] = {
    "report_municipal": {"nl": "Wijkagenten: rapportage voor de gemeente",
                         "en": "Wijkagenten: report for the municipality"},
    "report_internal": {"nl": "Wijkagenten: interne rapportage (vertrouwelijk)",
                        "en": "Wijkagenten: internal report (confidential)"},
    "verdicts": {"nl": "Oordeel per indicator", "en": "Verdict per indicator"},
    "gemeenten": {"nl": "Per gemeente", "en": "Per municipality"},
    "hours": {"nl": "Uren per gemeente", "en": "Hours per municipality"},
    "wijken": {"nl": "Per wijk", "en": "Per wijk"},
    "themes": {"nl": "Uren wijkpresentie per thema", "en": "Wijk presence hours by theme"},
    "away": {"nl": "Uren buiten de eigen wijk, per reden", "en": "Hours outside the own wijk, by reason"},
    "trend": {"nl": "Verloop per week", "en": "Weekly trend"},
    "officers": {"nl": "Per wijkagent (periode)", "en": "Per officer (period)"},
    "officer_weeks": {"nl": "Per wijkagent per week", "en": "Per officer per week"},
    "chart": {"nl": "Aandeel eigen wijk per week", "en": "Own-wijk share per week"},
    "period": {"nl": "Periode", "en": "Period"},
    "weeks": {"nl": "weken", "en": "weeks"},
    "week_one": {"nl": "week", "en": "week"},
    "other_gemeenten": {"nl": "overige gemeenten", "en": "other municipalities"},
    "other_wijken": {"nl": "overige wijken", "en": "other wijken"},
    "privacy_groups": {
        "nl": "Cijfers over minder dan {k} wijkagenten worden niet apart getoond: zulke wijken zijn samengevoegd "
              "in 'overige wijken' van hun gemeente, zulke gemeenten in 'overige gemeenten' (zo nodig aangevuld "
              "met de kleinste andere, zodat niemand uit een verschil is af te leiden). Aantallen wijkagenten en "
              "inwoners staan wel per wijk.",
        "en": "Figures about fewer than {k} wijkagenten are not shown on their own: such wijken are combined into "
              "'other wijken' of their municipality, such municipalities into 'other municipalities' (topped up "
              "with the smallest other ones where needed, so no one can be found from a difference). Head counts "
              "and inhabitants are shown per wijk.",
    },
    "privacy_withheld": {
        "nl": "Niet getoond: {what} heeft minder dan {k} wijkagenten; de cijfers zouden over personen gaan.",
        "en": "Withheld: {what} has fewer than {k} wijkagenten; the figures would be about persons.",
    },
    "norm": {"nl": "Norm", "en": "Norm"},
    "reading": {"nl": "Lezing", "en": "Reading"},
    "sources": {"nl": "Bronnen", "en": "Sources"},
    "planned": {"nl": "gepland", "en": "planned"},
    "realized": {"nl": "gerealiseerd", "en": "realized"},
    "none": {"nl": "geen", "en": "none"},
    "privacy_municipal": {
        "nl": "Deze rapportage bevat geen namen of nummers van medewerkers; cijfers per wijk en gemeente zijn "
              "opgeteld over de wijkagenten (een wijkagent met twee wijken telt voor de helft in elk).",
        "en": "This report holds no names or numbers of staff; figures per wijk and municipality are summed over "
              "the wijkagenten (an officer with two wijken counts half in each).",
    },
    "privacy_internal": {
        "nl": "Interne rapportage met gegevens per medewerker: niet delen buiten de politie.",
        "en": "Internal report with figures per officer: do not share outside the police.",
    },
    "definitions": {
        "nl": "Beschikbare uren = contracturen min verlof en ziekte. Aandeel eigen wijk = uren "
              "eigen wijk / beschikbare uren, naar beneden afgerond op 0,1 %. Alleen weken met een gepubliceerd "
              "rooster (gepland) of geïmporteerde uren (gerealiseerd) tellen mee.",
        "en": "Available hours = contract hours minus leave and sickness. Own-wijk share = "
              "own-wijk hours / available hours, rounded down to 0.1 %. Only weeks with a published roster "
              "(planned) or imported hours (realized) count.",
    },
}

READINGS = {
    "in": {"nl": "'in de wijk': alleen uren in de eigen wijk tellen (strikte lezing)",
           "en": "'in the wijk': only hours in the own wijk count (strict reading)"},
    "in_of_voor": {"nl": "'in of voor de wijk': ook werk voor de wijk elders telt (officiële lezing)",
                   "en": "'in or for the wijk': work for the wijk done elsewhere counts too (official reading)"},
}

REASONS = {
    "noodhulp": {"nl": "noodhulp", "en": "emergency response (noodhulp)"},
    "event": {"nl": "evenementen", "en": "events"},
    "training": {"nl": "opleiding en training", "en": "training"},
    "office": {"nl": "kantoor, overleg, rechtbank", "en": "office, meetings, court"},
    "other_wijk": {"nl": "andere wijk", "en": "another wijk"},
    "voor_wijk": {"nl": "voor de wijk (elders)", "en": "for the wijk (elsewhere)"},
    "other": {"nl": "overig", "en": "other"},
}

INDICATORS = {
    "own_share": {"nl": "aandeel eigen wijk", "en": "own-wijk share"},
    "per_5000": {"nl": "wijkagenten per 5.000 inwoners", "en": "wijkagenten per 5,000 inhabitants"},
    "presence": {"nl": "wijkpresentie per 1.000 inwoners", "en": "wijk presence per 1,000 inhabitants"},
    "away": {"nl": "uren buiten de wijk", "en": "hours outside the wijk"},
    "trend": {"nl": "verloop", "en": "trend"},
    "officer": {"nl": "wijkagent", "en": "officer"},
}

STATUS = {
    "meets": {"nl": "voldoet", "en": "meets the norm"},
    "below": {"nl": "onder de norm", "en": "below the norm"},
    "info": {"nl": "informatie", "en": "information"},
    "unknown": {"nl": "onbekend", "en": "unknown"},
}

YES_NO = {True: {"nl": "ja", "en": "yes"}, False: {"nl": "nee", "en": "no"}}
MISSING = "—"


def weeks(n: int, lang: str) -> str:
    """``1 week``, ``2 weken`` (``1 week``, ``2 weeks``)."""
    return f"{n} {title('week_one' if n == 1 else 'weeks', lang)}"


def gemeente_text(code: str, naam: str) -> str:
    """``GM0402 Hilversum``; the code once when the name is unknown (the wijken file had none)."""
    return f"{code} {naam}" if naam and naam != code else code


def label(key: str, lang: str) -> str:
    return LABELS.get(key, {}).get(lang, key)


def title(key: str, lang: str) -> str:
    return TITLES[key][lang]


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt(value: Any, kind: str, lang: str) -> str:
    """A value as shown in HTML and Markdown: shares as percentages, Dutch decimal commas for ``nl``."""
    if is_missing(value):
        return MISSING
    if kind == "flag":
        return YES_NO[bool(value)][lang]
    if kind == "share":
        return _dec(f"{value * 100:.1f}", lang) + " %"
    if kind == "hours":
        return _dec(f"{value:.1f}", lang)
    if kind == "ratio":
        return _dec(f"{value:.2f}", lang)
    if kind == "count":
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") if lang == "nl" else text
    if kind == "status":
        return STATUS[str(value)][lang]
    if kind == "indicator":
        return INDICATORS[str(value)][lang]
    if kind == "reason":
        return REASONS.get(str(value), {}).get(lang, str(value))
    return str(value)


def _dec(text: str, lang: str) -> str:
    return text.replace(".", ",") if lang == "nl" else text
