"""Dutch text templates of the demo's social-media messages (questions, statements, replies, names).

Every platform writer of :mod:`helpers.demo` draws from these. Imports nothing from helpers.
"""

from __future__ import annotations

# Text templates (Dutch). {h}: the municipality's handle, {name}: its short name.
QUESTIONS = (
    ("afval", "Wanneer wordt het grofvuil in onze straat weer opgehaald?"),
    ("afval", "Is de milieustraat op zaterdag open?"),
    ("afval", "waar kan ik mijn kapotte kliko laten omruilen?"),
    ("afval", "kunt u zorgen dat de container bij de school geleegd wordt"),
    ("verkeer", "Hoe vraag ik een parkeervergunning aan voor bezoek?"),
    ("verkeer", "Hoe lang duren de wegwerkzaamheden bij het station nog?"),
    ("verkeer", "kunnen jullie iets doen aan de kapotte straatverlichting bij ons?"),
    ("verkeer", "Klopt het dat de fietsenstalling gaat sluiten"),
    ("zorg", "waar kan ik terecht met vragen over de WMO?"),
    ("zorg", "Hoe vraag ik huishoudelijke hulp aan voor mijn moeder?"),
    ("werk_inkomen", "Wanneer wordt de bijstand deze maand uitbetaald?"),
    ("werk_inkomen", "info graag over schuldhulpverlening, bij wie moet ik zijn?"),
    ("veiligheid", "Wie kan ik bellen over de overlast van hangjongeren in het park?"),
    ("evenementen", "moet ik voor een buurtbarbecue een vergunning aanvragen?"),
    ("evenementen", "Gaat de kermis dit jaar door?"),
    ("belastingen", "Waarom is mijn aanslag OZB zo hoog dit jaar?"),
    ("belastingen", "graag reactie op mijn bezwaar tegen de WOZ-waarde"),
    ("overig", "Wat zijn de openingstijden van het gemeentehuis?"),
    ("overig", "Kan ik zonder afspraak een paspoort aanvragen?"),
    ("overig", "hoeveel kost een rijbewijs verlengen tegenwoordig"),
)
STATEMENTS = (
    ("afval", "de container op het plein zit alweer vol. Niet normaal."),
    ("verkeer", "bedankt voor het snel repareren van de lantaarnpaal!"),
    ("verkeer", "Weer file door de wegwerkzaamheden, elke ochtend hetzelfde."),
    ("overig", "top geregeld vandaag bij de balie, dank!"),
    ("zorg", "Fijn gesprek gehad met de wijkcoach over de zorg voor mijn vader."),
    ("veiligheid", "Weer overlast van scooters in de wijk vannacht."),
    ("evenementen", "mooie markt vandaag, complimenten"),
    ("overig", "jullie site is al de hele ochtend onbereikbaar"),
)
AMBIGUOUS = (
    ("afval", "Dit is toch niet normaal? Drie weken geen vuilnisophaal."),
    ("verkeer", "Wie weet wordt het ooit nog wat met die fietsbrug"),
    ("overig", "Mooi weer vandaag, toch?"),
    ("verkeer", "Wanneer gaat de gemeente eindelijk eens luisteren naar de bewoners over het parkeren"),
)
INDIRECT = (
    ("afval", "Weer geen afval opgehaald in {name}. Hoe moeilijk kan het zijn?"),
    ("afval", "Zwerfvuil overal in het centrum van {name}"),
    ("verkeer", "Parkeren in {name} is echt een drama geworden"),
    ("verkeer", "Wie weet waarom de weg naar {name} al een week dicht is?"),
    ("zorg", "De jeugdzorg in {name} moet echt beter"),
    ("werk_inkomen", "Al maanden wachten op mijn uitkering in {name}"),
    ("veiligheid", "Inbraakgolf in {name}, wat doet de politie eraan?"),
    ("evenementen", "Leuk festival dit weekend in {name}!"),
    ("belastingen", "Rioolheffing in {name} weer omhoog"),
    ("overig", "Mooie dag in {name} vandaag"),
)
ORIGINALS = (
    "Vanaf maandag werkzaamheden aan de Dorpsstraat. Verkeer wordt omgeleid.",
    "Vanavond raadsvergadering over de begroting. Volg het live via onze website.",
    "Denk aan de nieuwe afvalkalender: GFT wordt voortaan om de week opgehaald.",
    "Het gemeentehuis is op Hemelvaartsdag gesloten.",
    "Inloopavond over de herinrichting van het centrum, donderdag 19.30 uur.",
    "Nieuw: vraag uw parkeervergunning online aan.",
    "Het college heeft vandaag het nieuwe armoedebeleid gepresenteerd.",
    "Let op: zaterdag is de milieustraat alleen 's ochtends open.",
)
REPLIES = (
    "Dank voor uw vraag. We zoeken het voor u uit en komen erop terug.",
    "Goed dat u dit meldt. We hebben het doorgegeven aan de buitendienst.",
    "Dat kan via onze website, onder Digitaal loket. Succes!",
    "Excuses voor het ongemak. Kunt u ons een DM sturen met uw adres?",
    "De milieustraat is op zaterdag open van 9.00 tot 16.00 uur.",
    "Bedankt voor uw compliment, we geven het door!",
)
SELF_REPLIES = ("Meer informatie volgt later vandaag.", "Update: de werkzaamheden lopen uit.")
FIRST_NAMES = ("Jan", "Anna", "Pieter", "Sanne", "Mohamed", "Fleur", "Kees", "Fatima", "Daan",
               "Lotte", "Henk", "Emma", "Bram", "Yasmin", "Wim", "Sophie", "Joost", "Noor")
SURNAMES = ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
            "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "El Amrani", "Yilmaz")
