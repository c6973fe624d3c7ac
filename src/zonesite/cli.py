"""Command-line front: parse arguments, run one command, turn every failure into a clear message and exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jinja2

from .commands.new import ScaffoldError, new_document, new_zone
from .commands.publish import PublishError
from .config import load_config
from .pipeline import Pipeline, default_cache
from .problems import ERROR, ContentError, Problem
from .source.text import SourceError

EXIT_OK, EXIT_WARNINGS, EXIT_ERRORS = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the police zones' policy site.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=Path("site_config.yaml"), help="site configuration (default: site_config.yaml)")
    common.add_argument("--content", type=Path, default=None, help="content folder (default: content/ beside the config)")
    common.add_argument("--cache", type=Path, default=None, help="cache folder (default: .cache/zonesite/ beside the config)")
    common.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    common.add_argument("-v", "--verbose", action="store_true", help="print every page written")
    writes = argparse.ArgumentParser(add_help=False)
    writes.add_argument("--out", type=Path, default=None,
                        help="output folder (build: output_dir of the config, _site/; serve: a preview folder under .cache/)")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", parents=[common, writes], help="build the whole site (the default command)")
    build.add_argument("--no-pdf", action="store_true", help="build the site without the PDF copies")
    build.add_argument("--no-search", action="store_true", help="build the site without the search index")
    commands.add_parser("check", parents=[common], help="validate content, links and tables without writing")
    serve = commands.add_parser("serve", parents=[common, writes], help="preview with live reload on 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="port (default: serve.port of the config, 8000)")
    new = commands.add_parser("new", parents=[common], help="scaffold a new document (or zone) with valid front matter")
    new.add_argument("kind", nargs="?", choices=["document", "zone"], default="document")
    new.add_argument("name", nargs="?", help="for a zone: its folder name, like 'mechelen'")
    new.add_argument("--zone", help="zone folder of the new document")
    new.add_argument("--type", dest="doc_type", help="document type, a key of document_types")
    new.add_argument("--title", help="the document's title")
    new.add_argument("--start", type=_date, help="start of the period, YYYY-MM-DD")
    new.add_argument("--end", type=_date, help="end of the period, YYYY-MM-DD")
    new.add_argument("--slug", help="file name without language and extension (default: from type and period)")
    new.add_argument("--names", help="for a zone: names per language, like 'nl=Mechelen,fr=Malines'")
    publish = commands.add_parser("publish", parents=[common], help="copy a complete build to the folder a web server serves")
    publish.add_argument("dest", type=Path, help="the folder the web server serves")
    publish.add_argument("--from", dest="source", type=Path, default=None,
                         help="the build to publish (default: output_dir of the config, _site/)")
    publish.add_argument("--rollback", action="store_true", help="publish the version the last publish replaced")
    translations = commands.add_parser("translations", parents=[common], help="show which translations are up to date, outdated or missing")
    translations.add_argument("--stamp", type=Path, metavar="FILE", help="record in translation FILE that it matches its source as it is now")
    verify = commands.add_parser("verify", parents=[common], help="say whether a PDF is an authentic, unaltered copy")
    verify.add_argument("pdf", type=Path, metavar="FILE.pdf", help="the PDF to check")
    verify.add_argument("--site", type=Path, default=None,
                        help="the built site whose SHA256SUMS is the published list (default: output_dir of the config)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ContentError as error:
        _print_problems(error.problems)
        errors = sum(1 for problem in error.problems if problem.severity == ERROR)
        print(f"{errors} error(s); nothing was written.", file=sys.stderr)
        return EXIT_ERRORS
    except jinja2.TemplateSyntaxError as error:
        print(f"{error.filename}:{error.lineno}: template error: {error.message}", file=sys.stderr)
        return EXIT_ERRORS
    except jinja2.TemplateError as error:
        print(f"template error: {error}", file=sys.stderr)
        return EXIT_ERRORS
    except ScaffoldError as error:
        print(f"new: {error}", file=sys.stderr)
        return EXIT_ERRORS
    except PublishError as error:
        print(f"publish: {error}; nothing was changed", file=sys.stderr)
        return EXIT_ERRORS
    except SourceError as error:
        print(f"{getattr(args, 'stamp', '') or ''}: {error.message}", file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("interrupted; the previous site is unchanged.", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"{error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERRORS


def _print_problems(problems: list[Problem], quiet: bool = False) -> None:
    """Errors first, then warnings, then acknowledged findings (not with -q); the same lines in build and check."""
    order = {"error": 0, "warning": 1, "note": 2}
    for problem in sorted(problems, key=lambda p: order[p.severity]):
        if not (quiet and problem.severity == "note"):
            print(problem, file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config, open_signing_key=args.command != "verify")
    content_dir = args.content or config.root / "content"
    cache_dir = args.cache or default_cache(config)
    if args.command == "check":
        _, problems = Pipeline(config, content_dir, cache_dir).validate()
        _print_problems(problems.items, args.quiet)
        errors, warnings = len(problems.errors), len(problems.warnings)
        if not args.quiet or problems.errors or problems.warnings:
            notes = f", {len(problems.notes)} acknowledged" if problems.notes else ""
            print(f"checked: {errors} error(s), {warnings} warning(s){notes}", file=sys.stderr)
        return EXIT_ERRORS if errors else EXIT_WARNINGS if warnings else EXIT_OK
    if args.command == "serve":
        from .commands.serve import serve

        serve(args.config, args.content, args.port, args.out, args.cache)
        return EXIT_OK
    if args.command == "new":
        return _new(args, config, content_dir)
    if args.command == "verify":
        return _verify(args, config, Pipeline(config, content_dir, cache_dir))
    if args.command == "publish":
        return _publish(args, config, Pipeline(config, content_dir, cache_dir))
    if args.command == "translations":
        return _translations(args, config, Pipeline(config, content_dir, cache_dir))
    result = Pipeline(config, content_dir, cache_dir).build(args.out or config.output_dir, with_pdf=not args.no_pdf,
                                                            with_search=not args.no_search, progress=not args.quiet)
    _print_problems(result.problems.items, args.quiet)
    if args.verbose:
        for path in result.rendered:
            print(f"written {path}")
    if not args.quiet:
        print(result.summary())
    return EXIT_OK


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def _ask(value: str | None, question: str) -> str:
    """Take the option when given; otherwise ask on a terminal, or fail clearly when there is none."""
    if value:
        return value
    if not sys.stdin.isatty():
        raise ScaffoldError(f"missing {question} (give it as an option, see --help)")
    answer = input(f"{question}: ").strip()
    if not answer:
        raise ScaffoldError(f"no {question} given")
    return answer


def _new(args: argparse.Namespace, config, content_dir: Path) -> int:
    if args.kind == "zone":
        slug = _ask(args.name, "zone folder name (like mechelen)")
        names = dict(pair.split("=", 1) for pair in args.names.split(",")) if args.names else {}
        if config.default_language not in names:
            names[config.default_language] = _ask(None, f"name of the zone in {config.default_language}")
        path = new_zone(config, content_dir, slug, names)
    else:
        zone = _ask(args.zone, f"zone ({', '.join(sorted(p.name for p in content_dir.iterdir() if p.is_dir()))})")
        doc_type = _ask(args.doc_type, f"type ({', '.join(config.document_types)})")
        title = _ask(args.title, "title")
        path = new_document(config, content_dir, zone, doc_type, title, args.start, args.end, args.slug)
    print(f"created {path}; edit it, then run: python build.py check")
    return EXIT_OK


def _verify(args: argparse.Namespace, config, pipeline: Pipeline) -> int:
    from .commands.verify import verify

    if not args.pdf.is_file():
        print(f"{args.pdf}: no such file", file=sys.stderr)
        return EXIT_WARNINGS
    site, problems = pipeline.validate()
    verdict = verify(config, args.pdf, args.site or config.output_dir, None if problems.errors else site)
    if verdict.authentic:
        print(f"{args.pdf}: authentic, unaltered copy")
    else:
        print(f"{args.pdf}: NOT an authentic copy: {'; '.join(verdict.reasons)}")
    for line in verdict.findings:
        print(f"  {line}")
    return EXIT_OK if verdict.authentic else EXIT_WARNINGS


def _publish(args: argparse.Namespace, config, pipeline: Pipeline) -> int:
    from .commands.publish import publish, rollback

    if args.rollback:
        result = rollback(args.dest)
    else:
        # The build's manifest must carry the fingerprint of a complete build (PDFs, search) of the content as it is now.
        result = publish(args.source or config.output_dir, args.dest, pipeline.inputs_key(True, True))
    if not args.quiet:
        print(f"published {result.files} files to {result.dest}: {len(result.copied)} new or changed, "
              f"{len(result.removed)} removed")
        if result.kept:
            print(f"the version it replaced is kept in {result.kept}; undo with: build.py publish --rollback {args.dest}")
    if args.verbose:
        for path in result.copied:
            print(f"copied {path}")
        for path in result.removed:
            print(f"removed {path}")
    return EXIT_OK


def _translations(args: argparse.Namespace, config, pipeline: Pipeline) -> int:
    from .commands.translations import MISSING, OUTDATED, stamp, statuses

    if args.stamp:
        new_hash = stamp(config, args.stamp)
        print(f"{args.stamp}: source_hash set to {new_hash}")
        return EXIT_OK
    site, problems = pipeline.validate()
    if problems.errors:
        raise ContentError(problems.errors)
    rows = statuses(config, site, with_changes=True)
    width = max((len(f"{s.document.zone}/{s.document.slug}") for s in rows), default=8)
    print(f"{'document':<{width}}  lang  status")
    for status in rows:
        print(f"{status.document.zone + '/' + status.document.slug:<{width}}  {status.lang:<4}  {status.state}")
        if status.changes and not args.quiet:
            print("    " + status.changes.replace("\n", "\n    "))
    terms = [problem for problem in problems.items if problem.code == "term"]
    if terms:
        print(f"\nterms rendered otherwise than the term base ({config.terms.path.name}) says:")
        for problem in terms:
            print(f"  {problem}")
    return EXIT_WARNINGS if terms or any(s.state in (MISSING, OUTDATED) for s in rows) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
