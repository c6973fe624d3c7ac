"""Command-line front: parse arguments, run one command, turn every failure into a clear message and exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jinja2

from .config import load_config
from .problems import ContentError
from .yamlsource import SourceError

EXIT_OK, EXIT_WARNINGS, EXIT_ERRORS = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the police zones' policy site.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=Path("site_config.yaml"), help="site configuration (default: site_config.yaml)")
    common.add_argument("--content", type=Path, default=None, help="content folder (default: content/ beside the config)")
    common.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    common.add_argument("-v", "--verbose", action="store_true", help="print every page written")
    writes = argparse.ArgumentParser(add_help=False)
    writes.add_argument("--out", type=Path, default=None, help="output folder (default: output_dir of the config, _site/)")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", parents=[common, writes], help="build the whole site (the default command)")
    build.add_argument("--no-pdf", action="store_true", help="build the site without the PDF copies")
    commands.add_parser("check", parents=[common], help="validate content, links and tables without writing")
    translations = commands.add_parser("translations", parents=[common], help="show which translations are up to date, outdated or missing")
    translations.add_argument("--stamp", type=Path, metavar="FILE", help="record in translation FILE that it matches its source as it is now")
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
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} error(s); nothing was written.", file=sys.stderr)
        return EXIT_ERRORS
    except jinja2.TemplateSyntaxError as error:
        print(f"{error.filename}:{error.lineno}: template error: {error.message}", file=sys.stderr)
        return EXIT_ERRORS
    except jinja2.TemplateError as error:
        print(f"template error: {error}", file=sys.stderr)
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


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    content_dir = args.content or config.root / "content"
    if args.command == "check":
        from .check import run_check

        problems = run_check(config, content_dir)
        for problem in problems.items:
            print(problem, file=sys.stderr)
        errors, warnings = len(problems.errors), len(problems.warnings)
        if not args.quiet or problems.items:
            print(f"checked: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return EXIT_ERRORS if errors else EXIT_WARNINGS if warnings else EXIT_OK
    if args.command == "translations":
        return _translations(args, config, content_dir)
    from .build import build

    result = build(config, content_dir, args.out or config.output_dir, with_pdf=not args.no_pdf, progress=not args.quiet)
    for problem in result.warnings:
        print(problem, file=sys.stderr)
    if args.verbose:
        for path in result.rendered:
            print(f"rendered {path}")
    if not args.quiet:
        print(result.summary())
    return EXIT_OK


def _translations(args: argparse.Namespace, config, content_dir: Path) -> int:
    from .content import load_site
    from .translations import MISSING, OUTDATED, stamp, statuses

    if args.stamp:
        new_hash = stamp(config, args.stamp)
        print(f"{args.stamp}: source_hash set to {new_hash}")
        return EXIT_OK
    site, _ = load_site(config, content_dir)
    rows = statuses(config, site, with_changes=True)
    width = max((len(f"{s.document.zone}/{s.document.slug}") for s in rows), default=8)
    print(f"{'document':<{width}}  lang  status")
    for status in rows:
        print(f"{status.document.zone + '/' + status.document.slug:<{width}}  {status.lang:<4}  {status.state}")
        if status.changes and not args.quiet:
            print("    " + status.changes.replace("\n", "\n    "))
    return EXIT_WARNINGS if any(s.state in (MISSING, OUTDATED) for s in rows) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
