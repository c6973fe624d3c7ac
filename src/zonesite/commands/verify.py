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
from ..messages import Message
from ..model import Site
from ..outputs.pages import view
from ..outputs.signing import CERTIFICATE

SUMS = "SHA256SUMS"


@dataclass
class Verdict:
    authentic: bool = True
    findings: list[Message] = field(default_factory=list)  # what was checked, in words, one line each
    reasons: list[Message] = field(default_factory=list)  # why it is not authentic

    def fail(self, ident: str, **params: object) -> None:
        self.authentic = False
        self.reasons.append(Message.of(ident, **params))

    def found(self, ident: str, **params: object) -> None:
        self.findings.append(Message.of(ident, **params))


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
        verdict.fail("verify.no_sums", file=str(sums))
    else:
        published = read_sums(sums).get(checksum)
        if published is None:
            verdict.fail("verify.not_listed", checksum=checksum, sums=SUMS)
        else:
            verdict.found("verify.listed", checksum=checksum, sums=SUMS, path=published)
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
            verdict.fail("verify.bad_certificate", file=str(certificate))
            return
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - a damaged file is an answer, not a crash
        verdict.fail("verify.not_pdf", detail=str(error))
        return
    if not signatures:
        if published:
            verdict.fail("verify.unsigned", signer=describe(published))
        else:
            verdict.found("verify.no_signature")
        return
    if not published:
        verdict.fail("verify.no_certificate", file=CERTIFICATE)
        return
    expected = hashlib.sha256(published.public_bytes(Encoding.DER)).hexdigest()
    root = next(iter(load_certs_from_pemder_data(certificate.read_bytes())))
    context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, context)
        except Exception as error:  # noqa: BLE001
            verdict.fail("verify.cannot_check", detail=str(error))
            continue
        signer = _describe(status.signing_cert)
        fingerprint = hashlib.sha256(status.signing_cert.dump()).hexdigest()
        when = f"{status.signer_reported_dt:%Y-%m-%d %H:%M %Z}" if status.signer_reported_dt else "?"
        if not status.intact or not status.valid:
            verdict.fail("verify.changed", signer=signer)
        elif fingerprint != expected:
            verdict.fail("verify.other_signer", signer=signer, expected=describe(published))
        elif not status.trusted:
            verdict.fail("verify.untrusted", signer=signer)
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            verdict.fail("verify.appended", signer=signer)
        else:
            verdict.found("verify.valid", signer=signer, when=when, fingerprint=fingerprint)


def _describe(certificate) -> str:
    """The signer in words, from pyHanko's certificate (asn1crypto)."""
    from cryptography import x509

    from ..outputs.signing import describe

    return describe(x509.load_der_x509_certificate(certificate.dump()))


def _which(config: Config, site: Site | None, published: str) -> Message:
    """Which document, language and version a published path is, from the content."""
    parts = published.split("/")
    if site is None or len(parts) != 4:
        return Message.of("verify.document_path", path=published)
    lang, zone_slug, doc_slug = parts[0], parts[1], parts[2]
    for zone in site.zones:
        for doc in zone.documents:
            if (doc.zone, doc.slug) == (zone_slug, doc_slug) and lang in config.languages:
                shown = view(config, doc, lang)
                kind = (Message.of("verify.kind_translation") if shown.is_translation
                        else Message.of("verify.kind_fallback", language=config.text(shown.version.lang, "language_name"))
                        if shown.is_fallback else Message.of("verify.kind_official"))
                return Message.of("verify.document", type=config.document_types[doc.type][config.default_language],
                                  title=shown.version.title, zone=zone.names[config.default_language],
                                  date=doc.date.isoformat() if doc.date else "—", language=config.text(lang, "language_name"),
                                  lang=lang, kind=kind, sha256=shown.version.source_sha256)
    return Message.of("verify.document_gone", path=published)
