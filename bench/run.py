"""Benchmark: the same generated corpus built by zonesite, MkDocs, Pelican and Hugo, in one run.

    python bench/run.py            # 180 zones x 3 documents x 2 languages, median of 3 runs
    python bench/run.py --zones 20 --runs 1   # a quick look

Writes bench/RESULTS.md. The peers are installed only inside bench/work/ (a virtual environment for
MkDocs and Pelican; Debian's hugo package).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
WORK = BENCH / "work"
PEERS = WORK / "peers"


@dataclass
class Measure:
    wall: float
    cpu: float
    peak_mb: float


def measure(command: list[str], cwd: Path) -> Measure:
    """Wall time, CPU time (user + system, children included) and peak resident memory of one run."""
    # What the command prints goes to a file: a pipe nobody reads until the end would stop a talkative build.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()[-2000:]}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(runs: list[Measure]) -> Measure:
    return Measure(*(statistics.median(getattr(run, name) for run in runs) for name in ("wall", "cpu", "peak_mb")))


def setup_peers() -> dict[str, str]:
    if not (PEERS / "bin" / "mkdocs").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(PEERS / "bin" / "pip"), "install", "--quiet", "mkdocs", "pelican", "markdown"], check=True)
    if not shutil.which("hugo"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "hugo"], check=True)
    versions = {
        "zonesite": subprocess.run([sys.executable, "-c", "import zonesite; print(zonesite.__version__)"], capture_output=True, text=True).stdout.strip(),
        "MkDocs": subprocess.run([str(PEERS / "bin" / "mkdocs"), "--version"], capture_output=True, text=True).stdout.split()[2],
        "Pelican": subprocess.run([str(PEERS / "bin" / "pelican"), "--version"], capture_output=True, text=True).stdout.strip(),
        "Hugo": subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1],
    }
    return versions


def generators(corpus: Path) -> dict[str, dict]:
    """For each generator: its folder, its build command, its output and cache to remove for a cold build."""
    return {
        "zonesite": {"cwd": corpus / "zonesite", "cmd": [sys.executable, str(PROJECT / "build.py"), "--no-pdf", "--no-search", "-q"],
                     "clean": ["_site", ".cache"], "edit": "content/zone-001/beleidsplan-2020-2025.nl.md"},
        "MkDocs": {"cwd": corpus / "mkdocs", "cmd": [str(PEERS / "bin" / "mkdocs"), "build", "-q"],
                   "clean": ["site"], "edit": "docs/nl/zone-001/beleidsplan-2020-2025.md"},
        "Pelican": {"cwd": corpus / "pelican", "cmd": [str(PEERS / "bin" / "pelican"), "-q", "content", "-o", "output", "-s", "pelicanconf.py"],
                    "clean": ["output", "__pycache__"], "edit": "content/zone-001-beleidsplan-2020-2025.nl.md"},
        "Hugo": {"cwd": corpus / "hugo", "cmd": ["hugo", "--quiet"], "clean": ["public", "resources"],
                 "edit": "content/zone-001/beleidsplan-2020-2025.nl.md"},
    }


def clean(spec: dict) -> None:
    for name in spec["clean"]:
        shutil.rmtree(spec["cwd"] / name, ignore_errors=True)


def run_cases(corpus: Path, runs: int) -> dict[str, dict[str, Measure]]:
    results: dict[str, dict[str, Measure]] = {}
    for name, spec in generators(corpus).items():
        cold, warm, edited = [], [], []
        edit = spec["cwd"] / spec["edit"]
        original = edit.read_text(encoding="utf-8")
        for run in range(runs):
            clean(spec)
            cold.append(measure(spec["cmd"], spec["cwd"]))
            warm.append(measure(spec["cmd"], spec["cwd"]))
            edit.write_text(original + f"\nEen bijkomende zin, versie {run}.\n", encoding="utf-8")
            edited.append(measure(spec["cmd"], spec["cwd"]))
        edit.write_text(original, encoding="utf-8")
        results[name] = {"cold": median(cold), "nothing changed": median(warm), "one document edited": median(edited)}
        print(f"{name}: " + ", ".join(f"{case} {m.wall:.2f} s" for case, m in results[name].items()), flush=True)
    return results


def serve_latency(corpus: Path, samples: int = 10) -> list[float]:
    """Milliseconds from saving a document to the reload message on the live-reload websocket."""
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    root = corpus / "zonesite"
    with socket.socket() as probe:  # a free port, so an unrelated server cannot answer for ours
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--port", str(port)], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/nl/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(3)  # let the first background refresh (search index) finish
        edit = root / "content/zone-002/opdrachtbrief-2019-2024.nl.md"
        original = edit.read_text(encoding="utf-8")

        async def sample() -> list[float]:
            socket = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
            socket.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
            await socket.read_message()
            socket.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/nl/"}))
            await asyncio.sleep(0.5)
            latencies = []
            for number in range(samples):
                started = time.perf_counter()
                edit.write_text(original + f"\nGewijzigd {number}.\n", encoding="utf-8")
                while True:
                    message = json.loads(await socket.read_message())
                    if message.get("command") == "reload":
                        break
                latencies.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.5)
            return latencies

        latencies = IOLoop.current().run_sync(sample, timeout=120)
        edit.write_text(original, encoding="utf-8")
        return latencies
    finally:
        server.terminate()
        server.wait()


def search_and_pdf(corpus: Path) -> dict:
    """The parts left out of the HTML comparison: the search index on the corpus, PDFs on the real content."""
    root = corpus / "zonesite"
    index = measure([sys.executable, str(PROJECT / "build.py"), "--no-pdf", "-q"], root)
    bundle = root / "_site" / "pagefind"
    sizes = {}
    for lang in ("nl", "fr"):
        files = [p for p in bundle.rglob("*") if p.is_file() and (f".{lang}_" in p.name or p.parent.name in ("index", "fragment", "filter"))]
        sizes[lang] = sum(p.stat().st_size for p in files)
    real = WORK / "real"
    shutil.rmtree(real, ignore_errors=True)
    for name in ("content", "templates", "assets", "locales", "site_config.yaml", "terms.yaml"):
        (shutil.copytree if (PROJECT / name).is_dir() else shutil.copy)(PROJECT / name, real / name)
    html_only = measure([sys.executable, str(PROJECT / "build.py"), "--no-search", "--no-pdf", "-q"], real)
    shutil.rmtree(real / ".cache")
    pdf_cold = measure([sys.executable, str(PROJECT / "build.py"), "--no-search", "-q"], real)
    pdf_count = len(list((real / "_site").rglob("*.pdf")))
    pdf_warm = measure([sys.executable, str(PROJECT / "build.py"), "--no-search", "-q"], real)
    measure([sys.executable, str(PROJECT / "build.py"), "-q"], real)  # with its search index
    real_warm = measure([sys.executable, str(PROJECT / "build.py"), "-q"], real)
    queries = {"nl/zoeken/": "inbraak", "fr/recherche/": "cambriolage"}
    return {"search_real": search_in_browser(real / "_site", queries), "bundle_real": bundle_sizes(real / "_site"),
            "search_corpus": search_in_browser(root / "_site", {"nl/zoeken/": "veiligheid", "fr/recherche/": "sécurité"}),
            "bundle_corpus": bundle_sizes(root / "_site"), "real_warm": real_warm,
            "index_build": index, "bundle_bytes": sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()),
            "pdf_cold": pdf_cold, "pdf_warm": pdf_warm, "html_only_real": html_only, "pdf_count": pdf_count}


def search_in_browser(site: Path, queries: dict[str, str]) -> dict[str, dict]:
    """Per language: bytes the browser downloads for the search page and its first query, and the time to results."""
    sys.path.insert(0, str(PROJECT))
    from tests.browser import browser, serve

    found = {}
    with serve(site) as base, browser() as chromium:
        for path, query in queries.items():
            page = chromium.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished", lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]))
            started = time.perf_counter()
            page.goto(f"{base}{path}?q={query}")
            page.locator(".search-results li").first.wait_for(timeout=60_000)
            elapsed = (time.perf_counter() - started) * 1000
            page.wait_for_load_state("networkidle")
            index_bytes = sum(size for url, size in sizes.items() if "/pagefind/" in url)
            found[path] = {"query": query, "ms": elapsed, "index_bytes": index_bytes, "all_bytes": sum(sizes.values()),
                           "results": page.locator(".search-results li").count()}
            page.close()
    return found


def bundle_sizes(site: Path) -> dict[str, int]:
    """Bytes of the search bundle that belong to each language (its WebAssembly and metadata) and shared."""
    bundle = site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    sizes = {}
    for lang, info in entry["languages"].items():
        files = list(bundle.glob(f"pagefind.{info['hash']}.pf_meta")) + list(bundle.glob(f"wasm.{info['wasm']}.pagefind"))
        sizes[lang] = sum(p.stat().st_size for p in files)
    sizes["index, fragments and filters (all languages)"] = sum(
        p.stat().st_size for folder in ("index", "fragment", "filter") for p in (bundle / folder).glob("*"))
    return sizes


def write_results(results, latencies, extra, versions, zones, runs) -> None:
    ours = results["zonesite"]
    lines = [
        "# Benchmark results",
        "",
        f"Corpus: {zones} zones × 3 documents × 2 languages ({zones * 6} Markdown files of about 27 KB, with front matter,",
        "objectives, tables and nested lists), generated by `bench/generate.py`. Median of "
        f"{runs} runs, one run of `python bench/run.py`, on {os.cpu_count()} cores ({platform.machine()}, Python {platform.python_version()}).",
        "HTML only (zonesite with `--no-pdf --no-search`); search and PDFs are measured separately below.",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
        "",
        "| case | generator | wall (s) | CPU (s) | peak memory (MB) | wall time vs zonesite |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for case in ("cold", "nothing changed", "one document edited"):
        for name, cases in results.items():
            m = cases[case]
            ratio = m.wall / ours[case].wall
            lines.append(f"| {case} | {name} | {m.wall:.2f} | {m.cpu:.2f} | {m.peak_mb:.0f} | {ratio:.2f}× |")
    hugo = results["Hugo"]
    lines += [
        "",
        "## Against the targets",
        "",
        f"- cold build: MkDocs takes {results['MkDocs']['cold'].wall / ours['cold'].wall:.1f}× and Pelican "
        f"{results['Pelican']['cold'].wall / ours['cold'].wall:.1f}× zonesite's time (target: at least 3×); zonesite takes "
        f"{ours['cold'].wall / hugo['cold'].wall:.1f}× Hugo's time (target: at most 1.5×).",
        f"- rebuild with nothing changed: {ours['nothing changed'].wall:.2f} s, {ours['nothing changed'].wall / hugo['cold'].wall:.2f} of Hugo's "
        "full build (target: under 0.25).",
        f"- serve, save to reload signal, one edited document: median {statistics.median(latencies):.0f} ms, "
        f"max {max(latencies):.0f} ms over {len(latencies)} saves (target: 150 ms).",
        f"- peak memory, cold build: {ours['cold'].peak_mb:.0f} MB, {ours['cold'].peak_mb / hugo['cold'].peak_mb:.2f} of Hugo's "
        "(target: under 0.25).",
        "",
        "## Search and PDFs",
        "",
        f"- Search index on the corpus: indexing its {zones * 6} document pages with Pagefind takes {extra['index_build'].wall:.2f} s "
        "(a build whose pages are already there, plus the index); the bundle is "
        f"{extra['bundle_bytes'] / 1e6:.1f} MB on disk, of which a query downloads only the fragments it needs. "
        f"On the real content the whole build with search and PDFs, nothing to render, takes {extra['real_warm'].wall:.2f} s.",
        f"- PDFs on the real content ({extra['pdf_count']} PDFs): cold {extra['pdf_cold'].wall:.1f} s for the whole set "
        f"({(extra['pdf_cold'].wall - extra['html_only_real'].wall) / max(extra['pdf_count'], 1):.2f} s per PDF on {os.cpu_count()} cores, "
        f"{extra['pdf_cold'].cpu / max(extra['pdf_count'], 1):.2f} s of CPU per PDF), warm {extra['pdf_warm'].wall:.2f} s (no PDF rendered).",
        "",
        "",
        "## Search in a real browser",
        "",
        "Time from opening the search page with `?q=` to the first result shown (headless Chromium, site served on 127.0.0.1),",
        "and the bytes of the search bundle the browser downloaded for it (Pagefind loads only the index chunks and",
        "fragments a query needs).",
        "",
        "| site | page | query | results | time to results (ms) | search bytes downloaded | all bytes downloaded |",
        "|---|---|---|--:|--:|--:|--:|",
        *[f"| {site_name} | {path} | {m['query']} | {m['results']} | {m['ms']:.0f} | {m['index_bytes']:,} | {m['all_bytes']:,} |"
          for site_name, key in (("real content", "search_real"), (f"corpus ({zones} zones)", "search_corpus"))
          for path, m in extra[key].items()],
        "",
        "Search bundle on disk: " + "; ".join(
            f"{site_name}: " + ", ".join(f"{lang} {size:,} bytes" for lang, size in extra[key].items())
            for site_name, key in (("real content", "bundle_real"), ("corpus", "bundle_corpus"))) + ".",
        "",
        "Reproduce: `python bench/run.py` (after `make test`, whose Playwright and Chromium it uses; it installs MkDocs and Pelican into bench/work/ and Debian's hugo).",
    ]
    (BENCH / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zones", type=int, default=180)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    versions = setup_peers()
    corpus = WORK / "corpus"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), str(corpus), "--zones", str(args.zones)], check=True)
    results = run_cases(corpus, args.runs)
    latencies = serve_latency(corpus)
    extra = search_and_pdf(corpus)
    write_results(results, latencies, extra, versions, args.zones, args.runs)


if __name__ == "__main__":
    main()
