"""Benchmark: the same generated corpus built by zonesite, MkDocs, Pelican and Hugo, in one run.

    python bench/run.py            # 180 zones x 3 documents x 2 languages, median of 3 runs
    python bench/run.py --zones 180 667 --peers Hugo   # 1,080 and 4,002 documents, against Hugo
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
import threading
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
    pss_mb: float  # the largest sum of the proportional memory (PSS) of the process and all its descendants at one moment
    rss_mb: float  # the same with resident memory (RSS), which counts a page shared by N processes N times
    load: float  # the one-minute load average when the run started


# As users run it: Python keeps the compiled modules (a shell that forbids it would time the compiler too).
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
SAMPLE_EVERY = 0.05  # seconds between two memory samples, at least
SAMPLER_SHARE = 0.1  # of one core, at most: reading the memory maps of a big process takes milliseconds


def measure(command: list[str], cwd: Path) -> Measure:
    """Wall time, CPU time (user + system, children included), peak memory summed over the process and its workers,
    and the machine's load average as the run started."""
    load = os.getloadavg()[0]
    # What the command prints goes to a file: a pipe nobody reads until the end would stop a talkative build.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=ENVIRONMENT)
        peak = {"Pss": 0, "Rss": 0}
        sampler = threading.Thread(target=_sample_memory, args=(process.pid, peak), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.join()
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()[-2000:]}")
    # A run shorter than the sampling interval is seen by wait4 alone (its largest process, resident).
    rss = max(peak["Rss"], usage.ru_maxrss * 1024)
    return Measure(wall, usage.ru_utime + usage.ru_stime, (peak["Pss"] or rss) / 2**20, rss / 2**20, load)


def _sample_memory(root: int, peak: dict[str, int]) -> None:
    """Every SAMPLE_EVERY seconds, the memory of the process and all its descendants together, twice: proportional
    (PSS: a page shared by N processes counts 1/N in each, so the sum counts it once) and resident (RSS: a page that
    forked workers share with their parent counts once per process). Both from /proc/PID/smaps_rollup, whose reading
    walks the process's page tables: the interval grows so the sampler never takes more than SAMPLER_SHARE of a core
    from the build it measures."""
    while os.path.exists(f"/proc/{root}/stat"):
        started = time.thread_time()
        totals = dict.fromkeys(peak, 0)
        for pid in _descendants(root):
            for name, kb in _rollup(pid).items():
                totals[name] += kb * 1024
        for name, total in totals.items():
            peak[name] = max(peak[name], total)
        cost = time.thread_time() - started
        time.sleep(max(SAMPLE_EVERY, cost / SAMPLER_SHARE - cost))


def _descendants(root: int) -> list[int]:
    """The process and every process below it, from each process's parent in /proc/PID/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split(maxsplit=2)[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _rollup(pid: int) -> dict[str, int]:
    """Rss and Pss of one process in kB; nothing for a process that ended or is not ours to read, or a zombie."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            lines = rollup.read().splitlines()
    except OSError:
        return {}
    values = (line.split() for line in lines[1:])
    return {fields[0][:-1].decode(): int(fields[1]) for fields in values if fields[0] in (b"Rss:", b"Pss:")}


def median(runs: list[Measure]) -> Measure:
    return Measure(*(statistics.median(getattr(run, name) for run in runs) for name in ("wall", "cpu", "pss_mb", "rss_mb", "load")))


def setup_peers(peers: list[str]) -> dict[str, str]:
    """Install the peers compared that are missing (only those), and give every generator's version."""
    python_peers = [name.lower() for name in peers if name in ("MkDocs", "Pelican")]
    if python_peers and not all((PEERS / "bin" / name).exists() for name in python_peers):
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(PEERS / "bin" / "pip"), "install", "--quiet", *python_peers, "markdown"], check=True)
    if "Hugo" in peers and not shutil.which("hugo"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "hugo"], check=True)
    versions = {
        "zonesite": lambda: subprocess.run([sys.executable, "-c", "import zonesite; print(zonesite.__version__)"], capture_output=True, text=True).stdout.strip(),
        "MkDocs": lambda: subprocess.run([str(PEERS / "bin" / "mkdocs"), "--version"], capture_output=True, text=True).stdout.split()[2],
        "Pelican": lambda: subprocess.run([str(PEERS / "bin" / "pelican"), "--version"], capture_output=True, text=True).stdout.strip(),
        "Hugo": lambda: subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1],
    }
    return {name: version() for name, version in versions.items() if name == "zonesite" or name in peers}


def generators(corpus: Path) -> dict[str, dict]:
    """For each generator: its folder, its build command, its output and cache to remove for a cold build."""
    return {
        "zonesite": {"cwd": corpus / "zonesite", "cmd": [sys.executable, str(PROJECT / "build.py"), "--no-pdf", "--no-search", "-q"],
                     "clean": ["_site", "._site.previous", ".cache"], "edit": "content/zone-001/beleidsplan-2020-2025.nl.md"},
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


CASES = ("cold", "nothing changed", "one document edited")
# They have no incremental build from the command line: a rebuild renders every page again (measured so in earlier
# runs: MkDocs and Pelican within a few percent of their cold build, Hugo 0.77-0.85x of its own) and the targets compare
# with Hugo's cold build alone, so only the cold build is measured, which keeps the run under ten minutes on two cores.
REBUILD_EVERYTHING = ("MkDocs", "Pelican", "Hugo")


def run_cases(corpus: Path, runs: int, names: list[str]) -> dict[str, dict[str, Measure]]:
    """The generators take turns, run after run, so a change in the machine's load falls on all of them alike."""
    specs = {name: spec for name, spec in generators(corpus).items() if name in names}
    found: dict[str, dict[str, list[Measure]]] = {name: {case: [] for case in CASES} for name in specs}
    originals = {name: (spec["cwd"] / spec["edit"]).read_text(encoding="utf-8") for name, spec in specs.items()}
    try:
        for run in range(runs):
            for name, spec in specs.items():
                edit = spec["cwd"] / spec["edit"]
                clean(spec)
                found[name]["cold"].append(measure(spec["cmd"], spec["cwd"]))
                if name not in REBUILD_EVERYTHING:
                    found[name]["nothing changed"].append(measure(spec["cmd"], spec["cwd"]))
                    edit.write_text(originals[name] + f"\nEen bijkomende zin, versie {run}.\n", encoding="utf-8")
                    found[name]["one document edited"].append(measure(spec["cmd"], spec["cwd"]))
                print(f"run {run + 1} {name}: " + ", ".join(f"{case} {found[name][case][-1].wall:.2f} s "
                                                           f"(load {found[name][case][-1].load:.1f})"
                                                           for case in CASES if found[name][case]), flush=True)
    finally:
        for name, spec in specs.items():
            (spec["cwd"] / spec["edit"]).write_text(originals[name], encoding="utf-8")
    return {name: {case: median(runs) for case, runs in cases.items() if runs} for name, cases in found.items()}


def serve_latency(corpus: Path, samples: int = 10) -> list[float]:
    """Milliseconds from saving a document to the reload message on the live-reload websocket."""
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    root = corpus / "zonesite"
    with socket.socket() as probe:  # a free port, so an unrelated server cannot answer for ours
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--port", str(port)], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT)
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


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown processor")
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} cores of {model}, {memory:,} MB of memory, {platform.system()} {platform.release()} "
            f"({platform.machine()}), Python {platform.python_version()}")


def size_table(zones: int, results: dict[str, dict[str, Measure]]) -> list[str]:
    ours, hugo = results["zonesite"], results.get("Hugo")
    lines = [f"### {zones * 6:,} documents ({zones} zones × 3 documents × 2 languages)", "",
             "| case | generator | wall (s) | CPU (s) | peak PSS, all processes (MB) | peak RSS, all processes (MB) "
             "| load average | wall vs Hugo's cold build |",
             "|---|---|--:|--:|--:|--:|--:|--:|"]
    for case in CASES:
        for name, cases in results.items():
            if case not in cases:
                continue
            m = cases[case]
            ratio = f"{m.wall / hugo['cold'].wall:.2f}×" if hugo else "—"
            lines.append(f"| {case} | {name} | {m.wall:.2f} | {m.cpu:.2f} | {m.pss_mb:.0f} | {m.rss_mb:.0f} | {m.load:.1f} | {ratio} |")
    if hugo:
        cold = hugo["cold"].wall
        lines += ["", "Against the targets (ratios within this run):", "",
                  f"- cold build: {ours['cold'].wall / cold:.2f}× Hugo's time (target ≤ 1.0×)",
                  f"- nothing changed: {ours['nothing changed'].wall / cold:.2f}× Hugo's cold build (target ≤ 0.10×)",
                  f"- one document edited: {ours['one document edited'].wall / cold:.2f}× Hugo's cold build (target ≤ 0.15×)",
                  f"- peak memory of the cold build, all processes (PSS): {ours['cold'].pss_mb / hugo['cold'].pss_mb:.2f}× Hugo's "
                  f"(target ≤ 0.25×; RSS summed: {ours['cold'].rss_mb / hugo['cold'].rss_mb:.2f}×)"]
    return lines + [""]


def write_results(tables: dict[int, dict], latencies: list[float] | None, extra: dict | None, versions: dict,
                  runs: int, minutes: float, profiled: str | None = None) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. One run of `python bench/run.py` ({minutes:.1f} minutes): the generators take turns, "
        f"run after run, and each figure is the median of {runs} runs; the load average (one minute) as each run started "
        "stands beside it, so a busy machine shows. Compare ratios within this file, not seconds across runs.",
        "",
        "Corpus: generated by `bench/generate.py`, Markdown files of about 27 KB with front matter, objectives, tables "
        "and nested lists. HTML only (zonesite with `--no-pdf --no-search`).",
        "",
        f"Memory: the largest sum over a build and all its worker processes at one moment, sampled every "
        f"{SAMPLE_EVERY * 1000:.0f} ms from `/proc/PID/smaps_rollup` (less often while reading it takes longer: the "
        f"sampling never takes more than {SAMPLER_SHARE:.0%} of one core), for every generator alike. **PSS** (proportional "
        "set size) is the honest sum and the one compared with the target: a page that N processes share counts 1/N "
        "in each, so the machine's memory the build occupies is counted once. **RSS** (resident set size) is given "
        "too, so nothing is hidden: summed, it counts a page once per process that maps it, so worker processes "
        "forked from the build, which share its pages until they write them, and the shared libraries every process "
        "maps are counted several times over.",
        "",
        "The peers have no incremental build from the command line: their rebuilds render every page again, so "
        "only their cold build is measured, and the targets compare with Hugo's.",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
        "",
    ]
    for zones, results in tables.items():
        lines += size_table(zones, results)
    if latencies:
        lines += ["## Preview", "",
                  f"Save to reload signal on the live-reload websocket, one document edited, {len(latencies)} saves on the "
                  f"{list(tables)[0] * 6:,}-document corpus: median {statistics.median(latencies):.0f} ms, worst "
                  f"{max(latencies):.0f} ms (target ≤ 150 ms).", ""]
    if extra:
        lines += extra_lines(extra, list(tables)[0])
    if profiled:
        lines += [f"## Where a cold build's time goes ({list(tables)[0] * 6:,} documents)", "",
                  "`python bench/cold_profile.py bench/work/corpus-N/zonesite`: one cold build (`--no-pdf --no-search`) in "
                  "one process under cProfile, so every step shows; its total is CPU time, inflated by the profiler.",
                  "", "```", *profiled.strip().splitlines()[:45], "```", ""]
    lines += ["Reproduce: `python bench/run.py` (MkDocs and Pelican are installed into bench/work/, Hugo from Debian); "
              "`--zones 180 667` for both sizes, `--peers Hugo` to compare with Hugo alone, `--extra` for search, PDFs "
              "and search in a browser (after `make test`, whose Playwright and Chromium it uses)."]
    (BENCH / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def extra_lines(extra: dict, zones: int) -> list[str]:
    return [
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
        "## Search in a real browser",
        "",
        "Time from opening the search page with `?q=` to the first result shown (headless Chromium, site served on 127.0.0.1),",
        "and the bytes of the search bundle the browser downloaded for it.",
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
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zones", type=int, nargs="+", default=[180], help="corpus sizes, in zones of 6 documents")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", nargs="*", default=["MkDocs", "Pelican", "Hugo"],
                        help="the generators beside zonesite (the largest size runs with Hugo alone)")
    parser.add_argument("--extra", action="store_true", help="also search, PDFs and search in a browser")
    parser.add_argument("--profile", action="store_true", help="also the profile of a cold build of the first size")
    args = parser.parse_args()
    started = time.perf_counter()
    versions = setup_peers(args.peers)
    tables, latencies, extra = {}, None, None
    for number, zones in enumerate(args.zones):
        corpus = WORK / f"corpus-{zones}"
        peers = args.peers if number == 0 else [peer for peer in args.peers if peer == "Hugo"]
        subprocess.run([sys.executable, str(BENCH / "generate.py"), str(corpus), "--zones", str(zones),
                        "--only", *(name.lower() for name in ["zonesite", *peers])], check=True)
        tables[zones] = run_cases(corpus, args.runs, ["zonesite", *peers])
        if number == 0:
            latencies = serve_latency(corpus)
            print(f"serve: {', '.join(f'{ms:.0f}' for ms in latencies)} ms", flush=True)
            extra = search_and_pdf(corpus) if args.extra else None
            if args.profile:  # in a process of its own: the profiler must see the build, not this script
                profiled = subprocess.run([sys.executable, str(BENCH / "cold_profile.py"), str(corpus / "zonesite")],
                                          capture_output=True, text=True, check=True).stdout
    write_results(tables, latencies, extra, versions, args.runs, (time.perf_counter() - started) / 60,
                  profiled if args.profile else None)


if __name__ == "__main__":
    main()
