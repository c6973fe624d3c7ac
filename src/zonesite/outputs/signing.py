"""PAdES signatures on the official PDF copies (pyHanko): the signing identity from a PKCS#12 file or a PKCS#11
token (a smart card such as the Belgian eID, an HSM), and signing itself."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..messages import Message

CERTIFICATE = "signing-certificate.pem"  # the public certificate, published at the site's root beside SHA256SUMS


@dataclass(frozen=True)
class Token:
    """A key on a PKCS#11 token: the module that drives it, the token's label and the key's label. The certificate
    is the token's certificate with the key's label, as on the Belgian eID ("Signature")."""

    module: Path
    token: str
    key: str


@dataclass(frozen=True)
class Signing:
    """`pdf.signing` of site_config.yaml, with the facts of its certificate; never the password or PIN itself."""

    pkcs12: Path | None  # the PKCS#12 file, or None for a key on a token
    password_env: str  # name of the environment variable that holds the password (PKCS#12) or the PIN (token)
    timestamp_url: str | None
    signer: str  # who signs, in words: the certificate's common name and organisation
    certificate_sha256: str  # fingerprint of the signing certificate (DER)
    certificate_pem: bytes = field(repr=False, compare=False, default=b"")
    token: Token | None = None


class SigningError(Exception):
    """A key that cannot be used; the message (an id with its values) is for the editor."""

    def __init__(self, ident: str, about_password: bool = False, **params: object):
        self.message = Message.of(ident, **params)
        self.about_password = about_password  # the problem is the variable with the password or PIN, not the key
        super().__init__(str(self.message))


def load_identity(pkcs12: Path, password_env: str):
    """The key, certificate and further certificates of a PKCS#12 file, opened with the password in the environment."""
    from cryptography.hazmat.primitives.serialization import pkcs12 as p12

    password = os.environ.get(password_env)
    if password is None:
        raise SigningError("signing.no_password", True, variable=password_env, file=pkcs12.name)
    try:
        data = pkcs12.read_bytes()
    except FileNotFoundError:
        raise SigningError("signing.no_file", file=str(pkcs12)) from None
    try:
        key, certificate, others = p12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError:
        raise SigningError("signing.cannot_open", file=pkcs12.name, variable=password_env) from None
    if key is None or certificate is None:
        raise SigningError("signing.no_key", file=pkcs12.name)
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
    _, certificate, _ = load_identity(pkcs12, password_env)
    return _facts(certificate, pkcs12.name, Signing(pkcs12, password_env, timestamp_url, "", ""))


def token_facts(token: Token, pin_env: str, timestamp_url: str | None) -> Signing:
    """Log in to the token once, at the edge, and read the key's certificate: a wrong module, label or PIN is a
    configuration error, not a failure in every PDF worker."""
    from cryptography import x509

    with _session(token, pin_env) as session:
        certificate = x509.load_der_x509_certificate(_token_certificate(session, token).dump())
    return _facts(certificate, f"token '{token.token}'", Signing(None, pin_env, timestamp_url, "", "", token=token))


def _facts(certificate, where: str, signing: Signing) -> Signing:
    """`signing` completed with who signs and the certificate, which must be valid today."""
    import datetime as dt
    from dataclasses import replace

    from cryptography.hazmat.primitives.serialization import Encoding

    now = dt.datetime.now(dt.timezone.utc)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SigningError("signing.expired", file=where, start=f"{certificate.not_valid_before_utc:%Y-%m-%d}",
                           end=f"{certificate.not_valid_after_utc:%Y-%m-%d}")
    der = certificate.public_bytes(Encoding.DER)
    return replace(signing, signer=describe(certificate), certificate_sha256=hashlib.sha256(der).hexdigest(),
                   certificate_pem=certificate.public_bytes(Encoding.PEM))


class _session:
    """A logged-in session on the token, closed on leaving."""

    def __init__(self, token: Token, pin_env: str):
        self.token, self.pin_env = token, pin_env

    def __enter__(self):
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as p11

        pin = os.environ.get(self.pin_env)
        if pin is None:
            raise SigningError("signing.no_pin", True, variable=self.pin_env, token=self.token.token)
        if not self.token.module.is_file():
            raise SigningError("signing.no_module", module=str(self.token.module))
        try:
            self.session = p11.open_pkcs11_session(str(self.token.module), token_criteria=TokenCriteria(label=self.token.token),
                                                   user_pin=pin)
        except (PKCS11Error, OSError, RuntimeError, ValueError) as error:  # pyHanko says which in words
            raise SigningError("signing.cannot_log_in", True, token=self.token.token, variable=self.pin_env,
                               detail=f"{type(error).__name__}: {error}") from None
        return self.session

    def __exit__(self, *exc):
        self.session.close()


def _token_certificate(session, token: Token):
    """The certificate with the key's label on the token (asn1crypto, as pyHanko uses it)."""
    from pyhanko.sign import pkcs11 as p11

    try:
        return p11.PKCS11Signer(session, cert_label=token.key, key_label=token.key).signing_cert
    except Exception as error:  # noqa: BLE001 - pyHanko raises several kinds; the editor needs the label
        raise SigningError("signing.no_token_key", token=token.token, key=token.key, detail=str(error)) from None


def sign(data: bytes, signing: Signing, reason: str) -> bytes:
    """Runs in a worker: a PAdES signature (B-B, or B-T with a timestamp server) over the whole rendered PDF, with
    the key of the PKCS#12 file or on the token."""
    from pyhanko.sign import pkcs11 as p11
    from pyhanko.sign import signers

    if signing.token is None:
        load_identity(signing.pkcs12, signing.password_env)  # the same clear errors as at the edge, should it change
        signer = signers.SimpleSigner.load_pkcs12(str(signing.pkcs12),
                                                  passphrase=os.environ[signing.password_env].encode("utf-8"))
        if signer is None:
            raise SigningError("signing.unusable", file=str(signing.pkcs12))
        return _sign_with(data, signer, signing.timestamp_url, reason)
    with _session(signing.token, signing.password_env) as session:
        # The digest is computed here and the token signs it (CKM_ECDSA, CKM_RSA_PKCS): SoftHSM2 and many cards
        # have no combined hash-and-sign mechanism for EC keys.
        signer = p11.PKCS11Signer(session, cert_label=signing.token.key, key_label=signing.token.key,
                                  use_raw_mechanism=True)
        return _sign_with(data, signer, signing.timestamp_url, reason)


def _sign_with(data: bytes, signer, timestamp_url: str | None, reason: str) -> bytes:
    from cryptography import x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

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
