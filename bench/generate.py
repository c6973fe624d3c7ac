"""Generate a realistic corpus: every Belgian police zone (~180) x 3 documents x 2 languages, ~27 KB each.

The same documents are written in the layout of each generator compared in the benchmark:
zonesite (content/), MkDocs (docs/), Pelican (content/) and Hugo (content/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from pathlib import Path

DUTCH = ("de het een van en in op voor met aan door bij naar over politie zone korpschef veiligheid wijk burger "
         "inwoners overlast verkeer drugs inbraak preventie samenwerking partners beleid doelstelling plan jaarlijks "
         "controle toezicht dienstverlening onthaal personeel opleiding welzijn middelen budget gemeente stad "
         "parket justitie informatie gestuurde aanpak projectmatig integraal geïntegreerd lokale federale "
         "interventie recherche onderzoek slachtoffers jongeren scholen evenementen openbare orde snelheid "
         "camera ANPR digitale communicatie sociale media vertrouwen kwaliteit efficiënt effectief organisatie "
         "leiderschap medewerkers team overleg rapportering opvolging evaluatie resultaten prioriteit").split()
FRENCH = ("le la les un une de du des et en sur pour avec par dans vers police zone chef de corps sécurité quartier "
          "citoyen habitants nuisances circulation drogues cambriolage prévention coopération partenaires politique "
          "objectif plan annuel contrôle surveillance service accueil personnel formation bien-être moyens budget "
          "commune ville parquet justice information approche intégrée locale fédérale intervention recherche "
          "enquête victimes jeunes écoles événements ordre public vitesse caméra numérique communication réseaux "
          "sociaux confiance qualité efficace organisation leadership collaborateurs équipe concertation suivi "
          "évaluation résultats priorité").split()
THEMES = ["criminaliteit", "drugs", "verkeer", "overlast", "geweld", "wijkwerking", "preventie", "dienstverlening",
          "samenwerking", "personeel", "leiderschap", "innovatie", "middelen", "communicatie"]
TARGET_BYTES = 27_000


def sentence(rng: random.Random, words: list[str]) -> str:
    chosen = [rng.choice(words) for _ in range(rng.randint(8, 22))]
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."


def body(rng: random.Random, words: list[str]) -> str:
    parts, size, chapter = [], 0, 0
    while size < TARGET_BYTES:
        chapter += 1
        block = [f"## {chapter} {sentence(rng, words)[:-1]}\n"]
        for section in range(1, rng.randint(2, 4)):
            block.append(f"### {chapter}.{section} {' '.join(rng.choice(words) for _ in range(4)).capitalize()}\n")
            block.append(" ".join(sentence(rng, words) for _ in range(rng.randint(3, 7))) + "\n")
            block.append("\n".join(f"- {sentence(rng, words)}" + "".join(f"\n  - {sentence(rng, words)}" for _ in range(rng.randint(0, 2)))
                                   for _ in range(rng.randint(2, 5))) + "\n")
        if chapter % 3 == 0:
            rows = [f"| {rng.choice(words)} | " + " | ".join(f"{rng.randint(1000, 999999):,}".replace(",", ".") + ",00" for _ in range(4)) + " |"
                    for _ in range(5)]
            block.append("| Post | 2021 | 2022 | 2023 | 2024 |\n|---|--:|--:|--:|--:|\n" + "\n".join(rows) + "\n")
        text = "\n".join(block) + "\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
    return "".join(parts)


def documents(zones: int, seed: int = 1):
    """Yield (zone, slug, lang, front matter dict, body) for the whole corpus, deterministically."""
    rng = random.Random(seed)
    for number in range(1, zones + 1):
        zone = f"zone-{number:03d}"
        for index, (doc_type, years) in enumerate((("opdrachtbrief", (2019, 2024)), ("beleidsplan", (2020, 2025)), ("jaarverslag", (2022, 2022)))):
            slug = f"{doc_type}-{years[0]}-{years[1]}"
            themes = rng.sample(THEMES, 3)
            objectives = [{"id": f"doel-{i}", "title": sentence(rng, DUTCH)[:-1], "themes": [rng.choice(themes)],
                           "priority": rng.choice(["P", "A"])} for i in range(1, 6)]
            dutch = body(rng, DUTCH)
            meta = {"title": f"{doc_type.capitalize()} {zone} {years[0]}-{years[1]}", "type": doc_type,
                    "period": {"start": dt.date(years[0], 1, 1), "end": dt.date(years[1], 12, 31)},
                    "date": dt.date(years[0], 1 + index, 10 + index), "author": f"Korpschef van {zone}",
                    "status": "vastgesteld", "summary": sentence(rng, DUTCH), "themes": themes, "objectives": objectives}
            yield zone, slug, "nl", meta, dutch
            french = dict(meta, title=f"{doc_type.capitalize()} {zone} {years[0]}-{years[1]} (fr)", summary=sentence(rng, FRENCH),
                          objectives=[dict(o, title=sentence(rng, FRENCH)[:-1]) for o in objectives])
            yield zone, slug, "fr", french, body(rng, FRENCH)


def _yaml(meta: dict) -> str:
    import yaml

    # libyaml's emitter when PyYAML has it: the same text, in a fraction of the time
    return yaml.dump(meta, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True, sort_keys=False)


class Zonesite:
    """Each layout: its fixed files first, then one document at a time (the corpus is generated once, in one pass)."""

    def __init__(self, root: Path, project: Path):
        from zonesite.model import text_hash

        self.root, self.text_hash, self.hashes = root, text_hash, {}
        for name in ("templates", "assets", "locales"):
            shutil.copytree(project / name, root / name)
        for name in ("site_config.yaml", "terms.yaml"):
            shutil.copy(project / name, root / name)

    def add(self, zone: str, slug: str, lang: str, meta: dict, text: str) -> None:
        folder = self.root / "content" / zone
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / "zone.yaml").write_text(f"name: {{nl: {zone}, fr: {zone}}}\n", encoding="utf-8")
        if lang == "fr":
            meta = dict(meta, source_hash=self.hashes[(zone, slug)])
        source = f"---\n{_yaml(meta)}---\n{text}"
        (folder / f"{slug}.{lang}.md").write_text(source, encoding="utf-8")
        if lang == "nl":
            self.hashes[(zone, slug)] = self.text_hash(source)


class Mkdocs:
    def __init__(self, root: Path, project: Path):
        self.docs = root / "docs"
        self.docs.mkdir(parents=True)
        (self.docs / "index.md").write_text("# Benchmark\n", encoding="utf-8")
        (root / "mkdocs.yml").write_text("site_name: Benchmark\nuse_directory_urls: true\nmarkdown_extensions: [tables, footnotes, def_list, toc]\n", encoding="utf-8")

    def add(self, zone: str, slug: str, lang: str, meta: dict, text: str) -> None:
        path = self.docs / lang / zone / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{_yaml(meta)}---\n# {meta['title']}\n\n{text}", encoding="utf-8")


class Pelican:
    def __init__(self, root: Path, project: Path):
        self.content = root / "content"
        self.content.mkdir(parents=True)
        (root / "pelicanconf.py").write_text(
            "AUTHOR = 'bench'\nSITENAME = 'Benchmark'\nPATH = 'content'\nTIMEZONE = 'Europe/Brussels'\nDEFAULT_LANG = 'nl'\n"
            "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\nRELATIVE_URLS = True\n"
            "MARKDOWN = {'extension_configs': {'markdown.extensions.tables': {}, 'markdown.extensions.toc': {}}}\n", encoding="utf-8")

    def add(self, zone: str, slug: str, lang: str, meta: dict, text: str) -> None:
        header = (f"Title: {meta['title']}\nDate: {meta['date'].isoformat()}\nCategory: {zone}\nSlug: {zone}-{slug}\n"
                  f"Lang: {lang}\nAuthors: {meta['author']}\nSummary: {meta['summary']}\nTags: {', '.join(meta['themes'])}\n\n")
        (self.content / f"{zone}-{slug}.{lang}.md").write_text(header + text, encoding="utf-8")


class Hugo:
    def __init__(self, root: Path, project: Path):
        self.root = root
        (root / "hugo.toml").write_text(
            "baseURL = 'https://example.org/'\ndefaultContentLanguage = 'nl'\nrelativeURLs = true\n"
            "disableKinds = ['taxonomy', 'term', 'RSS']\n[languages.nl]\nweight = 1\n[languages.fr]\nweight = 2\n", encoding="utf-8")
        layouts = root / "layouts" / "_default"
        layouts.mkdir(parents=True)
        page = ("<!DOCTYPE html><html lang=\"{{ .Language.Lang }}\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>"
                "<body><nav>{{ .TableOfContents }}</nav><main>{{ .Content }}</main></body></html>\n")
        (layouts / "single.html").write_text(page, encoding="utf-8")
        (layouts / "list.html").write_text("<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>"
                                           "{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
                                           encoding="utf-8")

    def add(self, zone: str, slug: str, lang: str, meta: dict, text: str) -> None:
        path = self.root / "content" / zone / f"{slug}.{lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{json.dumps(meta, default=str, ensure_ascii=False)}\n---\n{text}", encoding="utf-8")


LAYOUTS = {"zonesite": Zonesite, "mkdocs": Mkdocs, "pelican": Pelican, "hugo": Hugo}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--zones", type=int, default=180)
    parser.add_argument("--only", nargs="+", choices=sorted(LAYOUTS), default=sorted(LAYOUTS),
                        help="the layouts to write (all by default)")
    args = parser.parse_args()
    project = Path(__file__).resolve().parent.parent
    layouts = []
    for name in args.only:
        root = args.folder / name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        layouts.append(LAYOUTS[name](root, project))
    for document in documents(args.zones):  # the text is made once and written in every layout
        for layout in layouts:
            layout.add(*document)


if __name__ == "__main__":
    main()
