"""The `newsarchive` command: thin wrappers around the library."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from indexer.config import Settings, host_problem, load_settings
from indexer.errors import NewsArchiveError
from indexer.ingest.article import Article, ItemError, plural

# Each command imports what it needs when it runs: `--help` and `stats` do not wait for
# Whoosh, numpy, BeautifulSoup or the word segmenter to load.
if TYPE_CHECKING:
    from indexer.store.archive import Archive, IndexSummary

EXIT_OK, EXIT_ERROR, EXIT_ITEMS_FAILED = 0, 1, 3


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class _Group(click.Group):
    """Turns library errors into `Error: …` and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors and exits: click reports them
        except NewsArchiveError as exc:
            click.echo(f"Error: {exc}", err=True)
        except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError as exc:  # the disk, not newsarchive: say which file and why
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
        except Exception as exc:  # a bug: still no traceback for the user
            logging.getLogger("newsarchive").debug("internal error", exc_info=True)
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {exc}); please report it", err=True
            )
        ctx.exit(EXIT_ERROR)


@click.group(cls=_Group)
@click.option(
    "--config",
    "config_path",
    envvar="NEWSARCHIVE_CONFIG",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: ./config.toml when present). Env: NEWSARCHIVE_CONFIG.",
)
@click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder, overriding index.path from the config.",
)
@click.version_option(package_name="newsarchive")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, index_path: Path | None) -> None:
    """Index and search news archives in English and Chinese."""
    if config_path is None and Path("config.toml").is_file():
        config_path = Path("config.toml")
    settings = load_settings(config_path)
    if index_path is not None:
        settings = settings.with_index(index_path)
    ctx.obj = settings


def _check_host(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    problem = None if value is None else host_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def _archive(settings: Settings) -> Archive:
    from indexer.store.archive import Archive

    return Archive(settings)


def _progress(enabled: bool) -> tuple[Callable[[Any], None] | None, Any]:
    """A per-item callback that drives a progress bar on a terminal (None otherwise)."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
    return (lambda item: bar.update(1)), bar


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no list of problems.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every failed or skipped item, with the reason, to this JSON file.",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=0),
    default=None,
    help="Processes reading and analysing articles beside the writer "
    "(default: index.workers; 0: all in one process).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove the articles of files under PATHS that are gone since they were indexed.",
)
@click.pass_obj
def index_cmd(
    settings: Settings,
    paths: tuple[Path, ...],
    quiet: bool,
    as_json: bool,
    report: Path | None,
    workers: int | None,
    prune: bool,
) -> None:
    """Index articles from files and folders (recursively).

    Reads .html/.htm pages, .txt articles, .jsonl exports and web archives. Only new
    and changed files are read; a changed file's articles are updated in place, by
    id, and those it no longer has are removed. Without PATHS, indexes the sources
    listed in config.toml. The index remembers every PATH, for `reindex`.

    Every item not indexed is listed with its path and reason, as one of two kinds.
    failed: an article, file or folder that could not be read (unreadable, broken
    symbolic link, empty, binary, undecodable, malformed, too large); the exit status
    is then 3. skipped: not an article, passed over on purpose (a file of another type,
    a device or pipe, a web archive's non-page records).

    Example: newsarchive index corpus/ ~/saved-pages/ --prune
    """
    sources = list(paths) or list(settings.source_paths)
    if not sources:
        raise click.UsageError("give a PATH, or list sources.paths in config.toml")
    on_item, bar = _progress(not quiet and not as_json)
    try:
        summary = _archive(settings).index_paths(sources, workers, on_item, prune=prune)
    finally:
        if bar is not None:
            bar.close()
    if report is not None:
        report.write_text(
            json.dumps([p.to_dict() for p in summary.problems], ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    if as_json:
        _echo_json(summary.to_dict())
    else:
        _print_summary(summary, quiet)
    sys.exit(EXIT_OK if summary.ok else EXIT_ITEMS_FAILED)


def _print_summary(summary: IndexSummary, quiet: bool) -> None:
    if not quiet:
        for problem in summary.problems:
            label = "skipped" if problem.skipped else "failed"
            click.echo(f"{label}: {problem.location}: {problem.reason}", err=True)
    rate = (summary.indexed + summary.updated) / summary.seconds if summary.seconds else 0.0
    extra = "".join(
        f", {count} {label}"
        for count, label in ((summary.removed, "removed"), (summary.unchanged, "files unchanged"))
        if count
    )
    click.echo(
        f"indexed {summary.indexed}, updated {summary.updated}, skipped {summary.skipped}, "
        f"failed {summary.failed}{extra} in {summary.seconds:.1f} s ({rate:.0f} articles/s)"
    )


@cli.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def parse_cmd(settings: Settings, paths: tuple[Path, ...], as_json: bool) -> None:
    """Show what would be indexed, without touching the index.

    Example: newsarchive parse corpus/html/typhoon.html --json
    """
    from indexer.ingest.parse import read_inputs

    failed = False
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    for item in read_inputs(paths, max_bytes):
        if isinstance(item, ItemError):
            failed = failed or not item.skipped
            if as_json:
                click.echo(json.dumps({"error": item.to_dict()}, ensure_ascii=False))
            else:
                label = "skipped" if item.skipped else "failed"
                click.echo(f"{label}: {item.location}: {item.reason}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
        else:
            click.echo(_describe(item))
    sys.exit(EXIT_ITEMS_FAILED if failed else EXIT_OK)


def _describe(article: Article) -> str:
    data = article.to_dict()
    body = data.pop("body")
    lines = [f"{key:>9}: {value}" for key, value in data.items() if value]
    preview = " ".join(body.split())[:160]
    lines.append(f"{'body':>9}: {len(body)} characters: {preview}…")
    return "\n".join(lines) + "\n"


@cli.command("search")
@click.argument("query")
@click.option(
    "--limit",
    "-n",
    default=None,
    type=click.IntRange(min=1),
    help="Hits to show (default: search.default_limit; at most search.max_limit).",
)
@click.option(
    "--offset", default=0, type=click.IntRange(0, 10_000), help="Hits to skip (for paging)."
)
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance")
@click.option("--from", "date_from", help="Published on or after (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--to", "date_to", help="Published on or before.")
@click.option("--json", "as_json", is_flag=True, help="Print the result object as JSON.")
@click.pass_obj
def search_cmd(
    settings: Settings,
    query: str,
    limit: int | None,
    offset: int,
    sort: str,
    date_from: str | None,
    date_to: str | None,
    as_json: bool,
) -> None:
    """Search the index. Words, "quoted phrases", AND/OR/NOT, title:, author:,
    source:, date:2016-01..2016-03, and prefix* work in English and Chinese.

    Example: newsarchive search '马云 OR "Jack Ma"' --limit 5
    """
    from indexer.search.core import SearchRequest, ready, search

    if limit is not None and limit > settings.max_limit:
        raise click.BadParameter(
            f"{limit} is more than search.max_limit ({settings.max_limit})", param_hint="'--limit'"
        )
    request = SearchRequest(
        query, limit or settings.default_limit, offset, sort, date_from, date_to
    )
    archive = _archive(settings)
    ready(archive)  # the time printed is the search's own, not the loading's
    page = search(archive, request)
    if as_json:
        _echo_json(page.to_dict())
        return
    click.echo(f"{plural(page.total, 'hit')} for {query!r} ({page.took_ms:.0f} ms)")
    for name in page.names:
        forms = " · ".join(
            f"{' / '.join(f.written)} ({', '.join(f'{t} {n}' for t, n in f.counts.items()) or 0})"
            for f in name.forms
        )
        click.echo(f"{name.query} appears as {forms}")
    if page.timeline:
        click.echo("By date: " + " · ".join(f"{b.period} {b.count}" for b in page.timeline))
    for number, hit in enumerate(page.hits, start=page.offset + 1):
        meta = " · ".join(x for x in (hit.published, hit.source, hit.author) if x)
        click.echo(f"\n{number}. {hit.title_marked.text('**', '**') or hit.title}")
        click.echo(f"   {meta}  [{hit.id}]")
        if hit.snippet:
            click.echo(f"   {hit.snippet.text('**', '**')}")
        for why in hit.explanation:
            click.echo(f"   ({why})")
    if page.suggestions:
        click.echo(f"\nDid you mean: {' · '.join(page.suggestions)}")


@cli.command("serve")
@click.option(
    "--host",
    default=None,
    callback=_check_host,
    help="Address to listen on: an IP address or a host name (default: server.host).",
)
@click.option(
    "--port",
    default=None,
    type=click.IntRange(1, 65535),
    help="Port, 1-65535 (default: server.port).",
)
@click.option("--dev", is_flag=True, help="Flask's development server, with reloading.")
@click.pass_obj
def serve_cmd(settings: Settings, host: str | None, port: int | None, dev: bool) -> None:
    """Serve the search page and the JSON API.

    Runs waitress, a production WSGI server, with `server.threads` threads.

    Example: newsarchive serve --port 8080
    """
    started = time.perf_counter()
    click.echo(f"newsarchive: loading {settings.index_path} …")
    from webapp import create_app

    host = host or settings.host
    port = port or settings.port
    app = create_app(settings)
    if dev:
        click.echo(f"newsarchive: serving {settings.index_path} on http://{host}:{port}/")
        app.run(host=host, port=port, debug=True)
        return
    import waitress

    try:
        server = waitress.create_server(
            app, host=host, port=port, threads=settings.threads, ident="newsarchive"
        )
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None
    click.echo(f"newsarchive: serving {settings.index_path} on http://{host}:{port}/")

    def warm_up() -> None:
        # Requests are answered meanwhile; the first ones wait for what they need.
        _warm_up(settings)
        click.echo(f"newsarchive: ready ({time.perf_counter() - started:.1f} s)")

    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    server.run()


# --- admin commands ------------------------------------------------------------------


@cli.command("reindex")
@click.option("--keep-old", is_flag=True, help="Keep the previous generation folder.")
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=0),
    default=None,
    help="Processes reading and analysing articles beside the writer.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Drop the articles whose source files are gone or no longer hold them "
    "(without it they are kept, from their stored copy).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def reindex_cmd(
    settings: Settings,
    keep_old: bool,
    workers: int | None,
    prune: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Rebuild the whole index into a new generation, check it, then switch to it
    atomically. Searches go on meanwhile. Run it after upgrading newsarchive to a new
    schema or analyzer.

    Reads again every source the index was fed (the PATHs given to `index`, and
    sources.paths); articles whose files are gone, and imported ones, are carried over
    from their stored copy. Nothing is lost: if any article would disappear without
    --prune or `delete`, the switch is refused and the articles are listed.

    Example: newsarchive reindex --keep-old
    """
    from indexer.admin import reindex

    on_item, bar = _progress(not quiet and not as_json)
    try:
        result = reindex(
            _archive(settings), keep_old=keep_old, workers=workers, on_item=on_item, prune=prune
        )
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        _echo_json(result.to_dict())
        return
    _print_summary(result.summary, quiet)
    for path in result.gone:
        click.echo(f"source gone: {path}", err=True)
    if result.carried:
        click.echo(f"carried over {plural(len(result.carried), 'article')} from the stored copy")
    if result.pruned:
        click.echo(f"pruned {plural(len(result.pruned), 'article')}: {', '.join(result.pruned)}")
    click.echo(
        f"switched to {result.generation} ({plural(result.check.articles, 'article')}, checked)"
        + (f"; removed {', '.join(result.removed)}" if result.removed else "")
    )


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
def stats_cmd(settings: Settings, as_json: bool) -> None:
    """Articles by language, source and year; index size, segments, schema version;
    every source the index was fed. The same figures as the web app's About page and
    GET /api/stats (which leave out the server's file paths).

    Example: newsarchive stats --json
    """
    from indexer.search.stats import archive_stats

    found = archive_stats(_archive(settings))
    if as_json:
        _echo_json(found.to_dict(paths=True))
        return
    info = found.index
    assert info is not None
    click.echo(f"{plural(found.total, 'article')} in {info.path}")
    click.echo(
        f"  schema {info.schema_version}, segmenter {info.segmenter}, "
        f"{plural(info.segments, 'segment')}, {info.size_bytes / 1e6:.1f} MB, "
        f"built {info.created}, last update {info.last_update}"
    )
    for title, name in (("language", "lang"), ("year", "year"), ("source", "source")):
        rows = [f"{value} {count}" for value, count in found.counts.get(name, [])]
        if name == "year" and found.undated:
            rows.append(f"undated {found.undated}")
        more = f" (+{len(rows) - 12} more)" if len(rows) > 12 else ""
        click.echo(f"  by {title}: {', '.join(rows[:12])}{more}")
    for source in found.sources:
        fed = f", first fed {source.added}" if source.added else ", not indexed yet"
        click.echo(f"  source: {source.path} ({source.kind}{fed})")


@cli.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def check_cmd(settings: Settings, as_json: bool) -> None:
    """Check the index: it opens, every article is found by its id, counts agree.
    Exits 1 on any problem.

    Example: newsarchive check
    """
    from indexer.admin import check

    report = check(_archive(settings))
    if as_json:
        _echo_json(report.to_dict())
    else:
        for problem in report.problems:
            click.echo(f"problem: {problem}", err=True)
        click.echo(
            f"{'ok' if report.ok else 'FAILED'}: {plural(report.articles, 'article')} checked"
        )
    sys.exit(EXIT_OK if report.ok else EXIT_ERROR)


@cli.command("delete")
@click.argument("ids", nargs=-1)
@click.option("--query", "-q", "query", help="Delete every article this query matches.")
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the ids as JSON.")
@click.pass_obj
def delete_cmd(
    settings: Settings, ids: tuple[str, ...], query: str | None, dry_run: bool, as_json: bool
) -> None:
    """Remove articles by id, or every article a query matches.

    Example: newsarchive delete --query 'source:"Harbour Ledger"' --dry-run
    """
    from indexer.admin import delete, matching_ids

    if not ids and not query:
        raise click.UsageError("give article IDs or --query")
    archive = _archive(settings)
    found = matching_ids(archive, ids, query)
    missing = [i for i in ids if i not in found]
    removed = 0 if dry_run else delete(archive, found)
    if as_json:
        _echo_json({"ids": found, "missing": missing, "deleted": removed, "dry_run": dry_run})
        return
    for ident in found:
        click.echo(f"{'would delete' if dry_run else 'deleted'}: {ident}")
    for ident in missing:
        click.echo(f"not found: {ident}", err=True)
    click.echo(f"{plural(len(found), 'article')} {'would be deleted' if dry_run else 'deleted'}")


@cli.command("optimize")
@click.pass_obj
def optimize_cmd(settings: Settings) -> None:
    """Merge the index's segments into one, for faster searches.

    Example: newsarchive optimize
    """
    from indexer.admin import optimize

    result = optimize(_archive(settings))
    click.echo(f"segments: {result['segments_before']} -> {result['segments_after']}")


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@click.pass_obj
def export_cmd(settings: Settings, fmt: str, output: Path | None) -> None:
    """Write every stored article and its metadata as JSON Lines: the backup and
    migration path (`newsarchive import` reads it back).

    Example: newsarchive export -o backup.jsonl
    """
    from indexer.admin import export_jsonl

    archive = _archive(settings)
    if output is None:
        count = export_jsonl(archive, sys.stdout)
    else:
        tmp = output.with_name(output.name + ".part")
        with tmp.open("w", encoding="utf-8") as fh:
            count = export_jsonl(archive, fh)
        tmp.replace(output)
    click.echo(f"exported {plural(count, 'article')}", err=True)


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def import_cmd(settings: Settings, path: Path, as_json: bool) -> None:
    """Add (or update, by id) the articles of an export file.

    Example: newsarchive import backup.jsonl
    """
    from indexer.admin import import_jsonl

    summary = import_jsonl(_archive(settings), path)
    if as_json:
        _echo_json(summary.to_dict())
    else:
        _print_summary(summary, False)
    sys.exit(EXIT_OK if summary.ok else EXIT_ITEMS_FAILED)


def _warm_up(settings: Settings) -> None:
    """Load the index, the dictionaries and the name table, so that readers do not wait."""
    from indexer.search.core import ready

    archive = _archive(settings)
    try:
        ready(archive, everything=True)
    except NewsArchiveError:  # no index yet, or an outdated one: the pages say so
        pass
    except Exception as exc:  # a damaged index: requests report it; never a traceback here
        logging.getLogger("newsarchive").warning("could not load the index: %s", exc)
    finally:
        archive.close()


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(format="newsarchive: %(message)s", level=logging.WARNING)
    cli(prog_name="newsarchive")
