"""Quote speakers by rule, for the languages the English parse cannot read (French, German,
Spanish): the subject next to one of the language's speech verbs beside the quote marks; and the
English speech verbs that the parse-based speaker search and quote matching read."""

from __future__ import annotations

import re

# English speech verbs: a quote's speaker is the subject of the nearest one (quotes.find_speaker).
SPEECH_VERBS = {
    "say", "says", "said", "saying", "tell", "tells", "told", "add", "adds", "added", "claim",
    "claims", "claimed", "insist", "insists", "insisted", "state", "states", "stated", "explain",
    "explained", "note", "noted", "write", "wrote", "writes", "warn", "warned", "warns", "argue",
    "argued", "assert", "asserted", "admit", "admitted", "acknowledged", "reply", "replied",
    "respond", "responded", "declare", "declared", "stress", "stressed", "confirm", "confirmed",
    "announce", "announced", "tweeted", "posted", "commented", "continued", "concluded", "asked",
    "urged", "called", "described", "recalled", "suggested", "according", "quoted", "emphasised",
    "emphasized", "maintained", "conceded", "alleged", "boasted", "vowed", "promised",
    "clarified", "reported", "indicated", "denied", "rejected", "demanded", "predicted", "shouted",
}  # fmt: skip

# Speech verbs of the languages read by rule, as they stand next to a quote ("», a déclaré X",
# "“, sagte X", "», dijo X"; "X sagte: „").
FOREIGN_SPEECH = {
    "fr": "a déclaré|a dit|a affirmé|a expliqué|a indiqué|a ajouté|a souligné|a assuré|a précisé|déclare|"
    "dit|affirme|explique|indique|ajoute|souligne|assure|précise",
    "de": "sagte|erklärte|betonte|fügte hinzu|teilte mit|meinte|sagt|erklärt|betont|meint|so",
    "es": "dijo|afirmó|declaró|explicó|señaló|añadió|aseguró|indicó|subrayó|dice|afirma|explica|señala",
}
_WHO = r"(?P<who>[^\W\d_][^.;:!?«»„“”\"]{1,80}?)"


def find_speaker_by_rule(original: str, open_at: int, close_at: int | None, language: str) -> tuple[str, str]:
    """(speaker, verb) for the quote whose marks stand at ``open_at`` and ``close_at`` (None:
    never closed) in French, German or Spanish: the subject after a speech verb
    that follows the quote ("», a déclaré la maire d'Orsenne, Hélène Vasseur."), else before a
    speech verb and colon that open it ("Der Bürgermeister sagte: „..."). The speaker phrase
    stops at the first comma (an apposition follows)."""
    verbs = FOREIGN_SPEECH[language]
    if close_at is not None:
        after = original[close_at + 1 : close_at + 160]
        found = re.match(rf"\s*[,.]?\s*(?P<verb>{verbs})\s+{_WHO}\s*(?:[,.;]|$)", after)
        if found:
            return found.group("who").strip(), found.group("verb")
    before = original[max(0, open_at - 160) : open_at]
    found = re.search(rf"(?:^|[.!?]\s+|,\s+){_WHO}\s+(?P<verb>{verbs})\s*:\s*$", before)
    if found:
        return found.group("who").strip(), found.group("verb")
    return "", ""
