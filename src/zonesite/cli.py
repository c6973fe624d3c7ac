"""Command-line front: parse arguments, run one command, turn every failure into a clear message and exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jinja2

from .config import load_config
from .problems import ContentError

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


if __name__ == "__main__":
    sys.exit(main())
