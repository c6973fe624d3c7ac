"""Signed official copies (issue 12): PAdES signatures checked by poppler's pdfsig and by `build.py verify`,
the published SHA256SUMS checked by `sha256sum -c`, and the signing configuration refused clearly when wrong.

A throwaway CA and signing certificate are made here (tests/keys.py); no real key is ever used.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pikepdf
import pytest

from tests.conftest import DOCUMENT, TRANSLATION, ZONE_YAML
from tests.keys import PASSWORD, SIGNER, make_pkcs12

PROJECT = Path(__file__).resolve().parent.parent
BUILD_PY = str(PROJECT / "build.py")
ENV = "ZONESITE_TEST_PDF_PASSWORD"
SIGNING = f"  signing:\n    pkcs12: keys/signing.p12\n    password_env: {ENV}\n"
PDF_NL = "nl/testzone/test/test.nl.pdf"
PDF_FR = "fr/testzone/test/test.fr.pdf"


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; `make test` installs it")
        pytest.skip(f"{name} is not installed; `make test` installs it")
    return path


def project(folder: Path, signing: str | None = SIGNING, document: str = DOCUMENT) -> Path:
    """A copy of the project's configuration, templates and assets with one document and its translation."""
    root = folder / "project"
    root.mkdir(parents=True)
    for name in ("site_config.yaml", "terms.yaml"):
        shutil.copy(PROJECT / name, root / name)
    for name in ("templates", "assets", "locales"):
        shutil.copytree(PROJECT / name, root / name)
    for name, text in {"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": document,
                       "content/testzone/test.fr.md": TRANSLATION}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    if signing is not None:
        make_pkcs12(root / "keys" / "signing.p12")
        config = root / "site_config.yaml"
        text = config.read_text(encoding="utf-8")
        assert "  variant: pdf/ua-1\n" in text
        config.write_text(text.replace("  variant: pdf/ua-1\n", "  variant: pdf/ua-1\n" + signing), encoding="utf-8")
    return root


def build_py(root: Path, command: str, *args: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess:
    """`build.py COMMAND ARGS` with the project's own --cache (never the repository's) and the password in ENV."""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if password is not None:
        env[ENV] = password
    line = [sys.executable, BUILD_PY, command, *args, "--config", str(root / "site_config.yaml"),
            "--cache", str(root.parent / "cache"), "--lang", "en"]
    if command == "build":
        line += ["--out", str(root.parent / "site")]
    if command == "verify":
        line += ["--site", str(root.parent / "site")]
    return subprocess.run(line, capture_output=True, text=True, cwd=root, env=env, timeout=300)


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> Path:
    """A signed build of one document in two languages; returns the project folder (the site is beside it)."""
    root = project(tmp_path_factory.mktemp("signed"))
    result = build_py(root, "build")
    assert result.returncode == 0, result.stderr
    return root


def pdfsig(pdf: Path) -> str:
    result = subprocess.run([tool("pdfsig"), str(pdf)], capture_output=True, text=True)
    return result.stdout + result.stderr


def test_every_pdf_carries_a_valid_signature_for_poppler(signed):
    site = signed.parent / "site"
    for path in (PDF_NL, PDF_FR):
        report = pdfsig(site / path)
        assert "Signature Validation: Signature is Valid." in report, report
        assert "Total document signed" in report, report
        assert "Politiezone Testzone" in report, report


def test_verify_says_a_built_pdf_is_authentic_and_which_it_is(signed):
    result = build_py(signed, "verify", str(signed.parent / "site" / PDF_NL))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "authentic, unaltered copy" in result.stdout
    assert f"made by {SIGNER}" in result.stdout
    assert "Testdocument" in result.stdout and "the official text" in result.stdout
    french = build_py(signed, "verify", str(signed.parent / "site" / PDF_FR))
    assert french.returncode == 0, french.stdout
    assert "a translation for information, not the official text" in french.stdout


def test_one_byte_changed_is_refused_by_verify_and_poppler(signed, tmp_path):
    data = bytearray((signed.parent / "site" / PDF_NL).read_bytes())
    where = data.index(b"/Producer")  # inside the signed range: a byte of the document's metadata
    data[where + 1] = ord("Q")
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    result = build_py(signed, "verify", str(changed))
    assert result.returncode == 1, result.stdout
    assert "NOT an authentic copy" in result.stdout
    assert "changed after it was signed" in result.stdout
    assert "not in the published list" in result.stdout
    assert "Signature is Valid." not in pdfsig(changed)


def test_a_pdf_not_in_the_published_list_is_refused(signed, tmp_path):
    stranger = tmp_path / "stranger.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(stranger)
    result = build_py(signed, "verify", str(stranger))
    assert result.returncode == 1, result.stdout
    assert "it is not signed" in result.stdout
    assert "not in the published list SHA256SUMS" in result.stdout


def test_verify_needs_no_password_and_uses_the_published_certificate(signed, tmp_path):
    """`verify` reads the public certificate the build publishes beside SHA256SUMS; the PKCS#12 file is not opened."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    site = signed.parent / "site"
    published = x509.load_pem_x509_certificate((site / "signing-certificate.pem").read_bytes())
    _, certificate, _ = pkcs12.load_key_and_certificates((signed / "keys" / "signing.p12").read_bytes(), PASSWORD.encode())
    assert published == certificate
    result = build_py(signed, "verify", str(site / PDF_NL), password=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"made by {SIGNER}" in result.stdout
    elsewhere = tmp_path / "copy"  # a site copied without its certificate cannot vouch for a signature
    shutil.copytree(site, elsewhere)
    (elsewhere / "signing-certificate.pem").unlink()
    line = [sys.executable, BUILD_PY, "verify", str(site / PDF_NL), "--config", str(signed / "site_config.yaml"),
            "--cache", str(signed.parent / "cache"), "--site", str(elsewhere)]
    refused = subprocess.run(line, capture_output=True, text=True, cwd=signed, timeout=300)
    assert refused.returncode == 1, refused.stdout
    assert "signing-certificate.pem" in refused.stdout


def test_one_downloaded_pdf_checks_with_its_checksum_file(signed, tmp_path):
    """A citizen downloads one PDF and its .sha256 file into any folder: `sha256sum -c` says OK; a changed copy fails."""
    site = signed.parent / "site"
    for name in ("test.nl.pdf", "test.nl.pdf.sha256"):
        shutil.copy(site / "nl/testzone/test" / name, tmp_path / name)
    result = subprocess.run([tool("sha256sum"), "-c", "test.nl.pdf.sha256"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and "test.nl.pdf: OK" in result.stdout, result.stdout + result.stderr
    (tmp_path / "test.nl.pdf").write_bytes((tmp_path / "test.nl.pdf").read_bytes() + b"\n")
    changed = subprocess.run([tool("sha256sum"), "-c", "test.nl.pdf.sha256"], cwd=tmp_path, capture_output=True, text=True)
    assert changed.returncode == 1 and "FAILED" in changed.stdout
    mirror = subprocess.run([tool("sha256sum"), "-c", "--ignore-missing", "SHA256SUMS"], cwd=site, capture_output=True, text=True)
    assert mirror.returncode == 0 and mirror.stdout.count(": OK") == 2, mirror.stdout + mirror.stderr
    page = lxml.html.fromstring((site / "nl" / "verificatie" / "index.html").read_bytes())
    assert page.xpath("//a[@class='checksum-file']/@href")[0].endswith("/testzone/test/test.nl.pdf.sha256")
    assert "sha256sum -c BESTAND.pdf.sha256" in " ".join(page.text_content().split())


def test_published_checksums_check_with_sha256sum(signed):
    site = signed.parent / "site"
    sums = (site / "SHA256SUMS").read_text(encoding="utf-8")
    assert sorted(line.split("  ")[1] for line in sums.splitlines()) == sorted([PDF_NL, PDF_FR])
    result = subprocess.run([tool("sha256sum"), "-c", "SHA256SUMS"], cwd=site, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 2


def test_colophon_and_verification_page_name_the_signer(signed):
    site = signed.parent / "site"
    text = " ".join(subprocess.run([tool("pdftotext"), str(site / PDF_NL), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert f"Digitaal ondertekend door {SIGNER} op" in text
    assert re.search(r"\b[0-9a-f]{64}\b", text), "the colophon shows the source text's full SHA-256"
    page = lxml.html.fromstring((site / "nl" / "verificatie" / "index.html").read_bytes())
    words = " ".join(page.text_content().split())
    assert f"Elke PDF is digitaal ondertekend (PAdES) door {SIGNER}" in words
    rows = page.xpath("//table[@class='checksums']/tbody/tr")
    assert [row.xpath("td")[0].text_content() for row in rows] == [PDF_NL, PDF_FR], "the page's language first"
    kinds = [row.xpath("td")[2].text_content() for row in rows]
    assert kinds == ["Officiële tekst", "Vertaling ter informatie"]
    assert all(SIGNER in row.xpath("td")[5].text_content() for row in rows)
    french = lxml.html.fromstring((site / "fr" / "verification" / "index.html").read_bytes())
    assert [row.xpath("td")[0].text_content() for row in french.xpath("//table[@class='checksums']/tbody/tr")] == [PDF_FR, PDF_NL]


def test_a_new_certificate_signs_again_and_the_same_one_does_not(signed):
    again = build_py(signed, "build")
    assert re.search(r"2 PDFs \(0 rendered", again.stdout), again.stdout
    make_pkcs12(signed / "keys" / "signing.p12", common_name="Politiezone Testzone bis")
    renewed = build_py(signed, "build")
    assert re.search(r"2 PDFs \(2 rendered", renewed.stdout), renewed.stdout + renewed.stderr
    assert "Politiezone Testzone bis" in pdfsig(signed.parent / "site" / PDF_NL)


def test_an_unsigned_build_says_so_plainly(tmp_path):
    root = project(tmp_path, signing=None)
    result = build_py(root, "build")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    words = " ".join(lxml.html.fromstring((site / "nl" / "verificatie" / "index.html").read_bytes()).text_content().split())
    assert "Deze PDF's zijn niet digitaal ondertekend." in words
    assert "niet ondertekend" in words
    text = " ".join(subprocess.run([tool("pdftotext"), str(site / PDF_NL), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Deze kopie is niet digitaal ondertekend." in text
    verified = build_py(root, "verify", str(site / PDF_NL))
    assert verified.returncode == 0, verified.stdout
    assert "signature: none; this site publishes unsigned copies" in verified.stdout


@pytest.mark.parametrize("signing, password, at, words", [
    (SIGNING, None, "password_env:", f"the environment variable {ENV} is not set"),
    (SIGNING, "wrong", "pkcs12:", "the password is wrong"),
    (SIGNING.replace("keys/signing.p12", "keys/missing.p12"), PASSWORD, "pkcs12:", "no such file 'keys/missing.p12'"),
    (SIGNING + "    pin: 1234\n", PASSWORD, "pin:", "unknown key 'pin'"),
    (SIGNING.replace(ENV, "not a name"), PASSWORD, "password_env:", "must name an environment variable"),
    (SIGNING + "    timestamp_url: ftp://tsa.example\n", PASSWORD, "timestamp_url:", "must be an http or https address"),
])
def test_a_wrong_signing_configuration_is_an_error_at_its_line(tmp_path, signing, password, at, words):
    root = project(tmp_path, signing=signing)
    text = (root / "site_config.yaml").read_text(encoding="utf-8")
    line = next(number for number, content in enumerate(text.splitlines(), 1) if content.strip().startswith(at))
    result = build_py(root, "check", password=password)
    assert result.returncode == 2, result.stderr
    assert f"site_config.yaml:{line}: " in result.stderr and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_signature_keeps_the_pdf_accessible_and_well_formed(signed):
    """The invisible signature field has a name for readers and is hidden: outloud finds no error; qpdf no damage."""
    pdf = signed.parent / "site" / PDF_NL
    outloud = Path(sys.executable).parent / "outloud"  # a test tool of pyproject.toml, beside this Python
    if not outloud.exists():
        pytest.fail("outloud is not installed; `make test` installs the test extra")
    checked = subprocess.run([str(outloud), str(pdf), "--fail-on", "error"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    structure = subprocess.run([tool("qpdf"), "--check", str(pdf)], capture_output=True, text=True)
    assert structure.returncode == 0, structure.stdout + structure.stderr
    assert "No syntax or stream encoding errors found" in structure.stdout


SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"  # Debian's softhsm2
PIN_ENV = "ZONESITE_TEST_PDF_PIN"
PIN = "314159"


def make_token(folder: Path, monkeypatch) -> None:
    """A SoftHSM2 token 'zonesite' in `folder` holding a throwaway key and its certificate, both labelled 'Signature'
    as on the Belgian eID; SOFTHSM2_CONF points at its configuration for this process and the build."""
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass

    from tests.keys import make_identity

    (folder / "tokens").mkdir(parents=True)
    (folder / "softhsm2.conf").write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
                                          "log.level = ERROR\n", encoding="utf-8")
    monkeypatch.setenv("SOFTHSM2_CONF", str(folder / "softhsm2.conf"))
    softhsm = tool("softhsm2-util")
    subprocess.run([softhsm, "--init-token", "--free", "--label", "zonesite", "--pin", PIN, "--so-pin", "27182818"],
                   check=True, capture_output=True)
    key, certificate, _ = make_identity()
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    subprocess.run([softhsm, "--import", str(folder / "key.pem"), "--token", "zonesite", "--label", "Signature",
                    "--id", "01", "--pin", PIN], check=True, capture_output=True)
    (folder / "key.pem").unlink()
    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label="zonesite")
    with token.open(rw=True, user_pin=PIN) as session:
        session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                               Attribute.TOKEN: True, Attribute.LABEL: "Signature", Attribute.ID: b"\x01",
                               Attribute.SUBJECT: certificate.subject.public_bytes(),
                               Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER)})


def test_a_key_on_a_pkcs11_token_signs_every_pdf(tmp_path, monkeypatch):
    """pdf.signing names a PKCS#11 module, token and key (PIN from the environment): SoftHSM2 stands in for a card."""
    if not Path(SOFTHSM_MODULE).exists():
        tool("softhsm2-util")  # fails under CI, skips elsewhere, with the package to install
    make_token(tmp_path / "hsm", monkeypatch)
    signing = (f"  signing:\n    pkcs11:\n      module: {SOFTHSM_MODULE}\n      token: zonesite\n      key: Signature\n"
               f"    pin_env: {PIN_ENV}\n")
    root = project(tmp_path, signing=signing)
    monkeypatch.setenv(PIN_ENV, PIN)
    result = build_py(root, "build")
    assert result.returncode == 0, result.stderr
    for path in (PDF_NL, PDF_FR):
        report = pdfsig(tmp_path / "site" / path)
        assert "Signature Validation: Signature is Valid." in report and SIGNER in report, report
    assert "Total document signed" in report
    verified = build_py(root, "verify", str(tmp_path / "site" / PDF_NL), password=None)
    assert verified.returncode == 0, verified.stdout
    monkeypatch.setenv(PIN_ENV, "000000")
    wrong = build_py(root, "check")
    line = next(number for number, text in enumerate((root / "site_config.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("pin_env:"))
    assert wrong.returncode == 2 and f"site_config.yaml:{line}: " in wrong.stderr, wrong.stderr
    assert "Traceback" not in wrong.stderr
