"""The README stays small and gets a person running; every link in it and in docs/ leads to a file here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
ADDRESS = re.compile(r"https?://[^\s`)>\]]+")


def documents() -> list[Path]:
    return [ROOT / "README.md", ROOT / "benchmarks" / "RESULTS.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_the_readme_is_short_and_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) < 8 * 1024
    commands = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).splitlines()
    assert [line.split()[:2] for line in commands] == [["make", "run"], ["make", "test"]]
    assert not (ROOT / "CONTRIBUTING.md").exists(), "docs/development.md says it"


def test_the_readme_links_nothing_outside_the_repository():
    readme = (ROOT / "README.md").read_text()
    for address in ADDRESS.findall(readme):
        assert re.match(r"https?://([a-z0-9-]+\.)*localhost(:\d+)?(/|$)", address), address


def test_every_link_in_the_documentation_leads_to_a_file_in_the_repository():
    broken = []
    for document in documents():
        for target in LINK.findall(document.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                if document.name == "README.md" and document.parent == ROOT:
                    broken.append(f"{document.relative_to(ROOT)}: {target} (the README links only inside)")
                continue
            path = target.split("#")[0]
            if path and not (document.parent / path).resolve().exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert broken == []


def test_every_document_in_docs_is_reachable_from_the_readme():
    linked, queue = set(), [ROOT / "README.md"]
    while queue:
        document = queue.pop()
        for target in LINK.findall(document.read_text()):
            path = (document.parent / target.split("#")[0]).resolve()
            if path.suffix == ".md" and path.exists() and path not in linked:
                linked.add(path)
                queue.append(path)
    pages = sorted((ROOT / "docs").rglob("*.md"))
    unlinked = [str(path.relative_to(ROOT)) for path in pages if path.resolve() not in linked]
    assert unlinked == [], "add each page to the Documentation table of README.md (or to a page it links)"
