"""Command-line front: parse arguments, run one command, turn every failure into a clear message and exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# Importing the generator, like a build over a site built before, keeps most of the objects it makes: collecting
# garbage every 700 new ones, Python's default, took a build with one edit of a thousand documents 30-50 ms, every
# 100,000 a few. A first build goes back to the default (see _build).
PYTHON_GC = gc.get_threshold()
gc.set_threshold(100_000, 10, 10)

from . import unchanged  # noqa: E402 - imported under that threshold
from .config import Config, configured_language, load_config
from .engine.cache import Cache
from .engine.manifest import MANIFEST
from . import messages
from .messages import DEFAULT, LANGUAGES, Message, say
from .problems import ERROR, ContentError, Problem, ToolError
from .source.text import SourceError

if TYPE_CHECKING:
    from .pipeline import Pipeline

# Documented in the README: 0 clean, 1 warnings (check, translations) or "not authentic" (verify), 2 content errors,
# 3 a fault of the tool itself, its traceback in a log file.
EXIT_OK, EXIT_WARNINGS, EXIT_ERRORS, EXIT_INTERNAL = 0, 1, 2, 3


class _Formatter(argparse.HelpFormatter):
    """argparse's help with its few fixed words ("usage:") in the editor's language."""

    lang = DEFAULT

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, say(self.lang, "help.usage") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """Mistakes on the command line said in the editor's language, with the usage; exit code 2."""

    lang = DEFAULT

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = say(self.lang, "help.positionals")
        self._optionals.title = say(self.lang, "help.options")
        self.add_argument("-h", "--help", action="help", help=say(self.lang, "help.help"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERRORS, say(self.lang, "cli.bad_arguments", detail=message) + "\n")


COMMANDS = ("build", "check", "serve", "new", "translate", "translations", "import", "verify", "publish")


def _parser(lang: str, command: str | None = None) -> argparse.ArgumentParser:
    """`command`: the parser of that command alone, when the command line names it and asks for no help: the
    arguments of all nine, their help said in the editor's language, cost a build with one edit more than
    parsing its own (a hundredth of it)."""
    _Formatter.lang = _Parser.lang = lang
    h = lambda ident: say(lang, f"help.{ident}")  # noqa: E731
    wanted = lambda name: command in (None, name)  # noqa: E731
    parser = _Parser(prog="build.py", description=h("description"), epilog=h("epilog"))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=Path("site_config.yaml"), help=h("config"))
    common.add_argument("--content", type=Path, default=None, help=h("content"))
    common.add_argument("--cache", type=Path, default=None, help=h("cache"))
    common.add_argument("--lang", choices=LANGUAGES, default=None, help=h("lang"))
    common.add_argument("-q", "--quiet", action="store_true", help=h("quiet"))
    common.add_argument("-v", "--verbose", action="store_true", help=h("verbose"))
    writes = argparse.ArgumentParser(add_help=False)
    writes.add_argument("--out", type=Path, default=None, help=h("out"))
    commands = parser.add_subparsers(dest="command", title=h("commands"), metavar="{" + ",".join(COMMANDS) + "}")
    if wanted("build"):
        build = commands.add_parser("build", parents=[common, writes], help=h("build"), description=h("build"))
        build.add_argument("--no-pdf", action="store_true", help=h("no_pdf"))
        build.add_argument("--no-search", action="store_true", help=h("no_search"))
    if wanted("check"):
        commands.add_parser("check", parents=[common], help=h("check"), description=h("check"))
    if wanted("serve"):
        serve = commands.add_parser("serve", parents=[common, writes], help=h("serve"), description=h("serve"))
        serve.add_argument("--port", type=int, default=None, help=h("port"))
    if wanted("new"):
        new = commands.add_parser("new", parents=[common], help=h("new"), description=h("new"))
        new.add_argument("kind", nargs="?", choices=["document", "zone"], default="document", help=h("new_kind"))
        new.add_argument("name", nargs="?", help=h("new_name"))
        new.add_argument("--zone", help=h("new_zone"))
        new.add_argument("--type", dest="doc_type", help=h("new_type"))
        new.add_argument("--title", help=h("new_title"))
        new.add_argument("--start", type=_date, help=h("new_start"))
        new.add_argument("--end", type=_date, help=h("new_end"))
        new.add_argument("--slug", help=h("new_slug"))
        new.add_argument("--names", help=h("new_names"))
    if wanted("translate"):
        translate = commands.add_parser("translate", parents=[common], help=h("translate"), description=h("translate"))
        translate.add_argument("source", type=Path, metavar="FILE.nl.md", help=h("translate_source"))
        translate.add_argument("--to", dest="target_lang", default=None, help=h("translate_to"))
    if wanted("publish"):
        publish = commands.add_parser("publish", parents=[common], help=h("publish"), description=h("publish"))
        publish.add_argument("dest", type=Path, help=h("publish_dest"))
        publish.add_argument("--from", dest="source", type=Path, default=None, help=h("publish_from"))
        publish.add_argument("--rollback", action="store_true", help=h("publish_rollback"))
    if wanted("translations"):
        translations = commands.add_parser("translations", parents=[common], help=h("translations"), description=h("translations"))
        translations.add_argument("--stamp", type=Path, metavar="FILE", help=h("stamp"))
    if wanted("import"):
        word = commands.add_parser("import", parents=[common], help=h("import"), description=h("import"))
        word.add_argument("docx", type=Path, metavar="FILE.docx", help=h("import_file"))
        word.add_argument("--zone", required=True, help=h("import_zone"))
        word.add_argument("--slug", help=h("import_slug"))
        word.add_argument("--type", dest="doc_type", help=h("import_type"))
    if wanted("verify"):
        verify = commands.add_parser("verify", parents=[common], help=h("verify"), description=h("verify"))
        verify.add_argument("pdf", type=Path, metavar="FILE.pdf", help=h("verify_pdf"))
        verify.add_argument("--site", type=Path, default=None, help=h("verify_site"))
    return parser


def language(argv: list[str]) -> str:
    """--lang, else messages_language of the configuration, else Dutch: known before the arguments are parsed,
    so that --help and the mistakes in the arguments are in that language too."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    early.add_argument("--config", type=Path, default=Path("site_config.yaml"))
    early.add_argument("--cache", type=Path)
    known, _ = early.parse_known_args(argv)
    cache = known.cache or unchanged.default_cache_of(known.config.resolve().parent)
    builds = not argv or argv[0] in ("build", "check", "serve") or argv[0].startswith("-")
    builds = builds and "-h" not in argv and "--help" not in argv
    # The commands that keep a cache, for a site that is there: help and a mistyped --config make no folder.
    messages.keep_in(cache if builds and known.config.is_file() else None)
    if known.lang in LANGUAGES:
        return known.lang
    return configured_language(known.config, cache) or DEFAULT


def run() -> None:
    """The command line's entry point (build.py, the `zonesite` script). What the command made is set aside from the
    collector (gc.freeze) before the interpreter ends: its last collection would otherwise walk the whole model, a
    sixth of a build after one edit. A command that started no worker process and left no other thread running has
    nothing to wait for or clean up: its output is flushed and the process ends there, without the interpreter's
    teardown of every module (a fortieth of a build with one edit of a thousand documents)."""
    code = main()
    gc.freeze()
    threading = sys.modules.get("threading")  # not imported: no thread was started
    if "multiprocessing" not in sys.modules and (threading is None or threading.active_count() == 1):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a reader that went away (`| head`): nothing more can reach it
            pass
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = language(argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    asks_help = "-h" in argv or "--help" in argv
    try:
        args = _parser(lang, argv[0] if argv and argv[0] in COMMANDS and not asks_help else None).parse_args(argv)
    except KeyboardInterrupt:
        return 130
    try:
        return _run(args, lang)
    except ContentError as error:
        _print_problems(error.problems, lang)
        errors = sum(1 for problem in error.problems if problem.severity == ERROR)
        _say(lang, "cli.nothing_written", count=errors)
        return EXIT_ERRORS
    except ToolError as error:
        print(error.message.render(lang), file=sys.stderr)
        return EXIT_ERRORS
    except SourceError as error:
        _say(lang, "cli.source", file=getattr(args, "stamp", "") or getattr(args, "source", "") or "",
             detail=error.message.render(lang))
        return EXIT_ERRORS
    except KeyboardInterrupt:
        _say(lang, "cli.interrupted")
        return 130
    except OSError as error:
        if _template_error(error, lang):  # a missing template is an OSError too
            return EXIT_ERRORS
        _say(lang, "cli.os_error", file=error.filename or "", detail=error.strerror or str(error))
        return EXIT_ERRORS
    except Exception as error:  # noqa: BLE001 - a fault of the tool: the editor gets a sentence, the maintainer the traceback
        if _template_error(error, lang):  # unless it is a mistake in a template
            return EXIT_ERRORS
        log = _log_traceback(args)
        _say(lang, "cli.internal", log=str(log))
        return EXIT_INTERNAL


def _template_error(error: Exception, lang: str) -> bool:
    """A mistake in a template is the site's, not the tool's: said with its file and line. Jinja is imported only
    when pages are rendered, so an error can only be one of its own when it was."""
    jinja2 = sys.modules.get("jinja2")
    if jinja2 is None or not isinstance(error, jinja2.TemplateError):
        return False
    if isinstance(error, jinja2.TemplateSyntaxError):
        _say(lang, "cli.template_syntax", file=error.filename, line=error.lineno, detail=error.message)
    else:
        _say(lang, "cli.template", detail=str(error))
    return True


def _say(lang: str, ident: str, /, *, out=None, **params: object) -> None:
    print(say(lang, ident, **params), file=out or sys.stderr)


def _log_traceback(args: argparse.Namespace) -> Path:
    """The traceback of an internal error, in a file of the cache folder, never on the editor's screen."""
    import traceback  # only when the tool itself failed

    cache = args.cache or Path(args.config).resolve().parent / ".cache" / "zonesite"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        log = cache / f"error-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
        log.write_text(f"build.py {' '.join(sys.argv[1:])}\n\n{traceback.format_exc()}", encoding="utf-8")
    except OSError:
        log = Path(f"/tmp/zonesite-error-{dt.datetime.now():%Y%m%d-%H%M%S}.log")
        log.write_text(traceback.format_exc(), encoding="utf-8")
    return log


def _print_problems(problems: list[Problem], lang: str, quiet: bool = False) -> None:
    """Errors first, then warnings, then acknowledged findings (not with -q); the same lines in build and check."""
    order = {"error": 0, "warning": 1, "note": 2}
    worded: dict = {}
    folder = os.getcwd()  # once: asking for each of thousands of warnings cost a fiftieth of a build with one edit
    lines = [problem.render(lang, worded, folder) + "\n" for problem in sorted(problems, key=lambda p: order[p.severity])
             if not (quiet and problem.severity == "note")]
    sys.stderr.write("".join(lines))  # one write: a line at a time costs more than the rest of a build with nothing to do


def _run(args: argparse.Namespace, lang: str) -> int:
    # A build and a check keep the configuration they read, validated, in the cache (see load_config).
    kept = (args.cache or unchanged.default_cache_of(args.config.resolve().parent)) if args.command in (None, "build", "check") else None
    config = load_config(args.config, open_signing_key=args.command != "verify", cache_dir=kept)
    content_dir = args.content or config.root / "content"
    cache_dir = args.cache or unchanged.default_cache(config)
    if args.command == "check":
        _, problems = _pipeline(config, content_dir, cache_dir).validate()
        _print_problems(problems.items, lang, args.quiet)
        errors, warnings = len(problems.errors), len(problems.warnings)
        if not args.quiet or problems.errors or problems.warnings:
            ident = "cli.checked_notes" if problems.notes else "cli.checked"
            _say(lang, ident, errors=errors, warnings=warnings, notes=len(problems.notes))
        return EXIT_ERRORS if errors else EXIT_WARNINGS if warnings else EXIT_OK
    if args.command == "serve":
        from .commands.serve import serve

        serve(args.config, args.content, args.port, args.out, args.cache, lang=lang)
        return EXIT_OK
    if args.command == "new":
        return _new(args, config, content_dir, lang)
    if args.command == "translate":
        return _translate(args, config, lang)
    if args.command == "import":
        from .commands import word_import  # mammoth only when a Word document is imported

        return word_import.run(args, config, content_dir, lang)
    if args.command == "verify":
        return _verify(args, config, _pipeline(config, content_dir, cache_dir), lang)
    if args.command == "publish":
        return _publish(args, config, _pipeline(config, content_dir, cache_dir), lang)
    if args.command == "translations":
        return _translations(args, config, _pipeline(config, content_dir, cache_dir), lang)
    return _build(args, config, content_dir, cache_dir, lang)


def _pipeline(config: Config, content_dir: Path, cache_dir: Path) -> Pipeline:
    """The generator whole, imported only by the commands that read the content (a build with nothing changed does not)."""
    from .pipeline import Pipeline

    return Pipeline(config, content_dir, cache_dir)


def _build(args: argparse.Namespace, config: Config, content_dir: Path, cache_dir: Path, lang: str) -> int:
    out_dir, with_pdf, with_search = args.out or config.output_dir, not args.no_pdf, not args.no_search
    if not (out_dir / MANIFEST).is_file():
        gc.set_threshold(*PYTHON_GC)  # a first build makes and drops more: Python's default keeps its memory lower
    seen = unchanged.look(config, content_dir, Cache(cache_dir), out_dir, preview=False, flags=(with_pdf, with_search))
    result = seen.result or _pipeline(config, content_dir, cache_dir).build(
        out_dir, with_pdf=with_pdf, with_search=with_search, progress=not args.quiet, seen=seen)
    _print_problems(result.problems.items, lang, args.quiet)
    if args.verbose:
        for path in result.read:
            _say(lang, "cli.read", out=sys.stdout, path=str(path))
        for path in result.rendered:
            _say(lang, "cli.written", out=sys.stdout, path=path)
    if not args.quiet:
        print(result.summary().render(lang))
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say(_Parser.lang, "cli.bad_date", text=text)) from None


def _new(args: argparse.Namespace, config, content_dir: Path, lang: str) -> int:
    from .commands.interview import Interview, document_fields
    from .commands.new import DocumentFields, ScaffoldError, new_document, new_zone, zone_names

    interview = Interview(lang) if sys.stdin.isatty() else None
    if args.kind == "zone":
        slug = args.name or (interview and interview.text("zone_folder"))
        if not slug:
            raise ScaffoldError("new.missing", field=Message.of("field.zone_folder"))
        names = zone_names(args.names, config.languages) if args.names else {}
        for language_code in config.languages:
            if language_code not in names and interview:
                names[language_code] = interview.text(f"zone_name_{language_code}", required=language_code == config.default_language)
        if config.default_language not in names or not names[config.default_language]:
            raise ScaffoldError("new.missing", field=Message.of(f"field.zone_name_{config.default_language}"))
        path = new_zone(config, content_dir, slug, {k: v for k, v in names.items() if v})
        _say(lang, "new.zone_created", out=sys.stdout, path=str(path))
        return EXIT_OK
    given = DocumentFields(args.zone or "", args.doc_type or "", args.title or "", args.start, args.end, slug=args.slug)
    path = new_document(config, content_dir, document_fields(config, content_dir, given, interview), lang)
    _say(lang, "new.created", out=sys.stdout, path=str(path), folder=str(path.with_name(path.name.split(".")[0])) + "/")
    return EXIT_OK


def _translate(args: argparse.Namespace, config, lang: str) -> int:
    from .commands.translations import start_translation

    target = start_translation(config, args.source, args.target_lang)
    _say(lang, "translate.created", out=sys.stdout, path=str(target))
    return EXIT_OK


def _verify(args: argparse.Namespace, config, pipeline: Pipeline, lang: str) -> int:
    from .commands.verify import verify

    if not args.pdf.is_file():
        _say(lang, "verify.no_file", file=str(args.pdf))
        return EXIT_WARNINGS
    site, problems = pipeline.validate()
    verdict = verify(config, args.pdf, args.site or config.output_dir, None if problems.errors else site)
    if verdict.authentic:
        _say(lang, "verify.authentic", out=sys.stdout, file=str(args.pdf))
    else:
        _say(lang, "verify.not_authentic", out=sys.stdout, file=str(args.pdf),
             reasons="; ".join(reason.render(lang) for reason in verdict.reasons))
    for line in verdict.findings:
        print(f"  {line.render(lang)}")
    return EXIT_OK if verdict.authentic else EXIT_WARNINGS


def _publish(args: argparse.Namespace, config, pipeline: Pipeline, lang: str) -> int:
    from .commands.publish import publish, rollback

    if args.rollback:
        result = rollback(args.dest)
    else:
        # The build's manifest must carry the fingerprint of a complete build (PDFs, search) of the content as it is now.
        result = publish(args.source or config.output_dir, args.dest, pipeline.inputs_key(True, True))
    if not args.quiet:
        _say(lang, "publish.done", out=sys.stdout, files=result.files, dest=str(result.dest), copied=len(result.copied),
             removed=len(result.removed))
        if result.kept:
            _say(lang, "publish.kept", out=sys.stdout, kept=str(result.kept), dest=str(args.dest))
    if args.verbose:
        for path in result.copied:
            _say(lang, "publish.copied", out=sys.stdout, path=path)
        for path in result.removed:
            _say(lang, "publish.removed", out=sys.stdout, path=path)
    return EXIT_OK


def _translations(args: argparse.Namespace, config, pipeline: Pipeline, lang: str) -> int:
    from .commands.translations import IN_PROGRESS, MISSING, OUTDATED, stamp, statuses

    if args.stamp:
        new_hash = stamp(config, args.stamp)
        _say(lang, "stamp.done", out=sys.stdout, file=str(args.stamp), hash=new_hash)
        return EXIT_OK
    site, problems = pipeline.validate()
    if problems.errors:
        raise ContentError(problems.errors)
    rows = statuses(config, site, with_changes=True)
    width = max((len(f"{s.document.zone}/{s.document.slug}") for s in rows), default=8)
    heading = [say(lang, "translations.document"), say(lang, "translations.lang"), say(lang, "translations.status")]
    print(f"{heading[0]:<{width}}  {heading[1]:<5} {heading[2]}")
    for status in rows:
        state = say(lang, f"translations.state.{status.state}")
        print(f"{status.document.zone + '/' + status.document.slug:<{width}}  {status.lang:<5} {state}")
        if status.changes and not args.quiet:
            changes = status.changes.render(lang) if isinstance(status.changes, Message) else status.changes
            print("    " + changes.replace("\n", "\n    "))
    terms = [problem for problem in problems.items if problem.code == "term"]
    if terms:
        print("\n" + say(lang, "translations.terms", file=config.terms.path.name))
        for problem in terms:
            print(f"  {problem.render(lang)}")
    unfinished = (MISSING, OUTDATED, IN_PROGRESS)
    return EXIT_WARNINGS if terms or any(s.state in unfinished for s in rows) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
