"""Interface text in Dutch and English. The language: the `lang` cookie (set by the switch in the
header), else the browser's Accept-Language, else Dutch. Templates call `t("key")`; a key missing
here is a test failure (tests/test_ui.py reads every template), never a blank on the page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from erfgoed.api.negotiation import ranked

LANGS = ("nl", "en")
COOKIE = "lang"

TEXT: dict[str, tuple[str, str]] = {
    # header and common words
    "nav.datasets": ("Datasets", "Datasets"),
    "nav.terms": ("Termenlijsten", "Term lists"),
    "nav.search": ("Zoeken", "Search"),
    "nav.api": ("API", "API"),
    "nav.login": ("Aanmelden", "Log in"),
    "nav.logout": ("Afmelden", "Log out"),
    "nav.language": ("Taal", "Language"),
    "nav.main": ("Hoofdmenu", "Main menu"),
    "skip": ("Naar de inhoud", "Skip to content"),
    "signed_in_as": ("Aangemeld als", "Signed in as"),
    "role.curator": ("curator", "curator"), "role.institution": ("instelling", "institution"),
    "role.admin": ("beheerder", "administrator"),
    "kind.concept": ("begrip", "concept"), "kind.person": ("persoon", "person"),
    "kind.organisation": ("organisatie", "organisation"), "kind.place": ("plaats", "place"),
    "back": ("Terug", "Back"),
    # linked-data pages (api/linked_data.py, templates/entity.html)
    "ld.formats": ("Ook als", "Also as"),
    "ld.provenance": ("Herkomst", "Provenance"),
    "ld.dataset": ("Dataset", "Dataset"),
    "ld.institution": ("Instelling", "Institution"),
    "ld.last_run": ("Laatste oogst of inlading", "Last harvest or ingest"),
    "ld.statements": ("Gegevens", "Statements"),
    "ld.mappings": ("Koppelingen met authorities", "Mappings to authorities"),
    "ld.incoming": ("Wat hiernaar verwijst", "What points here"),
    "none": ("geen", "none"),
    # login
    "login.title": ("Aanmelden", "Log in"),
    "login.intro": ("Meld je aan met het token dat je van de beheerder kreeg.",
                    "Log in with the token your administrator gave you."),
    "login.token": ("Token", "Token"),
    "login.submit": ("Aanmelden", "Log in"),
    "login.wrong": ("Dit token is onbekend of ingetrokken.", "This token is unknown or revoked."),
    # term lists overview
    "lists.title": ("Termenlijsten", "Term lists"),
    "lists.intro": ("Per lijst en per bron: hoeveel termen gekoppeld zijn, als geen overeenkomst "
                    "gemarkeerd, of nog te doen.",
                    "Per list and per source: how many terms are aligned, marked as no match, or "
                    "still to do."),
    "lists.terms": ("termen", "terms"),
    "lists.align": ("Koppelen", "Align"),
    "lists.page": ("Lijst bekijken", "View list"),
    "lists.none": ("Nog geen termenlijsten: voer `erfgoed demo` uit.",
                   "No term lists yet: run `erfgoed demo`."),
    "progress.aligned": ("gekoppeld", "aligned"),
    "progress.no_match": ("geen overeenkomst", "no match"),
    "progress.open": ("nog te doen", "to do"),
    # queue
    "queue.title": ("Koppelen", "Align"),
    "queue.term_of": ("Term {n} van {total}", "Term {n} of {total}"),
    "queue.empty": ("Niets meer te doen met deze filters.", "Nothing left to do with these filters."),
    "queue.terms": ("Termen", "Terms"),
    "queue.filters": ("Filters", "Filters"),
    "queue.show": ("Toon", "Show"),
    "queue.show.open": ("nog te koppelen", "unaligned"),
    "queue.show.all": ("alle termen", "all terms"),
    "queue.source": ("Bron", "Source"),
    "queue.source.all": ("alle bronnen", "all sources"),
    "queue.type": ("Soort", "Type"),
    "queue.type.same": ("zoals de term", "as the term"),
    "queue.type.any": ("elke soort", "any type"),
    "queue.min_score": ("Minimale score", "Minimum score"),
    "queue.apply": ("Toepassen", "Apply"),
    "queue.search_other": ("Zoek met een andere term", "Search with another label"),
    "queue.search": ("Zoeken", "Search"),
    "queue.candidates": ("Kandidaten", "Candidates"),
    "queue.no_candidates": ("Geen kandidaten. Zoek met een andere term, of markeer 'geen overeenkomst'.",
                            "No candidates. Search with another label, or mark 'no match'."),
    "queue.score": ("score", "score"),
    "queue.broader": ("breder", "broader"),
    "queue.place": ("ligging", "location"),
    "queue.life": ("leven", "life"),
    "queue.open_source": ("bron openen", "open at source"),
    "queue.why": ("Waarom (optioneel)", "Why (optional)"),
    "queue.decisions": ("Beslissingen voor deze term", "Decisions on this term"),
    "queue.undo": ("Ongedaan maken", "Undo"),
    "queue.undo_last": ("Laatste beslissing ongedaan maken", "Undo my last decision"),
    "queue.reject": ("Afwijzen", "Reject"),
    "queue.no_match": ("Geen overeenkomst", "No match"),
    "queue.no_match_in": ("Geen overeenkomst in", "No match in"),
    "queue.prev": ("Vorige term", "Previous term"),
    "queue.next": ("Volgende term", "Next term"),
    "queue.keys": ("Sneltoetsen", "Keyboard"),
    "queue.keys.text": ("j/k of ↓/↑ kandidaat kiezen · 1 exact · 2 nauw · 3 breder · 4 smaller · "
                        "5 verwant · x afwijzen · n geen overeenkomst · u ongedaan maken · "
                        "[ en ] vorige/volgende term",
                        "j/k or ↓/↑ choose a candidate · 1 exact · 2 close · 3 broad · 4 narrow · "
                        "5 related · x reject · n no match · u undo · [ and ] previous/next term"),
    "queue.bulk": ("Bulk aanvaarden…", "Bulk accept…"),
    "queue.done_term": ("gekoppeld", "aligned"),
    "queue.decided": ("Opgeslagen.", "Saved."),
    "queue.undone": ("Ongedaan gemaakt.", "Undone."),
    "queue.nothing_to_undo": ("Je hebt in deze lijst geen beslissing om ongedaan te maken.",
                              "You have no decision in this list to undo."),
    "rel.exact": ("exact", "exact"), "rel.close": ("nauw", "close"), "rel.broad": ("breder", "broad"),
    "rel.narrow": ("smaller", "narrow"), "rel.related": ("verwant", "related"),
    "kind.accept": ("aanvaard", "accepted"), "kind.reject": ("afgewezen", "rejected"),
    "kind.no-match": ("geen overeenkomst", "no match"),
    "status.current": ("geldig", "current"), "status.replaced": ("vervangen", "replaced"),
    "status.retracted": ("ingetrokken", "retracted"),
    # bulk
    "bulk.title": ("Bulk aanvaarden", "Bulk accept"),
    "bulk.intro": ("De beste kandidaat van elke nog open term met minstens deze score. Vink uit wat "
                   "niet klopt en bevestig: ze worden aanvaard als exacte overeenkomst.",
                   "The best candidate of every open term scoring at least this much. Untick what is "
                   "wrong and confirm: they are accepted as exact matches."),
    "bulk.review": ("Nakijken", "Review"),
    "bulk.confirm": ("{n} koppelingen aanvaarden", "Accept {n} mappings"),
    "bulk.none": ("Geen kandidaten boven deze score.", "No candidates above this score."),
    "bulk.done": ("{n} koppelingen aanvaard.", "{n} mappings accepted."),
    "bulk.capped": ("Alleen de eerste {n} open termen zijn bekeken.",
                    "Only the first {n} open terms were looked at."),
    "col.term": ("Term", "Term"), "col.candidate": ("Kandidaat", "Candidate"),
    "col.source": ("Bron", "Source"), "col.score": ("Score", "Score"), "col.accept": ("Aanvaarden", "Accept"),
    "col.who": ("Wie", "Who"), "col.when": ("Wanneer", "When"), "col.why": ("Waarom", "Why"),
    "col.relation": ("Relatie", "Relation"), "col.target": ("Doel", "Target"),
    "col.status": ("Status", "Status"), "col.decision": ("Beslissing", "Decision"),
    "col.list": ("Lijst", "List"), "col.record": ("Record", "Record"), "col.dataset": ("Dataset", "Dataset"),
    # search and concept
    "search.title": ("Zoeken in de termenlijsten", "Search the term lists"),
    "search.label": ("Term", "Term"),
    "search.placeholder": ("bv. schaaf, Gent, Ensor", "e.g. schaaf, Gent, Ensor"),
    "search.none": ("Niets gevonden.", "Nothing found."),
    "concept.labels": ("Termen", "Labels"),
    "concept.pref": ("voorkeursterm", "preferred label"),
    "concept.alt": ("alternatieve term", "alternative label"),
    "concept.hidden": ("verborgen term", "hidden label"),
    "concept.note": ("Toelichting", "Scope note"),
    "concept.hierarchy": ("Hiërarchie", "Hierarchy"),
    "concept.broader": ("bredere term", "broader"), "concept.narrower": ("smallere term", "narrower"),
    "concept.mappings": ("Koppelingen", "Mappings"),
    "concept.no_mappings": ("Nog geen koppelingen.", "No mappings yet."),
    "concept.in_list": ("in de lijst zelf", "in the list itself"),
    "concept.usage": ("Gebruikt in collectierecords", "Used in collection records"),
    "concept.usage_none": ("Geen records gebruiken deze term.", "No records use this term."),
    "concept.usage_how": ("Records waarvan een term dezelfde naam heeft of aan dit begrip gekoppeld is.",
                          "Records with a term of the same name, or one mapped to this concept."),
    "concept.align": ("Koppel deze term", "Align this term"),
    "concept.data": ("Als data", "As data"),
    # datasets and submissions
    "ds.submit": ("Nieuwe versie indienen", "Submit a new version"),
    "ds.submissions": ("Indieningen", "Submissions"),
    # Europeana readiness on the dataset page (graph/edm_tiers.py)
    "eu.title": ("Klaar voor Europeana?", "Ready for Europeana?"),
    "eu.not_allowed": ("De licentie van deze dataset laat Europeana niet toe.",
                       "This dataset's licence does not allow Europeana."),
    "eu.summary": ("{exported} van {records} objecten gaan mee in de export; {publishable} daarvan "
                   "publiceert Europeana (metadata-tier A en content-tier 1 of hoger).",
                   "{exported} of {records} objects go into the export; Europeana publishes "
                   "{publishable} of them (metadata tier A and content tier 1 or higher)."),
    "eu.unavailable": ("De tiers kunnen nu niet berekend worden:", "The tiers cannot be computed now:"),
    "eu.metadata": ("Metadata-tier", "Metadata tier"),
    "eu.content": ("Hoogst haalbare content-tier", "Highest content tier possible"),
    "eu.records": ("records", "records"),
    "eu.reasons": ("Wat records tegenhoudt", "What holds records back"),
    "eu.none": ("Niets: elk record haalt tier C en content-tier 4.",
                "Nothing: every record reaches tier C and content tier 4."),
    "eu.add": ("Toe te voegen", "To add"),
    "eu.examples": ("Bijvoorbeeld", "For example"),
    "eu.more": ("en {n} andere redenen", "and {n} other reasons"),
    "eu.crit.language": ("Talen: te weinig waarden met een taalcode",
                         "Language: too few values with a language tag"),
    "eu.crit.enabling": ("Te weinig zoekbare elementen (datum, soort, maker, plaats)",
                         "Too few enabling elements (date, type, maker, place)"),
    "eu.crit.contextual": ("Te weinig volledige contextuele entiteiten",
                           "Too few complete contextual entities"),
    "eu.crit.media": ("Geen digitaal object (beeld of bestand)", "No digital object (image or file)"),
    "eu.crit.licence": ("De rechtenverklaring beperkt de content-tier",
                        "The rights statement caps the content tier"),
    "eu.crit.publication": ("Onder Europeana's minimum: niet gepubliceerd",
                            "Below Europeana's minimum: not published"),
    "eu.crit.checks": ("Faalt de EDM-controles: niet geëxporteerd", "Fails the EDM checks: not exported"),
    "eu.add.language": ("een taalcode bij deze waarden, of koppelingen naar begrippen, plaatsen of "
                        "perioden met een label met taalcode",
                        "a language tag on these values, or links to concepts, places or time spans "
                        "with a language-tagged label"),
    "eu.add.enabling": ("meer van", "more of"),
    "eu.add.contextual": ("een volledige entiteit van één van deze soorten",
                          "one complete entity of one of these kinds"),
    "eu.add.media": ("een URL van een beeld of bestand (edm:isShownBy), voor tier 4 een foto van minstens "
                     "0,95 megapixel", "an image or file URL (edm:isShownBy); for tier 4 a photograph of "
                     "at least 0.95 megapixel"),
    "eu.add.licence": ("een open licentie (PDM, CC0, CC BY, CC BY-SA) geeft tier 4, een beperkte (NC, ND, "
                       "InC-EDU, NoC-NC) tier 3", "an open licence (PDM, CC0, CC BY, CC BY-SA) allows "
                       "tier 4, a restricted one (NC, ND, InC-EDU, NoC-NC) tier 3"),
    "eu.add.publication": ("metadata-tier A en content-tier 1 (zie de andere redenen)",
                           "metadata tier A and content tier 1 (see the other reasons)"),
    "eu.add.checks": ("oplossen wat de problemen zeggen (export-report.json somt ze op)",
                      "fix what the problems say (export-report.json lists them)"),
    "eu.group.temporal": ("een datum (dcterms:created, dcterms:temporal)",
                          "a date (dcterms:created, dcterms:temporal)"),
    "eu.group.conceptual": ("soort, materiaal of techniek (dc:type, dcterms:medium, dc:format)",
                            "type, material or technique (dc:type, dcterms:medium, dc:format)"),
    "eu.group.personal": ("een maker (dc:creator, dc:contributor)", "a maker (dc:creator, dc:contributor)"),
    "eu.group.geographical": ("een plaats (dcterms:spatial)", "a place (dcterms:spatial)"),
    "eu.entity.agent": ("maker met levensdata (koppel aan VIAF/Wikidata)",
                        "maker with life dates (align to VIAF/Wikidata)"),
    "eu.entity.concept": ("begrip met mapping of scope note (koppel aan AAT)",
                          "concept with a mapping or scope note (align to AAT)"),
    "eu.entity.place": ("plaats met coördinaten (koppel aan GeoNames)",
                        "place with coordinates (align to GeoNames)"),
    "eu.entity.timespan": ("datering met begin en einde", "dating with begin and end"),
    "eu.licence.open": ("open", "open"), "eu.licence.restricted": ("beperkt", "restricted"),
    "eu.licence.closed": ("met toestemming", "permission needed"),
    "eu.missing.metadata": ("metadata-tier 0", "metadata tier 0"),
    "eu.missing.content": ("content-tier 0", "content tier 0"),
    "sub.title": ("Bestand indienen", "Submit a file"),
    "sub.intro": ("Een registerbestand (CSV, XLSX), LIDO-XML of JSON met de volledige inhoud van de "
                  "dataset. De gepubliceerde versie blijft online tot de nieuwe geladen is.",
                  "A register (CSV, XLSX), LIDO XML or JSON file with the dataset's whole content. "
                  "The published version stays online until the new one is loaded."),
    "sub.file": ("Bestand", "File"),
    "sub.mapping": ("Mapping", "Mapping"),
    "sub.mapping_default": ("zoals ingesteld voor de dataset", "as configured for the dataset"),
    "sub.max": ("Hoogstens {mb} MB.", "At most {mb} MB."),
    "sub.send": ("Indienen", "Submit"),
    "sub.status": ("Status", "Status"),
    "sub.queued": ("wacht", "waiting"), "sub.running": ("bezig", "running"), "sub.done": ("klaar", "done"),
    "sub.failed": ("mislukt", "failed"),
    "sub.read": ("records gelezen", "records read"),
    "sub.of_about": ("van ongeveer", "of about"),
    "sub.result": ("{loaded} geladen, {unchanged} ongewijzigd, {removed} verwijderd, {quarantined} in "
                   "quarantaine, {warnings} met waarschuwingen.",
                   "{loaded} loaded, {unchanged} unchanged, {removed} removed, {quarantined} kept aside, "
                   "{warnings} with warnings."),
    "sub.report": ("Naar het rapport", "Open the report"),
    "sub.by": ("door", "by"),
    "sub.none": ("Nog geen indieningen.", "No submissions yet."),
    "sub.file_col": ("Bestand", "File"), "sub.when": ("Ingediend", "Submitted"),
    # the actor databank (api/ui_actors.py)
    "nav.actors": ("Actoren", "Actors"),
    "actors.title": ("Actoren: voorstellen om samen te voegen", "Actors: proposed merges"),
    "actors.how": ("Deze paren lijken dezelfde actor maar scoren onder de drempel voor automatisch "
                   "samenvoegen. Elke beslissing wordt bewaard (wie, wanneer, waarom) en blijft gelden "
                   "bij elke nieuwe run.",
                   "These pairs look like one actor but score below the threshold for an automatic merge. "
                   "Every decision is kept (who, when, why) and holds in every later run."),
    "actors.none": ("Geen open voorstellen.", "No open proposals."),
    "actors.page": ("Pagina {n} van {last} ({total} voorstellen, hoogste score eerst)",
                    "Page {n} of {last} ({total} proposals, highest score first)"),
    "actors.prev": ("Vorige pagina", "Previous page"), "actors.next": ("Volgende pagina", "Next page"),
    "actors.pair": ("Voorstel", "Proposal"), "actors.score": ("score", "score"),
    "actors.reasons": ("Waarom voorgesteld", "Why proposed"),
    "actors.dataset": ("Dataset", "Dataset"), "actors.names": ("Namen", "Names"),
    "actors.now_in": ("Nu in actor", "Now in actor"),
    "actors.merge": ("Samenvoegen", "Merge"), "actors.apart": ("Apart houden", "Keep apart"),
    "actors.split": ("Afsplitsen", "Split off"), "actors.undo": ("Ongedaan maken", "Undo"),
    "actors.why": ("Waarom (optioneel)", "Why (optional)"),
    "actors.decided": ("Opgeslagen; de actoren zijn opnieuw berekend.",
                       "Saved; the actors were resolved again."),
    "actors.life": ("Leven", "Life"), "actors.also": ("Ook geschreven als", "Also written as"),
    "actors.records": ("Bronrecords", "Source records"),
    "actors.authorities": ("Autoriteiten", "Authorities"),
    "actors.works": ("Werken in alle collecties", "Works in every collection"),
    "actors.role": ("Rol", "Role"), "actors.object": ("Object", "Object"), "actors.as": ("Als", "As"),
    "actors.productions": ("Producties", "Productions"),
    "actors.merged": ("Automatisch samengevoegd omdat", "Merged automatically because"),
    "actors.decisions": ("Beslissingen", "Decisions"), "actors.who": ("Wie", "Who"),
    "actors.when": ("Wanneer", "When"),
    "actors.kind.merge": ("samengevoegd", "merged"), "actors.kind.apart": ("apart gehouden", "kept apart"),
    "actors.status": ("Status", "Status"),
}


def language(request: Request) -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGS:
        return chosen
    for tag, q in ranked(request.headers.get("accept-language", "")):
        if q > 0 and tag.split("-")[0] in LANGS:
            return tag.split("-")[0]
    return "nl"


def translator(lang: str) -> Callable[..., str]:
    i = LANGS.index(lang) if lang in LANGS else 0

    def t(key: str, **values: object) -> str:
        text = TEXT[key][i]
        return text.format(**values) if values else text
    return t
