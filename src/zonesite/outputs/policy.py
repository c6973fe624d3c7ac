"""The Content-Security-Policy, one definition for the pages' <meta> and the web server's header.

A <meta> policy cannot carry `frame-ancestors` (browsers ignore it there), so the header adds it. Only the
search page allows 'wasm-unsafe-eval': Pagefind searches with WebAssembly.
"""

from __future__ import annotations

DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
)
WASM = "'wasm-unsafe-eval'"


def content_security_policy(*, wasm: bool = False, header: bool = False) -> str:
    parts = [f"{name} {value}{' ' + WASM if wasm and name == 'script-src' else ''}" for name, value in DIRECTIVES]
    if header:
        parts.append("frame-ancestors 'none'")
    return "; ".join(parts)
