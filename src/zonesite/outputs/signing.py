"""PAdES signatures on the official PDF copies (pyHanko): the signing identity from a PKCS#12 file, and signing itself."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

CERTIFICATE = "signing-certificate.pem"  # the public certificate, published at the site's root beside SHA256SUMS


@dataclass(frozen=True)
class Signing:
    """`pdf.signing` of site_config.yaml, with the facts of its certificate; never the password itself."""

    pkcs12: Path
    password_env: str  # name of the environment variable that holds the password
    timestamp_url: str | None
    signer: str  # who signs, in words: the certificate's common name and organisation
    certificate_sha256: str  # fingerprint of the signing certificate (DER)
    certificate_pem: bytes = field(repr=False, compare=False, default=b"")


class SigningError(Exception):
    """A PKCS#12 file that cannot be used; the message is for the editor."""


def load_identity(pkcs12: Path, password_env: str):
    """The key, certificate and further certificates of a PKCS#12 file, opened with the password in the environment."""
    from cryptography.hazmat.primitives.serialization import pkcs12 as p12

    password = os.environ.get(password_env)
    if password is None:
        raise SigningError(f"the environment variable {password_env} is not set; it must hold the password of {pkcs12.name}")
    try:
        data = pkcs12.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"no such PKCS#12 file: {pkcs12}") from None
    try:
        key, certificate, others = p12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError:
        raise SigningError(f"cannot open {pkcs12.name} with the password in {password_env}: "
                           "the password is wrong or the file is not PKCS#12") from None
    if key is None or certificate is None:
        raise SigningError(f"{pkcs12.name} holds no private key with its certificate")
    return key, certificate, others


def describe(certificate) -> str:
    """'Common Name (Organisation)' of a certificate's subject, as a reader's signature panel names the signer."""
    from cryptography.x509.oid import NameOID

    def first(oid):
        values = certificate.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    name, organisation = first(NameOID.COMMON_NAME), first(NameOID.ORGANIZATION_NAME)
    if name and organisation and organisation not in name:
        return f"{name} ({organisation})"
    return name or organisation or certificate.subject.rfc4514_string()


def signing_facts(pkcs12: Path, password_env: str, timestamp_url: str | None) -> Signing:
    """Open the PKCS#12 file once, at the edge, so that every problem with it is a configuration error."""
    import datetime as dt

    from cryptography.hazmat.primitives.serialization import Encoding

    _, certificate, _ = load_identity(pkcs12, password_env)
    now = dt.datetime.now(dt.timezone.utc)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SigningError(f"the certificate in {pkcs12.name} is valid from {certificate.not_valid_before_utc:%Y-%m-%d} "
                           f"to {certificate.not_valid_after_utc:%Y-%m-%d}, not today")
    der = certificate.public_bytes(Encoding.DER)
    return Signing(pkcs12, password_env, timestamp_url, describe(certificate), hashlib.sha256(der).hexdigest(),
                   certificate.public_bytes(Encoding.PEM))


def sign(data: bytes, pkcs12: str, password_env: str, timestamp_url: str | None, reason: str) -> bytes:
    """Runs in a worker: a PAdES signature (B-B, or B-T with a timestamp server) over the whole rendered PDF."""
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    load_identity(Path(pkcs12), password_env)  # the same clear errors as at the edge, should the file change meanwhile
    signer = signers.SimpleSigner.load_pkcs12(pkcs12, passphrase=os.environ[password_env].encode("utf-8"))
    if signer is None:
        raise SigningError(f"pyHanko cannot use the PKCS#12 file {pkcs12}")
    from cryptography import x509

    certificate = x509.load_der_x509_certificate(signer.signing_cert.dump())
    meta = signers.PdfSignatureMetadata(field_name="Signature", md_algorithm="sha256", reason=reason,
                                        subfilter=fields.SigSeedSubFilter.PADES, name=describe(certificate))
    timestamper = timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    _accessible_field(writer, reason, describe(certificate))
    out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
    return out.getvalue()



def _accessible_field(writer, reason: str, signer: str) -> None:
    """The invisible signature field, made before signing so that readers announce it (/TU) and PDF/UA's
    tagging rule for annotations does not apply to it (a hidden widget, never painted)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import fields

    fields.append_signature_field(writer, fields.SigFieldSpec("Signature", box=(0, 0, 0, 0), on_page=0))
    for reference in writer.root["/AcroForm"]["/Fields"]:
        field = reference.get_object()
        if field.get("/T") == "Signature":
            field["/TU"] = generic.TextStringObject(f"{reason}: {signer}")
            field["/F"] = generic.NumberObject(2)  # Hidden
            writer.update_container(field)
