"""`verify FILE.pdf`: is this PDF an authentic, unaltered copy published by this site? Said in words.

A copy is authentic when its signature is valid, made with the certificate the site publishes
(signing-certificate.pem beside SHA256SUMS) and covers the whole file, and its SHA-256 is in the published list.
Both are read from the built site, so no password is needed. A site without that certificate publishes unsigned
copies; then only the checksum can be checked, and the answer says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..model import Site
from ..outputs.pages import view
from ..outputs.signing import CERTIFICATE

SUMS = "SHA256SUMS"


@dataclass
class Verdict:
    authentic: bool = True
    findings: list[str] = field(default_factory=list)  # what was checked, in words, one line each
    reasons: list[str] = field(default_factory=list)  # why it is not authentic

    def fail(self, reason: str) -> None:
        self.authentic = False
        self.reasons.append(reason)


def read_sums(path: Path) -> dict[str, str]:
    """{sha256: path inside the site} from a file in `sha256sum` format."""
    listed = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        checksum, _, name = line.partition("  ")
        if len(checksum) == 64 and name:
            listed[checksum.lower()] = name.lstrip("*")
    return listed


def verify(config: Config, pdf: Path, site_dir: Path, site: Site | None) -> Verdict:
    verdict = Verdict()
    data = pdf.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    _check_signature(data, site_dir / CERTIFICATE, verdict)
    sums = site_dir / SUMS
    published = None
    if not sums.is_file():
        verdict.fail(f"there is no published list of checksums ({sums} does not exist: build the site first, or give --site)")
    else:
        published = read_sums(sums).get(checksum)
        if published is None:
            verdict.fail(f"its SHA-256 {checksum} is not in the published list {SUMS}: "
                         "it is not a copy this site published, or it was changed")
        else:
            verdict.findings.append(f"checksum: its SHA-256 {checksum} is in the published list {SUMS}, as {published}")
    if published:
        verdict.findings.append(_which(config, site, published))
    return verdict


def _check_signature(data: bytes, certificate: Path, verdict: Verdict) -> None:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from pyhanko.keys import load_certs_from_pemder_data

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from ..outputs.signing import describe

    published = None
    if certificate.is_file():
        try:
            published = x509.load_pem_x509_certificate(certificate.read_bytes())
        except ValueError:
            verdict.fail(f"the published certificate {certificate} cannot be read")
            return
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - a damaged file is an answer, not a crash
        verdict.fail(f"it cannot be read as a PDF ({error})")
        return
    if not signatures:
        if published:
            verdict.fail(f"it is not signed, and this site signs every copy with the certificate of {describe(published)}")
        else:
            verdict.findings.append("signature: none; this site publishes unsigned copies, so only the checksum "
                                    "shows the copy is unchanged, not who published it")
        return
    if not published:
        verdict.fail(f"it is signed, but this site publishes no certificate ({CERTIFICATE}) to check the signature against")
        return
    expected = hashlib.sha256(published.public_bytes(Encoding.DER)).hexdigest()
    root = next(iter(load_certs_from_pemder_data(certificate.read_bytes())))
    context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, context)
        except Exception as error:  # noqa: BLE001
            verdict.fail(f"its signature cannot be checked ({error})")
            continue
        signer = _describe(status.signing_cert)
        fingerprint = hashlib.sha256(status.signing_cert.dump()).hexdigest()
        when = f" on {status.signer_reported_dt:%Y-%m-%d %H:%M %Z}" if status.signer_reported_dt else ""
        if not status.intact or not status.valid:
            verdict.fail(f"the signature of {signer} does not match the content: the file was changed after it was signed")
        elif fingerprint != expected:
            verdict.fail(f"it is signed by {signer}, not with this site's certificate ({describe(published)})")
        elif not status.trusted:
            verdict.fail(f"the signature of {signer} is intact but its certificate cannot be trusted")
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            verdict.fail(f"the signature of {signer} is valid, but the file was changed after signing "
                         "(something was appended that the signature does not cover)")
        else:
            verdict.findings.append(f"signature: valid, made by {signer}{when}; certificate SHA-256 {fingerprint}; "
                                    "it covers the whole file")


def _describe(certificate) -> str:
    """The signer in words, from pyHanko's certificate (asn1crypto)."""
    from cryptography import x509

    from ..outputs.signing import describe

    return describe(x509.load_der_x509_certificate(certificate.dump()))


def _which(config: Config, site: Site | None, published: str) -> str:
    """Which document, language and version a published path is, from the content."""
    parts = published.split("/")
    if site is None or len(parts) != 4:
        return f"document: {published}"
    lang, zone_slug, doc_slug = parts[0], parts[1], parts[2]
    for zone in site.zones:
        for doc in zone.documents:
            if (doc.zone, doc.slug) == (zone_slug, doc_slug) and lang in config.languages:
                shown = view(config, doc, lang)
                kind = ("a translation for information, not the official text" if shown.is_translation
                        else "the official text" + (f" (in {config.text(shown.version.lang, 'language_name')}, "
                                                    "no translation exists)" if shown.is_fallback else ""))
                date = f", dated {doc.date.isoformat()}" if doc.date else ""
                return (f"document: {config.document_types[doc.type][config.default_language]} "
                        f"\"{shown.version.title}\" of {zone.names[config.default_language]}{date}; "
                        f"language: {config.text(lang, 'language_name')} ({lang}), {kind}; "
                        f"version: source text SHA-256 {shown.version.source_sha256}")
    return f"document: {published} (no longer in the content)"
