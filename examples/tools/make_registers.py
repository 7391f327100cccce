"""Regenerate the demo registers (deterministic: same bytes every run).

Two fictional institutions, hand-curated vocabulary typed the way registrars type it, including
the mistakes real registers have (listed in ../registers/README.md). Not real records.
Run: python examples/tools/make_registers.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parent.parent / "registers"
RNG = random.Random(1902)

PAINTERS = ["Emile Claus", "James Ensor", "Constant Permeke", "Gustave Van de Woestyne",
            "Rik Wouters", "Anna Boch", "Jenny Montigny", "Théo van Rysselberghe", "Hendrik Leys",
            "Jacob Jordaens", "Albert Saverys", "Valerius De Saedeleer", "George Minne",
            "Frits Van den Berghe", "Léon De Smet", "Gustave De Smet", "Jan Stobbaerts",
            "Modest Huys", "Anna De Weert", "Onbekend"]
ENGRAVERS = [("Cornelis Galle I", "Peter Paul Rubens"), ("Hans Witdoeck", "Peter Paul Rubens"),
             ("Schelte à Bolswert", "Antoon van Dyck"), ("Pieter van der Heyden", "Pieter Bruegel de Oude"),
             ("Frans Masereel", ""), ("Jules De Bruycker", ""), ("James Ensor", "")]
POTTERS = ["Boch Frères Keramis", "Manufacture de Tournai", "De Porceleyne Fles",
           "Pottenbakkerij Rousseau", "Onbekend", "Atelier Vander Meeren"]
WEAVERS = ["Atelier van Oudenaarde", "Wandtapijtweverij De Wit", "Onbekend",
           "Kantschool Sint-Andries", "Maria Vanhoutte"]
SMITHS = ["Smidse Verstraete", "Onbekend", "Klompenmakerij Dhondt", "Schrijnwerkerij Callewaert"]

PLACES = ["de Leie", "Sint-Martens-Latem", "Kortrijk", "Deurle", "Astene", "Gent", "Brugge",
          "Oostende", "de Schelde", "Afsnee", "Wevelgem", "Menen"]
SUBJECTS = ["Winterlandschap", "Vissers op het strand", "Portret van een vrouw", "Boerenerf",
            "Stilleven met vis & groenten", "Kermis", "Zonsondergang", "Bloemenstilleven",
            "Gezicht op", "Het ijsvogeltje", "De oogst", "Moeder en kind", "Kerkinterieur"]
RIGHTS = ["http://creativecommons.org/publicdomain/mark/1.0/"] * 5 + [
    "http://rightsstatements.org/vocab/InC/1.0/", "https://creativecommons.org/licenses/by/4.0/", ""]

KINDS = {  # objectnaam: (makers, roles, materials, techniques, (h, b, d) ranges)
    "schilderij": (PAINTERS, "schilder", ["olieverf|doek", "olieverf|paneel", "tempera|paneel",
                                            "olieverf|karton"], ["schilderen"], (30, 180, 0)),
    "prent": (ENGRAVERS, "graveur|ontwerper", ["papier"], ["gravure", "ets", "ets|droge naald"],
              (15, 60, 0)),
    "houtsnede": (ENGRAVERS, "graveur", ["papier"], ["houtsnede"], (10, 40, 0)),
    "litho": (ENGRAVERS, "lithograaf", ["papier"], ["lithografie"], (20, 70, 0)),
    "wandtapijt": (WEAVERS, "weverij", ["wol|zijde", "wol|linnen"], ["weven"], (150, 400, 0)),
    "kantwerk": (WEAVERS, "kantwerkster", ["linnen", "zijde"], ["kantklossen"], (5, 60, 0)),
    "merklap": (WEAVERS, "borduurster", ["linnen|katoen", "linnen"], ["borduren"], (20, 50, 0)),
    "vaandel": (WEAVERS, "borduurster", ["zijde|gouddraad"], ["borduren|weven"], (100, 200, 2)),
    "bord": (POTTERS, "manufactuur", ["aardewerk", "porselein", "faience"], ["draaien|beschilderen"],
             (2, 30, 30)),
    "kan": (POTTERS, "pottenbakker", ["steengoed", "aardewerk"], ["draaien|glazuren"], (15, 40, 15)),
    "tegel": (POTTERS, "pottenbakker", ["aardewerk", "faience"], ["beschilderen"], (13, 13, 1)),
    "schaaf": (SMITHS, "smid", ["eikenhout|ijzer", "beukenhout|ijzer"], ["smeden|schrijnwerk"],
               (6, 40, 8)),
    "smeedtang": (SMITHS, "smid", ["ijzer"], ["smeden"], (40, 12, 3)),
    "klompenmakersbeitel": (SMITHS, "smid", ["ijzer|essenhout"], ["smeden"], (30, 4, 3)),
    "kandelaar": (POTTERS, "gieterij", ["brons", "koper", "messing"], ["gieten"], (20, 12, 12)),
}
DATES = ["1650", "ca. 1650", "circa 1890", "1650-1660", "1650 - 1660", "17de eeuw",
         "eerste helft 19de eeuw", "ca. 1900-1910", "1887?", "voor 1914", "na 1945", "1923-05-14",
         "14/05/1923", "onbekend", "", "1905", "1912", "ca. 1925", "1899", "eind 19de eeuw",
         "18de eeuw", "1765", "1620-1630", "begin 20ste eeuw", "1934", "ca. 1950"]
DESCRIPTIONS = ["Aangekocht op een veiling in Gent.", "Schenking van de familie Vandenbussche.",
                "Lichte beschadiging aan de rand.", "Gesigneerd rechtsonder.",
                "Afkomstig uit een boerderij in de Leiestreek.",
                "Typisch voorbeeld van het Latemse luminisme.",
                "Gerestaureerd in 1998.", ""]

HEADER = ["objectnummer", "objectnaam", "titel", "beschrijving", "vervaardiger", "rol", "datering",
          "materiaal", "techniek", "hoogte", "breedte", "diepte", "eenheid", "rechten", "afbeelding"]


def number(lo: float, hi: float) -> str:
    v = round(RNG.uniform(lo, hi), 1)
    return (f"{v:.1f}".replace(".", ",") if RNG.random() < 0.3 else str(int(v))) if v else ""


def museum_rows() -> list[list[str]]:
    rows, used = [], set()
    for n in range(230):
        kind = RNG.choice(list(KINDS))
        makers, roles, materials, techniques, (h, b, d) = KINDS[kind]
        year = RNG.choice([1952, 1961, 1975, 1987, 1994, 2003, 2011])
        number_ = RNG.choice([f"MAL.{year}.{n + 1:03d}", f"MAL.{n + 1:04d}", f"S.{year}.{n % 9 + 1}/1-2"])
        while number_ in used:
            number_ += "a"
        used.add(number_)
        maker = RNG.choice(makers)
        if isinstance(maker, tuple):
            maker, role = (f"{maker[0]}|{maker[1]}", roles) if maker[1] else (maker[0], roles.split("|")[0])
        else:
            role = roles if maker != "Onbekend" else ""
        motifs = ["bloemmotief", "wapenschild", "initialen", "blauwe decoratie", "ruiter"]
        if kind in ("schilderij", "prent", "litho", "houtsnede", "wandtapijt"):
            title = f"{RNG.choice(SUBJECTS)} {RNG.choice(PLACES)}"
        else:
            title = f"{kind.capitalize()} met {RNG.choice(motifs)}"
        unit = "mm" if RNG.random() < 0.05 else "cm"
        rows.append([number_, kind, title, RNG.choice(DESCRIPTIONS), maker, role, RNG.choice(DATES),
                     RNG.choice(materials), RNG.choice(techniques), number(h * 0.5, h * 1.5) if h else "",
                     number(b * 0.5, b * 1.5) if b else "", number(d * 0.5, d * 1.5) if d else "", unit,
                     RNG.choice(RIGHTS),
                     f"https://beeldbank.museumaandeleie.be/iiif/{number_}/full/max/0/default.jpg"
                     if RNG.random() < 0.7 else ""])
    # the mistakes real registers have (README.md lists them with their lines)
    rows[0][0] = "MAL.1952.014"
    rows[0][1:9] = ["prent", "De kruisoprichting", "Prent naar het altaarstuk van Rubens.",
                    "Hans Witdoeck|Peter Paul Rubens", "graveur|ontwerper", "1638", "papier", "gravure"]
    rows[0][14] = "https://beeldbank.museumaandeleie.be/iiif/MAL.1952.014/full/max/0/default.jpg"
    rows[11][2] = rows[11][3] = ""                                  # 1. no title
    rows[40][0] = rows[39][0]                                       # 2. duplicate inventory number
    rows[57][14] = "htps//beeldbank.museumaandeleie.be/img 12.jpg"  # 3. broken image URL
    for i, name in ((70, "Rubens, Peter Paul"), (71, "P.P. Rubens"), (72, "Pieter Paul Rubens (1577-1640)")):
        rows[i][1:9] = ["schilderij", f"Studie {i - 69}", "", name, "schilder", "ca. 1615", "olieverf|paneel",
                        "schilderen"]                               # 4. one maker, three ways
    rows[90][0] = ""                                                # 5. no inventory number
    rows[120][9] = "ca. 40"                                         # 6. not a number
    return rows


TEXTILE_HEADER = ["Inventarisnr", "Benaming", "Titel / opschrift", "Omschrijving", "Maker", "Datum",
                  "Materialen", "Technieken", "Hoogte (cm)", "Breedte (cm)", "Licentie", "Foto"]
TEXTILE = [("kantwerk", "Kanten kraag", "linnen", "kantklossen"), ("merklap", "Merklap met alfabet",
           "linnen, katoen", "borduren"), ("vlag", "Vlag van de schuttersgilde", "zijde, katoen",
           "naaien, borduren"), ("spinnewiel", "Spinnewiel", "eikenhout, ijzer", "draaien"),
           ("weefspoel", "Weefspoel", "beukenhout", "draaien"), ("klosblok", "Klosblok met kussen",
           "hout, textiel", "draaien, stofferen"), ("schort", "Boerinnenschort", "katoen", "weven, naaien"),
           ("wandtapijtfragment", "Fragment met verdure", "wol, zijde", "weven")]


def textile_rows() -> list[list]:
    rows = []
    for n in range(60):
        kind, title, mats, techs = RNG.choice(TEXTILE)
        rows.append([f"EZW.{n + 1:04d}", kind, f"{title} ({RNG.choice(PLACES)})", RNG.choice(DESCRIPTIONS),
                     RNG.choice(WEAVERS), RNG.choice(DATES), mats, techs, round(RNG.uniform(5, 120), 1),
                     RNG.choice([round(RNG.uniform(5, 90), 1), "", "12"]),
                     RNG.choice(RIGHTS[:-1]), f"https://beeld.erfgoedcelzuidwest.be/{n + 1:04d}.jpg"])
    rows[7][0] = None            # missing Inventarisnr
    rows[30][0] = rows[29][0]    # duplicate Inventarisnr
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "museum-aan-de-leie.csv").open("w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(HEADER)
        w.writerows(museum_rows())
    wb = Workbook()
    ws = wb.active
    ws.title = "Collectie"
    ws.append(TEXTILE_HEADER)
    for row in textile_rows():
        ws.append(row)
    wb.properties.created = wb.properties.modified = __import__("datetime").datetime(2026, 1, 1)
    wb.save(OUT / "erfgoedcel-textiel.xlsx")


if __name__ == "__main__":
    main()
