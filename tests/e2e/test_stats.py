"""One stats result object, three renderings: `newsarchive stats`, the About page and
`GET /api/stats`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from indexer.cli import cli
from indexer.search.stats import archive_stats
from indexer.store.archive import Archive
from tests.helpers import SAMPLE_CORPUS, make_settings, write_config


def test_cli_api_and_about_page_render_the_same_figures(runner: CliRunner, tmp_path: Path) -> None:
    from webapp import create_app

    config = write_config(tmp_path, [SAMPLE_CORPUS], workers=0)
    assert runner.invoke(cli, ["--config", str(config), "index", "-q"]).exit_code == 0
    cli_json = json.loads(runner.invoke(cli, ["--config", str(config), "stats", "--json"]).output)
    settings = make_settings(tmp_path / "index", source_paths=(SAMPLE_CORPUS,))
    client = create_app(settings).test_client()
    api = client.get("/api/stats").get_json()
    # The same object; the public API leaves out the server's file paths.
    expected = dict(cli_json)
    expected["index"] = {k: v for k, v in cli_json["index"].items() if k != "path"}
    del expected["sources"]
    assert api == expected
    assert str(tmp_path) not in json.dumps(api)
    # The About page shows the same counts.
    html = client.get("/about").get_data(as_text=True)
    assert f"{cli_json['total']} articles" in html
    for row in cli_json["counts"]["source"][:5]:
        assert f'>{row["value"]}</a></th><td class="n">{row["count"]}</td>' in html
    # And the text rendering too.
    text = runner.invoke(cli, ["--config", str(config), "stats"]).output
    years = ", ".join(f"{c['value']} {c['count']}" for c in cli_json["counts"]["year"][:12])
    assert f"  by year: {years}" in text


def test_stats_follow_a_commit(tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index", workers=0, source_paths=()))
    archive.index_paths([SAMPLE_CORPUS / "text"])
    before = archive_stats(archive)
    archive.index_paths([SAMPLE_CORPUS / "html"])
    after = archive_stats(archive)
    assert after.total > before.total
    assert [s.path for s in after.sources] == [
        str(SAMPLE_CORPUS / "text"),
        str(SAMPLE_CORPUS / "html"),
    ]
    archive.close()


def test_stats_leave_out_deleted_articles(tmp_path: Path) -> None:
    from indexer.admin import delete

    archive = Archive(make_settings(tmp_path / "index", workers=0, source_paths=()))
    archive.index_paths([SAMPLE_CORPUS / "text"])
    before = archive_stats(archive)
    delete(archive, ["alibaba-tencent-guizhou.txt"])
    after = archive_stats(archive)
    assert after.total == before.total - 1
    assert sum(n for _, n in after.counts["lang"]) == after.total
    archive.close()
