"""The tool speaks the editor's language: every message in Dutch (the default), French and English, with the line
where the mistake is and positions counted from 1 and named."""

from __future__ import annotations

import ast
import json
import re
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import DOCUMENT, ZONE_YAML, translation_of
from zonesite import messages
from zonesite.cli import main
from zonesite.commands.interview import Interview, document_fields
from zonesite.commands.new import DocumentFields, ScaffoldError, zone_names
from zonesite.config import load_config

SOURCE = Path(messages.__file__).parent
PROJECT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- the catalogues ---------------------------------------------------------------------------------------------

def test_every_message_has_every_language_and_every_placeholder():
    catalogues = {lang: messages.catalogue(lang) for lang in messages.LANGUAGES}
    every_id = set().union(*catalogues.values())
    for lang, catalogue in catalogues.items():
        assert not every_id - set(catalogue), f"missing in {lang}.yaml: {sorted(every_id - set(catalogue))}"
    for ident in every_id:
        used = {lang: placeholders(catalogues[lang][ident]) for lang in catalogues}
        if ident.startswith("item."):  # the innermost place: an ordinal word or a number, as the language says it
            assert all(names and names <= {"ordinal", "number"} for names in used.values()), (ident, used)
        else:
            assert len({frozenset(names) for names in used.values()}) == 1, (ident, used)
        for lang in catalogues:  # a stray brace would fail only when the message is shown
            catalogues[lang][ident].format_map({name: "x" for name in used[lang]})


ID_CALLS = {"error", "warning", "fail", "say", "_say", "of", "problem", "found", "SourceError", "ScaffoldError",
            "PublishError", "ToolError", "SigningError"}


def called(node: ast.AST) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")


def literal_ids() -> dict[str, str]:
    """Message ids the code names as string literals: the first argument of the calls that take one."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for arg in node.args if called(node) in ID_CALLS else ():  # an English sentence here is found too
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found[arg.value] = f"{path.name}:{node.lineno}"
    return found


def test_the_code_names_only_ids_the_catalogues_have():
    ids = literal_ids()
    assert len(ids) > 150  # the scan finds the messages
    unknown = {ident: where for ident, where in ids.items() if ident not in messages.catalogue("nl")}
    assert not unknown, f"ids (or English sentences) in the code with no catalogue entry: {unknown}"


def literal_text(node: ast.AST):
    """String literals with a letter in them, below `node` but not inside a call that takes a message id."""
    if isinstance(node, ast.Call) and called(node) in ID_CALLS:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"[^\W\d_]", node.value):
        yield node.value
    for child in ast.iter_child_nodes(node):
        yield from literal_text(child)


def printed_literals() -> dict[str, str]:
    """Text the code shows without a catalogue: words written into print() (a sentence, or the key of a module's
    own table of messages), and .format() called on a literal or on a table's entry."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        if path.name == "messages.py":  # the catalogues' own reader
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            formats = isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                and isinstance(node.func.value, (ast.Constant, ast.Subscript))
            for arg in (node.func.value,) if formats else [*node.args, *node.keywords] if called(node) == "print" else ():
                for text in literal_text(arg):
                    found[text] = f"{path.name}:{node.lineno}"
    return found


def test_nothing_is_printed_that_is_not_in_the_catalogues():
    printed = printed_literals()
    assert not printed, f"text printed without a catalogue: {printed}"


def test_positions_are_counted_from_one_and_named():
    where = messages.KeyPath(("objectives", 1, "themes", 2))
    assert where.render("nl") == "het derde thema van doelstelling 2"
    assert where.render("fr") == "le troisième thème de l'objectif 2"
    assert where.render("en") == "the third theme of objective 2"
    assert messages.KeyPath(("objectives", 0, "title")).render("nl") == "'title' van doelstelling 1"
    assert messages.KeyPath(("period", "start")).render("nl") == "'period.start'"


# --- what an editor sees ----------------------------------------------------------------------------------------

def check(root: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["check", "--config", str(root / "site_config.yaml"), "--cache", str(root.parent / "cache"), *args])
    return code, capsys.readouterr().err


def with_document(make_site, document: str, translation: str | None = None) -> Path:
    files = {"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": document}
    if translation:
        files["content/testzone/test.fr.md"] = translation
    return make_site(files)


# Each mistake, the line it is on in the file, and words of the Dutch and the French message.
MISTAKES = {
    "unclosed quote": (DOCUMENT.replace("author: Test Auteur", 'author: "Test Auteur'), 5,
                       "aanhalingsteken dat op deze regel opent, wordt nergens gesloten", "guillemet ouvert sur cette ligne"),
    "tab": (DOCUMENT.replace("themes: [drugs]\nobjectives", "themes: [drugs]\n\tobjectives"), 9,
            "springt in met een tab", "indentée par une tabulation"),
    "missing colon": (DOCUMENT.replace("status: vastgesteld", "status vastgesteld"), 6,
                      "er ontbreekt een dubbele punt", "il manque un deux-points"),
    "unclosed bracket": (DOCUMENT.replace("themes: [drugs]\nobjectives", "themes: [drugs\nobjectives"), 8,
                         "het haakje dat op deze regel opent", "le crochet ouvert sur cette ligne"),
    "colon in a value": (DOCUMENT.replace("title: Testdocument", "title: Plan: 2025"), 2,
                         "zet de hele waarde tussen dubbele aanhalingstekens", "mettez toute la valeur entre guillemets"),
    "impossible date": (DOCUMENT.replace("2021-01-01", "2021-02-30"), 4, "is geen bestaande datum", "n'est pas une date qui existe"),
    "named position": (DOCUMENT.replace("themes: [drugs], priority: P", "themes: [drugs, sport], priority: P"), 10,
                       "het tweede thema van doelstelling 1: onbekende waarde 'sport'",
                       "le deuxième thème de l'objectif 1 : valeur inconnue « sport »"),
    "table row": (DOCUMENT + "\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n", 18,
                  "deze tabelrij heeft 3 cellen, de kopregel 2", "cette ligne du tableau a 3 cellules, l'en-tête 2"),
    "anchor": (DOCUMENT + "\nZie [hier](#nergens).\n", 16, "geen enkele titel of voetnoot heeft dat anker",
               "aucun titre ni aucune note n'a cette ancre"),
    "heading jump": (DOCUMENT + "\n#### Diep\n", 16, "springt van niveau 2 naar 4", "passe du niveau 2 au niveau 4"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_each_mistake_in_dutch_by_default_and_in_french_when_asked(make_site, capsys, case):
    document, line, dutch, french = MISTAKES[case]
    root = with_document(make_site, document, translation_of(DOCUMENT))
    code, said = check(root, capsys)
    assert code == 2
    assert f"test.nl.md:{line}: " in said and dutch in said, said
    assert "fout(en)" in said and "Traceback" not in said
    code, said = check(root, capsys, "--lang", "fr")
    assert code == 2
    assert f"test.nl.md:{line}: " in said and french in said, said
    assert "erreur(s)" in said


def test_warnings_and_the_summary_in_each_language(make_site, capsys):
    root = with_document(make_site, DOCUMENT)  # no French translation: a warning
    code, said = check(root, capsys)
    assert code == 1
    assert "waarschuwing: nog geen vertaling in het 'fr'" in said and "nagekeken: 0 fout(en), 1 waarschuwing(en)" in said
    code, said = check(root, capsys, "--lang", "fr")
    assert "avertissement : pas encore de traduction en « fr »" in said and "vérifié : 0 erreur(s)" in said


def test_the_configuration_chooses_the_language_and_lang_overrides_it(make_site, capsys):
    root = with_document(make_site, DOCUMENT.replace("status: vastgesteld", "status vastgesteld"))
    config = root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("messages_language: nl", "messages_language: fr"),
                      encoding="utf-8")
    assert "il manque un deux-points" in check(root, capsys)[1]
    assert "er ontbreekt een dubbele punt" in check(root, capsys, "--lang", "nl")[1]
    config.write_text(config.read_text(encoding="utf-8").replace("messages_language: fr", "messages_language: de"),
                      encoding="utf-8")
    code, said = check(root, capsys, "--lang", "nl")
    assert code == 2 and "'messages_language': onbekende waarde 'de' (kies uit en, fr, nl)" in said


def test_an_internal_error_says_where_the_traceback_is_and_exits_3(make_site, capsys, monkeypatch):
    from zonesite import pipeline

    def broken(self):
        raise RuntimeError("a fault of the program")

    monkeypatch.setattr(pipeline.Pipeline, "validate", broken)
    root = with_document(make_site, DOCUMENT, translation_of(DOCUMENT))
    code, said = check(root, capsys)
    assert code == 3
    assert "Traceback" not in said and "RuntimeError" not in said
    log = Path(re.search(r"De details staan in (\S+);", said).group(1))
    assert log.parent == root.parent / "cache" and "RuntimeError: a fault of the program" in log.read_text(encoding="utf-8")


def test_help_and_command_line_mistakes_in_each_language(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert "gebruik: build.py" in shown and "Afsluitcodes: 0 alles in orde, 1 waarschuwingen, 2 fouten" in shown
    with pytest.raises(SystemExit):
        main(["check", "--help", "--lang", "fr"])
    assert "vérifier contenu, liens et tableaux sans rien écrire" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["new", "--start", "30-02-2025", "--lang", "nl"])
    assert done.value.code == 2 and "'30-02-2025' is geen datum geschreven als JJJJ-MM-DD" in capsys.readouterr().err


# --- new and translations ---------------------------------------------------------------------------------------

def test_new_asks_every_field_offers_numbered_choices_and_asks_again(make_site):
    root = with_document(make_site, DOCUMENT)
    config = load_config(root / "site_config.yaml")
    answers = iter(["7", "testzone", "99", "1", "", "Veiligheidsplan 2026", "2026-13-01", "2026-01-01", "2025-12-31",
                    "2030-12-31", "", "HCP Jan Peeters, korpschef", "", "Wat dit plan regelt.", "drugs 99", "4 drugs"])
    questions, told = [], []

    def ask(question: str) -> str:
        questions.append(question)
        return next(answers)

    fields = document_fields(config, root / "content", DocumentFields("", "", ""), Interview("nl", ask, told.append))
    assert (fields.zone, fields.doc_type, fields.title) == ("testzone", next(iter(config.document_types)), "Veiligheidsplan 2026")
    assert (str(fields.start), str(fields.end), fields.date) == ("2026-01-01", "2030-12-31", None)
    assert fields.author == "HCP Jan Peeters, korpschef" and fields.summary == "Wat dit plan regelt."
    assert fields.status == config.draft_statuses[0] and fields.themes == (list(config.themes)[3], "drugs")
    assert "   1. testzone" in told  # choices by number
    assert "  '7' is geen van de keuzes: typ een nummer van 1 tot 1." in told
    assert "  '2026-13-01' is geen datum: schrijf ze als JJJJ-MM-DD, bv. 2026-01-31." in told
    assert "  2025-12-31 ligt vóór 2026-01-01: het einde komt na het begin." in told
    assert "  Dit mag niet leeg blijven." in told  # the empty title
    assert any(q.startswith("status, een nummer (Enter: ") for q in questions)
    assert questions[-1] == "thema's, één of meer nummers gescheiden door spaties: "


def test_new_in_french_and_zone_names_with_commas_and_parentheses(make_site):
    root = with_document(make_site, DOCUMENT)
    config = load_config(root / "site_config.yaml")
    told = []
    interview = Interview("fr", lambda question: "", told.append)
    with pytest.raises(ScaffoldError):  # Ctrl-D on the first question: nothing written
        Interview("fr", lambda question: (_ for _ in ()).throw(EOFError), told.append).text("title")
    assert interview.text("date", required=False) == ""
    names = zone_names("nl=Rupel (Boom, Niel, Rumst),fr=Rupel (Boom, Niel, Rumst)", config.languages)
    assert names == {"nl": "Rupel (Boom, Niel, Rumst)", "fr": "Rupel (Boom, Niel, Rumst)"}
    code = main(["new", "zone", "rupel", "--names", "nl=Rupel (Boom, Niel, Rumst),fr=Rupel (Boom, Niel, Rumst)",
                 "--config", str(root / "site_config.yaml"), "--lang", "fr"])
    assert code == 0  # the zone file is valid YAML with the name as given
    assert yaml.safe_load((root / "content/rupel/zone.yaml").read_text(encoding="utf-8"))["name"]["nl"] == "Rupel (Boom, Niel, Rumst)"


def test_import_speaks_french_when_asked_and_dutch_by_default(make_site, tmp_path, capsys):
    from tests.test_import import word_document

    root = with_document(make_site, DOCUMENT)
    docx_path = word_document(tmp_path)
    options = ["--zone", "testzone", "--config", str(root / "site_config.yaml")]
    assert main(["import", str(docx_path), *options, "--slug", "en-francais", "--lang", "fr"]) == 0
    said = capsys.readouterr().out
    assert "fidélité à l'original : 23 phrases sur 23 retrouvées mot pour mot (100,0 %)" in said, said
    assert "table des matières : 4 ligne(s)" in said and "afbeelding-1.png : Word ne donne pas de description" in said
    front = (root / "content/testzone/en-francais.nl.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert "# qui signe le document" in front and "# tiré du document Word : à vérifier" in front
    assert "placez-les dans le dossier en-francais/ à côté de ce fichier" in front
    assert "![Beschrijf deze afbeelding](en-francais/afbeelding-1.png)" in \
        (root / "content/testzone/en-francais.nl.md").read_text(encoding="utf-8")  # the document's own text stays Dutch
    assert main(["import", str(docx_path), *options, "--slug", "en-francais", "--lang", "fr"]) == 2
    assert "import : content/testzone/en-francais" in capsys.readouterr().err.replace(str(root) + "/", "")
    assert main(["import", str(docx_path), *options, "--slug", "in-het-nederlands"]) == 0
    said = capsys.readouterr().out
    assert "trouw aan het origineel: 23 van 23 zinnen woordelijk teruggevonden (100,0 %)" in said, said
    front = (root / "content/testzone/in-het-nederlands.nl.md").read_text(encoding="utf-8")
    assert "# wie het document ondertekent" in front and "folder" not in front and "fichier" not in front
    with pytest.raises(SystemExit):
        main(["import", "--help", "--lang", "fr"])
    shown = capsys.readouterr().out
    assert shown.startswith("utilisation : build.py import ")  # the word said once, in a command's help too
    assert "convertir un document Word (.docx) en un nouveau document (projet) à compléter" in shown


def test_translate_starts_a_translation_in_progress_until_it_is_stamped(make_site, capsys):
    root = with_document(make_site, DOCUMENT.replace("---\n## Eerste", "editor_notes:\n  - section: eerste-hoofdstuk\n"
                                                                      "    text: {nl: Noot., fr: Note.}\n---\n## Eerste"))
    source = root / "content/testzone/test.nl.md"
    args = ["--config", str(root / "site_config.yaml"), "--cache", str(root.parent / "cache")]
    assert main(["translate", str(source), *args]) == 0
    assert "gemarkeerd als bezig" in capsys.readouterr().out
    french = root / "content/testzone/test.fr.md"
    assert french.read_text(encoding="utf-8").startswith("---\nin_progress: true")
    assert "editor_notes" not in french.read_text(encoding="utf-8")
    assert main(["translate", str(source), *args]) == 2  # never over an existing file
    assert "bestaat al" in capsys.readouterr().err
    code, said = check(root, capsys)
    assert code == 1 and "de vertaling in het 'fr' is bezig" in said and "fout" not in said.replace("0 fout(en)", "")
    assert main(["translations", *args]) == 1
    assert re.search(r"testzone/test\s+fr\s+bezig", capsys.readouterr().out)
    assert main(["translations", *args, "--lang", "fr"]) == 1
    assert re.search(r"testzone/test\s+fr\s+en cours", capsys.readouterr().out)
    assert main(["build", "--no-pdf", "--no-search", "--out", str(root.parent / "out"), *args]) == 0
    page = (root.parent / "out/fr/testzone/test/index.html").read_text(encoding="utf-8")
    assert "Eerste hoofdstuk" in page  # the French page still shows the Dutch text: the translation is not published
    capsys.readouterr()
    assert main(["translations", "--stamp", str(french), *args]) == 0
    assert "in_progress" not in french.read_text(encoding="utf-8")
    assert main(["translations", *args]) == 0
    assert re.search(r"testzone/test\s+fr\s+bijgewerkt", capsys.readouterr().out)


# --- the preview ------------------------------------------------------------------------------------------------

def test_weasyprint_warnings_are_reported_against_the_document_and_its_line(make_site, tmp_path):
    from zonesite.outputs.pdf import PdfFile, renderer_problems, write_pdf
    from zonesite.pipeline import Pipeline

    target = tmp_path / "x.pdf"
    write_pdf('<p><a href="#hoofdstuk-9">zie</a></p>', "", str(tmp_path) + "/", "pdf/ua-1", str(target))
    warnings = tuple(json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))["warnings"])
    assert "No anchor #hoofdstuk-9 for internal URI reference" in warnings  # caught, not printed without a file
    root = with_document(make_site, DOCUMENT + "\nZie [hier](#eerste-hoofdstuk).\n", translation_of(DOCUMENT))
    config = load_config(root / "site_config.yaml")
    site, _ = Pipeline(config, root / "content", tmp_path / "cache").validate()
    doc = site.documents[0]
    pdf = PdfFile("nl/testzone/test/test.nl.pdf", target, 1, 1, "0" * 64,
                  warnings=("No anchor #eerste-hoofdstuk for internal URI reference", "Ignored `gap: 1em`"))
    found = renderer_problems(config, site, {(doc.zone, doc.slug, "nl"): pdf}).items
    assert found[0].render("nl").endswith(
        "test.nl.md:16: waarschuwing: de PDF (nl) linkt naar '#eerste-hoofdstuk', maar geen enkele titel in de PDF heeft dat anker")
    assert "test.nl.md: avertissement : le PDF (nl) : le programme qui crée le PDF (WeasyPrint) signale : Ignored `gap: 1em`" \
        in found[1].render("fr")


@pytest.mark.serve
def test_the_preview_says_one_line_per_rebuild_takes_a_free_port_and_stops_quietly(make_site):
    root = with_document(make_site, DOCUMENT, translation_of(DOCUMENT))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), "serve", "--port", str(port), "--config", str(root / "site_config.yaml"),
             "--cache", str(root.parent / "cache"), "--out", str(root.parent / "preview")],
            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a background job ignores Ctrl-C
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(iter(server.stderr.readline, "")), daemon=True).start()

        def wait_for(text: str) -> str:
            for _ in range(1800):  # PDFs and the search index are rebuilt in the background, slowly on a busy machine
                found = [line for line in lines if text in line]
                if found:
                    return found[-1]
                assert server.poll() is None, "".join(lines)
                time.sleep(0.1)
            raise AssertionError(f"no line with {text!r}:\n{''.join(lines)}")

        try:
            moved = wait_for("is al in gebruik")
            free = int(re.search(r"poort (\d+) wordt gebruikt", moved).group(1))
            assert free != port and f"poort {port} is al in gebruik" in moved
            wait_for(f"voorvertoning klaar op http://127.0.0.1:{free}/")
            wait_for("PDF('s) en de zoekindex bijgewerkt")  # the background work says when the PDFs are ready
            source = root / "content/testzone/test.nl.md"
            before = len(lines)
            source.write_text(DOCUMENT.replace("status: vastgesteld", "status vastgesteld"), encoding="utf-8")
            wait_for("de laatste goede versie blijft zichtbaar")
            wait_for("test.nl.md:6: er ontbreekt een dubbele punt")
            source.write_text(DOCUMENT.replace("Een zin", "Weer een zin"), encoding="utf-8")
            rebuilt = wait_for("bijgewerkt in")
            assert re.match(r"^\d\d:\d\d:\d\d bewaard: \d+ bestand\(en\) bijgewerkt in \d+ ms, 0 fout\(en\)", rebuilt)
            rebuilds = [line for line in lines[before:] if " bewaard: " in line]
            assert len(rebuilds) == len({line for line in rebuilds}) <= 4  # one line per rebuild, not one per file
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    said = "".join(lines)
    assert server.returncode == 0 and "voorvertoning gestopt." in said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said and "Serving on" not in said, said


def test_problems_that_share_a_message_are_each_printed_with_their_own_file_line_and_values(capsys):
    from zonesite.cli import _print_problems
    from zonesite.problems import Problems

    found = Problems()
    for name, line, source in (("a.fr.md", 3, "korpschef"), ("b.fr.md", 7, "korpschef"), ("b.fr.md", 9, "zone")):
        found.warning(Path(name), line, "terms.not_used", code="term", source=source, target="chef de corps")
    found.error(Path("c.nl.md"), 2, "document.bad_file_name", languages=["nl", "fr"])  # a list: no key for it
    found.error(Path("d.nl.md"), 4, "document.bad_file_name", languages=["nl"])
    _print_problems(found.items, "fr")
    printed = capsys.readouterr().err.splitlines()
    errors, warnings = found.errors, found.warnings
    assert printed == [problem.render("fr") for problem in errors + warnings]
    assert printed[0].startswith("c.nl.md:2: ") and printed[0].endswith("étant nl, fr")
    assert printed[1].startswith("d.nl.md:4: ") and printed[1].endswith("étant nl")
    assert [line.split(": ", 1)[0] for line in printed[2:]] == ["a.fr.md:3", "b.fr.md:7", "b.fr.md:9"]
    assert "« korpschef »" in printed[3] and "« zone »" in printed[4]
