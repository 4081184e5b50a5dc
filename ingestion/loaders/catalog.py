"""Dataset catalogs: data.go.kr CSV exports, one source per dataset.

Two CSV shapes exist: the 목록 export (목록키, 목록유형, 목록명, ... optionally 부서, 제공형식, 키워드) and
the file-data export (dataset_id, org, title, publisher, department, created, published, modified,
formats, keywords, description, file_names; every row a FILE dataset). Both become the same
`CatalogRecord`, whose text is a short bilingual-labelled card so Korean and English questions match.
A dataset key is the same dataset in either shape (`catalog:datagokr:<key>`); when two files list it,
the file indexed first keeps it (`ingestion.pipeline`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assistant.models import LoadedSource, Section, Source, SourceKind
from ingestion.encoding import read_text
from ingestion.loaders.catalog_rows import describe_rows_set_aside, read_catalog_rows
from ingestion.loaders.common import LoadedFile, SourceDefaults, ingest_failed, origin_of
from ingestion.loaders.metadata import DocumentMetadata, read_sidecar

DATAGOKR_PAGE_KINDS = {"FILE": "fileData", "API": "openapi", "STD": "standard"}
_TYPE_NAMES = {"FILE": "file data", "API": "open API", "STD": "standard data"}


@dataclass
class CatalogRecord:
    """One dataset as any catalog describes it, before it becomes a Source."""

    source_id: str
    key: str
    title: str
    url: str | None = None
    description: str = ""
    agency: str = ""
    department: str = ""
    category: str = ""
    dataset_type: str = ""
    formats: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    registered: str = ""
    modified: str = ""
    language: str = "ko"


def record_text(record: CatalogRecord) -> str:
    """A readable card: Korean labels as the catalog uses them, English labels for English questions."""
    agency = record.agency + (f" ({record.department})" if record.department else "")
    kind = record.dataset_type
    if kind in _TYPE_NAMES:
        kind = f"{kind} ({_TYPE_NAMES[kind]})"
    classification_parts = [
        f"분류 category: {record.category}" if record.category else "",
        f"유형 type: {kind}" if kind else "",
        f"형식 format: {', '.join(record.formats)}" if record.formats else "",
    ]
    lines = [
        f"데이터셋 dataset: {record.title}",
        f"제공기관 publisher: {agency}" if agency else "",
        " | ".join(part for part in classification_parts if part),
        f"키워드 keywords: {', '.join(record.keywords)}" if record.keywords else "",
        f"설명 description: {record.description}" if record.description else "",
        f"등록일 registered: {record.registered}" if record.registered else "",
        f"수정일 modified: {record.modified}" if record.modified else "",
    ]
    return "\n".join(line for line in lines if line)


def catalog_source(
    record: CatalogRecord, path: Path, root: Path, defaults: SourceDefaults, file_metadata: DocumentMetadata
) -> LoadedSource:
    """The row's own department wins; otherwise the sidecar's or the CLI's departments apply."""
    if record.department:
        departments = [record.department]
    elif file_metadata.departments is not None:
        departments = list(file_metadata.departments)
    else:
        departments = list(defaults.departments)
    extra = {
        "agency": record.agency,
        "category": record.category,
        "type": record.dataset_type,
        "formats": ", ".join(record.formats),
        "keywords": ", ".join(record.keywords),
        "registered": record.registered,
    }
    source = Source(
        source_id=record.source_id,
        kind=SourceKind.CATALOG,
        title=record.title,
        url=record.url,
        classification=file_metadata.classification or defaults.classification,
        departments=departments,
        as_of=record.modified or None,
        origin=origin_of(path, root),
        language=record.language,
        extra={key: value for key, value in extra.items() if value},
    )
    return LoadedSource(
        source=source, sections=[Section(text=record_text(record), locator=f"catalog entry {record.key}")]
    )


def load_catalog_csv(path: Path, root: Path, defaults: SourceDefaults) -> LoadedFile:
    """One source per well-formed row; malformed rows and rows without a dataset key are left out and
    listed by line number. A catalog with no usable row at all fails."""
    table = read_catalog_rows(read_text(path))
    header = set(table.header)
    make_record: Callable[[Mapping[str, str]], CatalogRecord]
    if {"목록키", "목록명"} <= header:
        make_record, key_column = _datagokr_list_record, "목록키"
    elif {"dataset_id", "title"} <= header:
        make_record, key_column = _datagokr_filedata_record, "dataset_id"
    else:
        raise ingest_failed(path, "is not a dataset catalog; statistics tables need a table card (--card)")
    if not table.rows and not table.malformed:
        raise ingest_failed(path, "the catalog has a header but no rows")
    set_aside = list(table.malformed)
    records: list[CatalogRecord] = []
    for row in table.rows:
        record = make_record(row.cells)
        if record.key:
            records.append(record)
        else:
            set_aside.append((row.line, f"no dataset key ({key_column})"))
    if not records:
        raise ingest_failed(path, f"no valid catalog rows ({describe_rows_set_aside(set_aside)})")
    _reject_duplicates(path, records)
    file_metadata = read_sidecar(path)
    sources = [catalog_source(record, path, root, defaults, file_metadata) for record in records]
    if not set_aside:
        return LoadedFile(sources)
    total = len(records) + len(set_aside)
    summary = f"{len(set_aside)} of {total} catalog rows skipped: {describe_rows_set_aside(set_aside)}"
    return LoadedFile(sources, [summary])


def datagokr_url(key: str, dataset_type: str) -> str:
    return f"https://www.data.go.kr/data/{key}/{DATAGOKR_PAGE_KINDS.get(dataset_type, 'fileData')}.do"


def split_keywords(value: str) -> list[str]:
    separator = ";" if ";" in value else ","
    return [part.strip() for part in value.split(separator) if part.strip()]


def _reject_duplicates(path: Path, records: list[CatalogRecord]) -> None:
    seen: set[str] = set()
    for record in records:
        if record.key in seen:
            raise ingest_failed(path, f"dataset key {record.key} appears twice")
        seen.add(record.key)


def _cell(row: Mapping[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _datagokr_list_record(row: Mapping[str, str]) -> CatalogRecord:
    key = _cell(row, "목록키")
    dataset_type = _cell(row, "목록유형").upper()
    return CatalogRecord(
        source_id=f"catalog:datagokr:{key}",
        key=key,
        title=_cell(row, "목록명"),
        url=datagokr_url(key, dataset_type) if key else None,
        description=_cell(row, "목록설명"),
        agency=_cell(row, "기관명"),
        department=_cell(row, "부서"),
        category=_cell(row, "분류체계"),
        dataset_type=dataset_type,
        formats=split_keywords(_cell(row, "제공형식")),
        keywords=split_keywords(_cell(row, "키워드")),
        registered=_cell(row, "목록.등록일"),
        modified=_cell(row, "목록.수정일"),
    )


def filedata_title(row: Mapping[str, str]) -> str:
    """The dataset's data.go.kr name (목록명) from a file-data export row.

    data.go.kr names datasets "<agency>_<title>"; this export splits the agency off and writes the
    name's other underscores as "｜" ("어디서나민원｜취급종류"), while the file it lists keeps the
    whole name ("경기도 성남시_어디서나민원_취급종류.csv"). So: the first file's name without its
    extension when it starts with the agency, else the agency put back before the title with "｜"
    turned back into "_". Checked against the openData export's 목록명 for the 9,972 datasets in both
    (2022 file-data catalog): 99.7 % equal (the rest were renamed since); the title alone: 1.2 %."""
    org, publisher = _cell(row, "org"), _cell(row, "publisher")
    agencies = tuple(agency for agency in (org, publisher) if agency)
    first_file = _cell(row, "file_names").split(";")[0].strip()
    stem = first_file.rsplit(".", 1)[0] if "." in first_file else first_file
    if stem and agencies and stem.startswith(agencies):
        return stem
    title = _cell(row, "title").replace("｜", "_")
    if agencies and not title.startswith(agencies):
        title = f"{agencies[0]}_{title}"
    return title


def _datagokr_filedata_record(row: Mapping[str, str]) -> CatalogRecord:
    key = _cell(row, "dataset_id")
    publisher, org = _cell(row, "publisher"), _cell(row, "org")
    title = filedata_title(row)
    return CatalogRecord(
        source_id=f"catalog:datagokr:{key}",
        key=key,
        title=title,
        url=datagokr_url(key, "FILE") if key else None,
        description=_cell(row, "description"),
        agency=publisher or org,
        department=_cell(row, "department"),
        dataset_type="FILE",
        formats=split_keywords(_cell(row, "formats")),
        keywords=split_keywords(_cell(row, "keywords")),
        registered=_cell(row, "published") or _cell(row, "created"),
        modified=_cell(row, "modified"),
    )
