"""External judges of the built site, run on demand (not by `make test`: they need Node.js and npm).

Builds the site, serves it with Debian's nginx and the generated configuration (tests/webserver.py), and runs
Lighthouse (accessibility, best practices, SEO, layout shift) and pa11y (HTML_CodeSniffer) on every kind of page,
in Debian's chromium. Prints a table and the pa11y findings; writes every report under --work.

    npm install --prefix /tmp/judges lighthouse pa11y     # once; PUPPETEER_SKIP_DOWNLOAD=1 avoids a second browser
    python tools/judges.py --judges /tmp/judges --work /tmp/judges-run

Exit 0 when every page has accessibility, best practices and SEO 100, CLS <= 0.05, and pa11y reports no error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "src"))

from tests.webserver import nginx  # noqa: E402

# One page of each kind, in both languages where the layout differs (French strings are longer).
PAGES = {
    "root (other servers)": "index.html",
    "home nl": "nl/",
    "home fr": "fr/",
    "zone": "nl/gent/",
    "document nl (table)": "nl/aalst/opdrachtbrief-2021-2025/",
    "document fr": "fr/gent/opdrachtbrief-2021-2025/",
    "themes": "nl/themas/",
    "themes fr": "fr/themes/",
    "search with results": "nl/zoeken/?q=drugs",
    "search fr, other language": "fr/recherche/?q=korpschef",
    "verify": "nl/verificatie/",
    "about fr": "fr/a-propos/",
    "accessibility": "nl/toegankelijkheid/",
    "404 (as nginx sends it for a missing page)": "nl/404.html",
}
CATEGORIES = ("accessibility", "best-practices", "seo", "performance")
CLS_LIMIT = 0.05


def build(work: Path, pdf: bool) -> Path:
    site = work / "site"
    command = [sys.executable, str(PROJECT / "build.py"), "build", "-q", "--out", str(site), "--cache", str(work / "cache")]
    subprocess.run(command + ([] if pdf else ["--no-pdf"]), check=True, cwd=PROJECT)
    return site


def lighthouse(judges: Path, url: str, report: Path) -> dict:
    """Scores (0-100) of the four categories and the layout shift, Lighthouse's default (mobile) settings."""
    subprocess.run([str(judges / "node_modules/.bin/lighthouse"), url, "--quiet", "--output=json", f"--output-path={report}",
                    f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                   check=True, env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "chromium"})
    result = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round((result["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    failed = [f"{audit['id']}" for audit in result["audits"].values()
              if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"]
    return {**scores, "cls": result["audits"]["cumulative-layout-shift"]["numericValue"], "failed": failed}


def pa11y(judges: Path, url: str, config: Path) -> list[dict]:
    done = subprocess.run([str(judges / "node_modules/.bin/pa11y"), "--runner", "htmlcs", "--standard", "WCAG2AA",
                           "--include-warnings", "--reporter", "json", "--config", str(config), url],
                          capture_output=True, text=True)
    if done.returncode not in (0, 2):  # 2: issues found
        raise SystemExit(f"pa11y failed on {url}: {done.stderr.strip()}")
    return json.loads(done.stdout or "[]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=Path, default=Path("/tmp/judges"), help="folder of `npm install --prefix`")
    parser.add_argument("--work", type=Path, default=Path("/tmp/judges-run"), help="build, cache and reports")
    parser.add_argument("--pdf", action="store_true", help="build the PDFs too (slower; the pages list them)")
    parser.add_argument("--only", help="run only the page kinds whose name contains this")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    site = build(args.work, args.pdf)
    config = args.work / "pa11y.json"
    config.write_text(json.dumps({"chromeLaunchConfig": {"executablePath": shutil.which("chromium"),
                                                         "args": ["--no-sandbox", "--disable-gpu"]}}), encoding="utf-8")
    rows, findings, ok = [], {}, True
    with nginx(site, args.work / "nginx") as server:
        for kind, path in PAGES.items():
            if args.only and args.only not in kind:
                continue
            url = server.base + path
            scores = lighthouse(args.judges, url, args.work / f"lighthouse-{len(rows)}.json")
            issues = pa11y(args.judges, url, config)
            findings[kind] = issues
            errors = sum(issue["type"] == "error" for issue in issues)
            warnings = sum(issue["type"] == "warning" for issue in issues)
            good = all(scores[name] == 100 for name in CATEGORIES[:3]) and scores["cls"] <= CLS_LIMIT and not errors
            ok &= good
            rows.append(f"| {kind} | {scores['accessibility']} | {scores['best-practices']} | {scores['seo']} | "
                        f"{scores['cls']:.3f} | {errors} | {warnings} | {' '.join(scores['failed']) or '—'} |")
            print(rows[-1], flush=True)
    (args.work / "pa11y-findings.json").write_text(json.dumps(findings, indent=1, ensure_ascii=False), encoding="utf-8")
    print("\n| page kind | a11y | best practices | SEO | CLS | pa11y errors | pa11y warnings | failed audits |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print("\npa11y findings (code: count, first place):")
    counted: dict[str, list] = {}
    for kind, issues in findings.items():
        for issue in issues:
            counted.setdefault(f"{issue['type']} {issue['code']}", []).append(f"{kind}: {issue['selector']}")
    for code, places in sorted(counted.items()):
        print(f"- {code}: {len(places)} ({places[0]})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
