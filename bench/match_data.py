"""Data for bench/match_bench.py: a generated vocabulary of >= 500k labels, 1,000 queries with known
answers, and labelled sets from real data (the AAT subset mirrors, Ghent's LDES pages).

The generated labels combine word lists so they look like a heritage network's: object terms
("eikenhouten kast met deksel", "gegraveerde zilveren kelken"), persons ("Janssens, Léon Maria
(1843-1911)") and places ("Sint-Aalkerke"), spread over AAT-, VIAF-, GeoNames-like sources and
the network's own lists. Deterministic: the same seed gives the same data.
"""

from __future__ import annotations

import csv
import json
import random
import unicodedata
from pathlib import Path

from erfgoed.harvesters.authorities.base import Entry, Label

NOUNS = [(s, p) for s, p in (w.split("/") for w in """
stoel/stoelen kast/kasten tafel/tafels schilderij/schilderijen kan/kannen kom/kommen bord/borden
schaal/schalen beker/bekers kelk/kelken lepel/lepels vork/vorken mes/messen pot/potten vaas/vazen
fles/flessen kist/kisten doos/dozen lamp/lampen kandelaar/kandelaars spiegel/spiegels klok/klokken
horloge/horloges ring/ringen broche/broches hanger/hangers ketting/kettingen armband/armbanden
mantel/mantels jurk/jurken hoed/hoeden muts/mutsen schoen/schoenen laars/laarzen handschoen/handschoenen
waaier/waaiers tegel/tegels prent/prenten ets/etsen tekening/tekeningen foto/foto's affiche/affiches
boek/boeken kaart/kaarten brief/brieven munt/munten penning/penningen medaille/medailles zegel/zegels
beeld/beelden buste/bustes reliekhouder/reliekhouders monstrans/monstransen kruisbeeld/kruisbeelden
kazuifel/kazuifels vaandel/vaandels wandtapijt/wandtapijten kussen/kussens deken/dekens
merklap/merklappen schaaf/schaven hamer/hamers zaag/zagen beitel/beitels bijl/bijlen weefgetouw/weefgetouwen
spinnewiel/spinnewielen ploeg/ploegen kar/karren wagen/wagens schip/schepen anker/ankers
kanon/kanonnen zwaard/zwaarden helm/helmen harnas/harnassen geweer/geweren pijp/pijpen
speelgoedpop/speelgoedpoppen tol/tollen knikker/knikkers piano/piano's viool/violen fluit/fluiten
trommel/trommels orgel/orgels harp/harpen luit/luiten altaar/altaren preekstoel/preekstoelen
bank/banken bed/bedden wieg/wiegen spinet/spinetten kroon/kronen scepter/scepters
""".split())]
EN_NOUNS = [(s, p) for s, p in (w.split("/") for w in """
chair/chairs cabinet/cabinets table/tables painting/paintings jug/jugs bowl/bowls plate/plates
dish/dishes cup/cups chalice/chalices spoon/spoons fork/forks knife/knives box/boxes lamp/lamps
candlestick/candlesticks mirror/mirrors clock/clocks watch/watches ring/rings brooch/brooches
necklace/necklaces coat/coats dress/dresses hat/hats shoe/shoes glove/gloves fan/fans tile/tiles
print/prints etching/etchings drawing/drawings photograph/photographs poster/posters book/books
map/maps letter/letters coin/coins medal/medals seal/seals statue/statues bust/busts reliquary/reliquaries
crucifix/crucifixes chasuble/chasubles banner/banners tapestry/tapestries cushion/cushions
sampler/samplers plane/planes hammer/hammers saw/saws chisel/chisels axe/axes loom/looms
church/churches cart/carts ship/ships anchor/anchors sword/swords helmet/helmets pipe/pipes
doll/dolls violin/violins flute/flutes drum/drums organ/organs harp/harps altar/altars bench/benches
""".split())]
MATERIALS = """eikenhouten zilveren gouden porseleinen glazen koperen tinnen ijzeren houten stenen aarden
lederen wollen zijden linnen katoenen bronzen marmeren ebbenhouten notenhouten grenen rieten papieren
kartonnen benen ivoren gietijzeren messing albasten kristallen emaillen terracotta fluwelen""".split()
ADJECTIVES = """kleine grote ronde vierkante ovale beschilderde gegraveerde geëmailleerde vergulde antieke
liturgische huishoudelijke decoratieve Vlaamse Brabantse Gentse Brugse Antwerpse barokke gotische
neogotische rococo empire gedreven gesneden geborduurde geweven gedrukte gekleurde gebrandschilderde
Japanse Chinese Italiaanse Franse Spaanse Duitse Engelse Hollandse Luikse""".split()
EN_ADJECTIVES = """small large round square oval painted engraved enamelled gilded antique liturgical
domestic decorative Flemish Brabant baroque gothic neo-gothic carved embroidered woven printed
coloured Japanese Chinese Italian French Spanish German English Dutch silver golden wooden""".split()
FEATURES = """deksel handvat voet oor tuit ring sleutel slot lade deur spiegel beslag opschrift wapenschild
portret landschap bloemmotief rand sokkel""".split()
FIRST = """Peter Pieter Paul Jan Johannes Jacob Jozef Karel Frans Emile Léon René Désiré Frédéric Hendrik
Willem Lodewijk Theo Rik Gustave Constant Edgard Albert Jules Achille Hippolyte Maurice Marcel André
Maria Anna Hélène Céline Zoë Anaïs Jeanne Louise Marguerite Elisabeth Johanna Catharina Clara Rosa
Emma Julia Sophie Berthe Marthe Yvonne Irène Agnès Thérèse Godelieve Ursula Beatrijs Margareta
Adriaen Abraham Anthonie Cornelis Gerard Lucas Quinten Roger Hugo Dirk Joos Gillis Maarten Melchior
Nicolaas Simon Thomas Victor Xavier Edouard Félicien Fernand Valerius Camille Octave Ferdinand""".split()
SURNAMES = """Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters Dubois Lambert Dupont
Martens Hermans Michiels Aerts Smets Pauwels Vermeulen Stevens Leys Ensor Permeke Minne Saverys Claus
Rubens Jordaens Teniers Brueghel Memling Bouts Metsys Floris Coecke Massys Provoost Pourbus Seghers
Snyders Boel Verhaeren Gezelle Streuvels Timmermans Elskamp Rodenbach Maeterlinck Khnopff Spilliaert
Wiertz Navez Gallait Verlat Delvaux Magritte Tytgat Brusselmans Servaes Smits Frédéric Evenepoel
Baertsoen Courtens Verstraete Rosseels Lemmen Finch Rops Meunier Lambeaux Rousseau Vinçotte Braecke
Wolfers Horta Hankar Hoste Eggericx Bourgeois Huygelen Daeye Schirren Peeters Servranckx Baugniet
Joostens Wyckaert Alechinsky Dotremont Broodthaers Panamarenko Vercruysse Lizène Fabre Tuymans""".split()
SURNAME_PARTICLES = ["", "", "", "", "De ", "Van ", "Van den ", "Van der ", "Vanden ", "Verhaeghe-"]
PLACE_STEMS = """Aal Berg Brug Dender Eek Hout Kort Lede Maal Over Ron Sle Zon Wet Eksaar Lok Tem Zel Beve
Dest Ninove Gaver Herze Laar Lier Mol Geel Diest Tielt Ieper Veur Poper Wervik Menen Harel Zwal Kruis
Zomer Wich Ertvel Assen Bassel Hamme Lebbe Moer Nazar Opwijk Putte Rumst Schil Stabroek Wuus Zand""".split()
PLACE_SUFFIXES = ["hem", "gem", "kerke", "dijk", "hout", "donk", "rode", "zele", "beke", "veld", "broek",
                  "mont", "ville", "wijk", "dorp"]
PLACE_PREFIXES = ["", "Sint-", "Oud-", "Nieuw-", "Groot-", "Klein-", "Oost-", "West-", "Neder-", "Over-"]


def _pseudo_word(rng: random.Random) -> str:
    syllables = ["qor", "bel", "vin", "trax", "zul", "mip", "orf", "yst", "kwu", "plex", "dro", "nix"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))


def generate(n_labels: int = 520_000, seed: int = 7) -> tuple[list[Entry], dict[str, str]]:
    """Entries with >= n_labels labels; and, per concept URI, its label with the other number
    ("eikenhouten kasten" for "eikenhouten kast"), so queries can be plural variants."""
    rng = random.Random(seed)
    entries: list[Entry] = []
    other_number: dict[str, str] = {}
    count = 0
    lists = ["list:dmg", "list:mskgent", "list:huisvanalijn", "list:kmska", "list:stam"]
    combos = [(a, m, n) for a in range(-1, len(ADJECTIVES)) for m in range(-1, len(MATERIALS))
              for n in range(len(NOUNS))]
    rng.shuffle(combos)
    features = [-1] * 3 + list(range(len(FEATURES)))
    for i, (a, m, n) in enumerate(combos):           # ~12% of the labels are concepts ...
        if count >= n_labels * 0.45:
            break
        plural = rng.random() < 0.4
        feature = rng.choice(features)
        def text(number: int, a=a, m=m, n=n, feature=feature) -> str:
            words = [ADJECTIVES[a] if a >= 0 else "", MATERIALS[m] if m >= 0 else "", NOUNS[n][number]]
            tail = f" met {FEATURES[feature]}" if feature >= 0 else ""
            return " ".join(w for w in words if w) + tail
        source = "aat" if i % 3 == 0 else lists[i % len(lists)]
        labels = [Label(text(int(plural)), "nl")]
        if rng.random() < 0.25 and n < len(EN_NOUNS):
            en = [EN_ADJECTIVES[a % len(EN_ADJECTIVES)] if a >= 0 else "", EN_NOUNS[n][int(plural)]]
            labels.append(Label(" ".join(w for w in en if w), "en", "alt" if source != "aat" else "pref"))
        uri = f"https://example.org/{source.replace(':', '/')}/c{i}"
        entries.append(Entry(uri, source, "concept", labels))
        other_number[uri] = text(1 - int(plural))
        count += len(labels)
    seen: set[tuple] = set()
    while count < n_labels * 0.98:                   # ... persons ...
        key = (rng.choice(SURNAME_PARTICLES), rng.choice(SURNAMES), rng.choice(FIRST),
               rng.choice(FIRST + [""] * 40))
        if key in seen or key[2] == key[3]:
            continue
        seen.add(key)
        particle, surname, first, middle = key
        given = f"{first} {middle}".strip()
        birth = rng.randint(1400, 1960)
        death = birth + rng.randint(25, 95)
        source = ("viaf", "wikidata", "list:personen")[len(seen) % 3]
        labels = [Label(f"{particle}{surname}, {given}", "")]
        if rng.random() < 0.3:
            labels.append(Label(f"{given} {particle}{surname}", "", "alt"))
        entries.append(Entry(f"https://example.org/{source.replace(':', '/')}/p{len(seen)}", source, "person",
                             labels, birth=str(birth), death=str(min(death, 2024))))
        count += len(labels)
    places = [(p, s, x) for p in PLACE_PREFIXES for s in PLACE_STEMS for x in PLACE_SUFFIXES]
    rng.shuffle(places)
    for i, (p, s, x) in enumerate(places):           # ... and places
        if count >= n_labels:
            break
        name = f"{p}{s}{x}"
        labels = [Label(name, "nl")]
        if x in ("hem", "gem", "beke"):
            labels.append(Label(name.replace("Sint-", "Saint-").replace(x, {"hem": "ham", "gem": "ghem",
                                                                              "beke": "becque"}[x]), "fr"))
        entries.append(Entry(f"https://example.org/geonames/g{i}", "geonames", "place", labels, country="BE"))
        count += len(labels)
    return entries, other_number


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("sub", "del", "ins", "swap"))
    letter = rng.choice("aeiouklmnrst")
    if kind == "sub":
        return word[:i] + letter + word[i + 1:]
    if kind == "del":
        return word[:i] + word[i + 1:]
    if kind == "ins":
        return word[:i] + letter + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def queries(entries: list[Entry], other_number: dict[str, str], n: int = 1000,
            seed: int = 11) -> list[tuple[str, str, str | None]]:
    """(category, query, expected URI or None) for a mix of exact, case/accent, plural, typo,
    inverted-name, article and miss queries."""
    rng = random.Random(seed)
    plan = ["exact"] * 25 + ["case/accent"] * 10 + ["plural"] * 15 + ["typo"] * 20 + ["inverted"] * 10 \
        + ["article"] * 5 + ["miss"] * 15
    persons = [e for e in entries if e.kind == "person" and len(e.labels) == 1]
    concepts = [e for e in entries if e.kind == "concept"]
    out: list[tuple[str, str, str | None]] = []
    for i in range(n):
        category = plan[i % len(plan)]
        e = rng.choice(persons if category == "inverted" else concepts if category in ("plural", "article")
                       else entries)
        text = e.labels[0].text
        if category == "case/accent":
            plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
            text = plain if plain != text else text.upper()
        elif category == "plural":
            text = other_number[e.uri]
        elif category == "typo":
            words = text.split()
            j = max(range(len(words)), key=lambda k: len(words[k]))
            words[j] = typo(words[j], rng) if len(words[j]) >= 5 else words[j]
            text = " ".join(words)
        elif category == "inverted":
            surname, given = text.split(", ", 1)
            text = f"{given} {surname}"
        elif category == "article":
            text = ("de " if not text.endswith("en") else "het ") + text
        elif category == "miss":
            text = f"{_pseudo_word(rng)} {rng.choice(MATERIALS)} {_pseudo_word(rng)}"
        out.append((category, text, None if category == "miss" else e.uri))
    return out


# -- labelled sets from real data ------------------------------------------------------------------
def aat_mirror(folder: Path) -> list[Entry]:
    """The AAT subset mirrors (nl + en tsv) as Entries, one per AAT id."""
    by_id: dict[str, Entry] = {}
    for name in ("aat_subset_nl_lodlit.tsv", "aat_subset_en_lodlit.tsv"):
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                uri = f"http://vocab.getty.edu/aat/{row['aat_id']}"
                e = by_id.setdefault(uri, Entry(uri, "aat"))
                e.labels.append(Label(row["prefLabel"], row["lang"]))
                e.labels += [Label(a, row["lang"], "alt") for a in row["altLabels"].split("|") if a.strip()]
                if row["scopeNote"]:
                    e.notes[row["lang"]] = row["scopeNote"]
    return list(by_id.values())


def held_out(entries: list[Entry], seed: int = 3) -> tuple[list[Entry], list[tuple[str, str]]]:
    """One alt label per concept held out of the index as a query, its concept the answer:
    real synonyms and number variants ("postament" for "postamenten")."""
    rng = random.Random(seed)
    kept: list[Entry] = []
    asked: list[tuple[str, str]] = []
    for e in entries:
        alts = [lb for lb in e.labels if lb.kind == "alt"
                and lb.text.casefold() != e.pref_label().casefold()]
        if alts:
            out = rng.choice(alts)
            asked.append((out.text, e.uri))
            e = Entry(e.uri, e.source, e.kind, [lb for lb in e.labels if lb != out], dict(e.notes))
        kept.append(e)
    return kept, asked


def ghent_aat_labels(folder: Path) -> list[tuple[str, str]]:
    """(Dutch label, AAT URI) pairs as Ghent's museums use them in their LDES objects and thesaurus."""
    pairs: set[tuple[str, str]] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            uri = node.get("@id") or node.get("owl:sameAs")
            label = node.get("skos:prefLabel")
            if isinstance(label, dict):
                label = label.get("@value")
            if isinstance(uri, str) and "vocab.getty.edu/aat/" in uri and isinstance(label, str):
                pairs.add((label, uri))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for page in sorted(folder.glob("*.jsonld")):
        walk(json.loads(page.read_text("utf-8")))
    return sorted(pairs)
