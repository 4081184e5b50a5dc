"""Dataset catalogs in JSON: CKAN `package_search` responses and DCAT JSON-LD.

DCAT files in the wild use prefixed keys ("dct:title") or plain ones ("title") depending on their
@context, wrap values as {"@value": ...} or language-tagged lists, and put datasets under
"dcat:dataset", "dataset" or "@graph"; all of these are accepted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.models import LoadedSource
from ingestion.encoding import read_text
from ingestion.loaders.catalog import CatalogRecord, catalog_source
from ingestion.loaders.common import SourceDefaults, ingest_failed
from ingestion.loaders.metadata import detect_language, read_sidecar


def load_catalog_json(path: Path, root: Path, defaults: SourceDefaults) -> list[LoadedSource]:
    try:
        document = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise ingest_failed(path, f"invalid JSON ({error.msg} at line {error.lineno})") from error
    if _is_ckan(document):
        records = [_ckan_record(path, package) for package in _ckan_packages(path, document)]
    else:
        datasets = _dcat_datasets(document)
        if datasets is None:
            raise ingest_failed(path, "is neither a CKAN package_search response nor a DCAT catalog")
        records = [_dcat_record(path, number, dataset) for number, dataset in enumerate(datasets, start=1)]
    if not records:
        raise ingest_failed(path, "the catalog lists no datasets")
    seen: set[str] = set()
    for record in records:
        if record.source_id in seen:
            raise ingest_failed(path, f"dataset {record.key} appears twice")
        seen.add(record.source_id)
    file_metadata = read_sidecar(path)
    return [catalog_source(record, path, root, defaults, file_metadata) for record in records]


# --- CKAN -----------------------------------------------------------------------------------------


def _is_ckan(document: Any) -> bool:
    return isinstance(document, dict) and "result" in document and "success" in document


def _ckan_packages(path: Path, document: dict[str, Any]) -> list[dict[str, Any]]:
    if document.get("success") is not True:
        raise ingest_failed(path, "the CKAN response reports success: false")
    result = document["result"]
    if isinstance(result, dict) and isinstance(result.get("results"), list):
        packages = result["results"]
    elif isinstance(result, dict) and "name" in result:  # a package_show response: one dataset
        packages = [result]
    else:
        raise ingest_failed(path, "the CKAN response has no result.results list")
    if not all(isinstance(package, dict) for package in packages):
        raise ingest_failed(path, "a CKAN result is not an object")
    return packages


def _ckan_record(path: Path, package: dict[str, Any]) -> CatalogRecord:
    name = str(package.get("name") or package.get("id") or "").strip()
    if not name:
        raise ingest_failed(path, f"a CKAN package has no name (title {package.get('title')!r})")
    resources = [item for item in package.get("resources") or [] if isinstance(item, dict)]
    organization = package.get("organization") if isinstance(package.get("organization"), dict) else {}
    groups = [item for item in package.get("groups") or [] if isinstance(item, dict)]
    title = _text(package.get("title")) or name
    description = _text(package.get("notes"))
    resource_urls = [str(item["url"]) for item in resources if item.get("url")]
    return CatalogRecord(
        source_id=f"catalog:ckan:{name}",
        key=name,
        title=title,
        url=_text(package.get("url")) or (resource_urls[0] if resource_urls else None),
        description=description,
        agency=_text((organization or {}).get("title") or (organization or {}).get("name")),
        department=_text(package.get("department")) or _ckan_extra(package, "department", "부서"),
        category=", ".join(_text(group.get("title") or group.get("name")) for group in groups),
        formats=_unique(_text(item.get("format")).upper() for item in resources if item.get("format")),
        keywords=[_text(tag.get("name")) for tag in package.get("tags") or [] if isinstance(tag, dict)],
        registered=_date(package.get("metadata_created")),
        modified=_date(package.get("metadata_modified")),
        language=detect_language(f"{title} {description}"),
    )


def _ckan_extra(package: dict[str, Any], *keys: str) -> str:
    """CKAN keeps custom fields as extras: [{"key": "department", "value": "관광문화과"}]."""
    for extra in package.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") in keys and extra.get("value"):
            return _text(extra["value"])
    return ""


# --- DCAT -----------------------------------------------------------------------------------------


def _dcat_datasets(document: Any) -> list[dict[str, Any]] | None:
    if isinstance(document, list):
        document = {"@graph": document}
    if not isinstance(document, dict):
        return None
    for key in ("dcat:dataset", "dataset", "datasets"):
        listed = document.get(key)
        if isinstance(listed, dict):  # JSON-LD compacts a one-element list to the element itself
            listed = [listed]
        if isinstance(listed, list):
            return [item for item in listed if isinstance(item, dict)]
    graph = document.get("@graph")
    if isinstance(graph, list):
        datasets: list[dict[str, Any]] = []
        for node in graph:
            if not isinstance(node, dict):
                continue
            nested = _dcat_datasets(node)
            if nested:  # a graph holding a dcat:Catalog node that lists the datasets
                datasets.extend(nested)
            elif _is_dataset_node(node):
                datasets.append(node)
        return datasets
    return None


def _is_dataset_node(node: dict[str, Any]) -> bool:
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(name, str) and name.split(":")[-1] == "Dataset" for name in names)


def _get(node: dict[str, Any], *names: str) -> Any:
    """The first of `dct:name`, `dcat:name`, `dcterms:name` or `name` that is present."""
    for name in names:
        for key in (f"dct:{name}", f"dcat:{name}", f"dcterms:{name}", name):
            if node.get(key) not in (None, "", []):
                return node[key]
    return None


def _dcat_record(path: Path, number: int, dataset: dict[str, Any]) -> CatalogRecord:
    identifier = _text(_get(dataset, "identifier")) or _text(dataset.get("@id"))
    if not identifier:
        raise ingest_failed(path, f"DCAT dataset {number} has no identifier")
    title = _text(_get(dataset, "title")) or identifier
    description = _text(_get(dataset, "description"))
    distributions = _as_list(_get(dataset, "distribution"))
    formats = [_text(_get(item, "format", "mediaType")) for item in distributions if isinstance(item, dict)]
    contact = _get(dataset, "contactPoint")
    department = ""
    if isinstance(contact, dict):
        department = _text(contact.get("vcard:fn") or contact.get("fn") or contact.get("name"))
    return CatalogRecord(
        source_id=f"catalog:dcat:{identifier}",
        key=identifier,
        title=title,
        url=_text(_get(dataset, "landingPage")) or None,
        description=description,
        agency=_text(_get(dataset, "publisher")),
        department=department,
        category=", ".join(_text(item) for item in _as_list(_get(dataset, "theme"))),
        formats=_unique(item.upper() for item in formats if item),
        keywords=[_text(item) for item in _as_list(_get(dataset, "keyword"))],
        registered=_date(_get(dataset, "issued")),
        modified=_date(_get(dataset, "modified")),
        language=detect_language(f"{title} {description}"),
    )


# --- JSON-LD values -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A plain string from a JSON-LD value: literal, {"@value"}, {"@id"}, a named node, or a list of
    language-tagged literals (Korean preferred, since this is a Korean city's catalog)."""
    if value is None:
        return ""
    if isinstance(value, list):
        tagged = [item for item in value if isinstance(item, dict) and item.get("@language") == "ko"]
        return _text(tagged[0] if tagged else value[0]) if value else ""
    if isinstance(value, dict):
        for key in ("@value", "foaf:name", "name", "title", "skos:prefLabel", "prefLabel", "@id"):
            if value.get(key):
                return _text(value[key])
        return ""
    return str(value).strip()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _date(value: Any) -> str:
    """ISO dates only: '2021-10-13T09:00:00.000' → '2021-10-13'."""
    return _text(value)[:10]


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))
