"""Verified question -> SQL examples over the demo tables (written to data/demo/tables/examples.yaml).

They are hand-written, checked by executing them in build_demo_tables.py, and kept distinct from the
SQL dev set (evaluation/datasets/sql_cases.yaml) so that an LLM generator using them as few-shot
examples is not scored on its own prompt.
"""

from __future__ import annotations

from typing import Any

EXAMPLES: list[dict[str, Any]] = [
    {
        "question": "What is the registered population of Busanjin-gu?",
        "table": "population_by_district_2025",
        "tags": ["lookup"],
        "sql": "SELECT district, district_en, total_population FROM population_by_district_2025 "
        "WHERE district = '부산진구' LIMIT 1",
    },
    {
        "question": "65세 이상 인구가 가장 적은 구는?",
        "table": "population_by_district_2025",
        "tags": ["topn"],
        "sql": "SELECT district, district_en, age_65_plus FROM population_by_district_2025 "
        "ORDER BY age_65_plus ASC LIMIT 1",
    },
    {
        "question": "부산 전체 고령인구 비율은?",
        "table": "population_by_district_2025",
        "tags": ["aggregate", "share"],
        "sql": "SELECT ROUND(100.0 * SUM(age_65_plus) / SUM(total_population), 2) AS age_65_plus_share_pct "
        "FROM population_by_district_2025 LIMIT 1",
    },
    {
        "question": "Population density of each district",
        "table": "population_by_district_2025",
        "tags": ["ratio", "groupby"],
        "sql": "SELECT p.district, p.district_en, p.total_population / a.land_area_km2 AS population_density "
        "FROM population_by_district_2025 AS p JOIN district_land_area AS a ON p.district = a.district "
        "ORDER BY population_density DESC LIMIT 16",
    },
    {
        "question": "연제구 면적은 몇 제곱킬로미터야?",
        "table": "district_land_area",
        "tags": ["lookup"],
        "sql": "SELECT district, district_en, land_area_km2 FROM district_land_area "
        "WHERE district = '연제구' LIMIT 1",
    },
    {
        "question": "Average PM10 in Busan by year since 2015",
        "table": "air_quality_by_district",
        "tags": ["trend", "range"],
        "sql": "SELECT year, AVG(pm10_ugm3) AS pm10_ugm3 FROM air_quality_by_district WHERE year >= 2015 "
        "GROUP BY year ORDER BY year LIMIT 50",
    },
    {
        "question": "2020년 초미세먼지가 가장 낮은 구 3곳",
        "table": "air_quality_by_district",
        "tags": ["topn"],
        "sql": "SELECT district, district_en, pm25_ugm3 FROM air_quality_by_district WHERE year = 2020 "
        "ORDER BY pm25_ugm3 ASC LIMIT 3",
    },
    {
        "question": "Incheon port throughput in 2015",
        "table": "port_container_throughput",
        "tags": ["lookup"],
        "sql": "SELECT port, year, teu_million FROM port_container_throughput "
        "WHERE port = 'Incheon' AND year = 2015 LIMIT 1",
    },
    {
        "question": "2019년 세계 컨테이너 물동량 상위 5개 항만",
        "table": "port_container_throughput",
        "tags": ["topn"],
        "sql": "SELECT port, teu_million FROM port_container_throughput WHERE year = 2019 "
        "ORDER BY teu_million DESC LIMIT 5",
    },
    {
        "question": "Fatal accidents in Busan by weekday",
        "table": "traffic_fatal_accidents_2020",
        "tags": ["count", "groupby"],
        "sql": "SELECT weekday, weekday_en, COUNT(*) AS accidents FROM traffic_fatal_accidents_2020 "
        "GROUP BY weekday, weekday_en ORDER BY accidents DESC LIMIT 10",
    },
    {
        "question": "야간 보행자 사망사고는 몇 건?",
        "table": "traffic_fatal_accidents_2020",
        "tags": ["count", "filter"],
        "sql": "SELECT COUNT(*) AS accidents FROM traffic_fatal_accidents_2020 "
        "WHERE day_night = '야' AND victim_vehicle = '보행자' LIMIT 1",
    },
    {
        "question": "Busan's total fertility rate trend since 2010",
        "table": "births_by_province",
        "tags": ["trend"],
        "sql": "SELECT year, total_fertility_rate FROM births_by_province "
        "WHERE province = '부산광역시' AND year >= 2010 ORDER BY year LIMIT 50",
    },
    {
        "question": "2021년 혼인 건수가 가장 많은 시도는?",
        "table": "births_by_province",
        "tags": ["topn"],
        "sql": "SELECT province, province_en, marriages FROM births_by_province WHERE year = 2021 "
        "ORDER BY marriages DESC LIMIT 1",
    },
    {
        "question": "How did births in Busan change between 2000 and 2020?",
        "table": "births_by_province",
        "tags": ["change"],
        "sql": "WITH v AS (SELECT SUM(births) FILTER (WHERE year = 2000) AS start_value, "
        "SUM(births) FILTER (WHERE year = 2020) AS end_value FROM births_by_province "
        "WHERE province = '부산광역시') SELECT start_value, end_value, end_value - start_value AS change, "
        "100.0 * (end_value - start_value) / start_value AS change_pct FROM v LIMIT 1",
    },
]
