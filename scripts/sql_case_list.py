"""The questions of the SQL dev set with their gold SQL (hand-written templates; rows are computed).

Conventions the gold SQL follows (stated so the dev set is fair): a Busan-wide figure of a district
table is the sum (counts, people, area) or the average (concentrations) over the 16 districts; a
question about a time series without a year means the latest year; top-N keeps ties (RANK); shares are
in percent; change rows are [start, end, end - start, percent change].
"""

from __future__ import annotations

from typing import Any

P = "population_by_district_2025"
L = "district_land_area"
A = "air_quality_by_district"
T = "port_container_throughput"
X = "traffic_fatal_accidents_2020"
B = "births_by_province"
DENSITY = (
    f"(SELECT p.district, p.total_population, a.land_area_km2 FROM {P} p JOIN {L} a "
    f"ON p.district = a.district)"
)

Spec = dict[str, Any]


def c(
    id_: str,
    tags: list[str],
    q: str,
    sql: str | None = None,
    *,
    ordered: bool = False,
    unit: str | None = None,
    conv: list[str] | None = None,
) -> Spec:
    spec: Spec = {"id": id_, "tags": tags, "q": q, "ordered": ordered, "conv": conv or []}
    if sql is None:
        spec["refuse"] = True
    else:
        spec["sql"] = sql
    if unit:
        spec["unit"] = unit
    return spec


def top(
    table: str,
    label: str,
    value: str,
    where: str = "",
    n: int = 1,
    asc: bool = False,
    group: bool = False,
    rank: int | None = None,
) -> str:
    direction = "ASC" if asc else "DESC"
    cond = f"r = {rank}" if rank else f"r <= {n}"
    inner_where = f" WHERE {where}" if where else ""
    if group:
        return (
            f"SELECT {label}, v FROM (SELECT {label}, {value} AS v, RANK() OVER (ORDER BY {value} "
            f"{direction}) AS r "
            f"FROM {table}{inner_where} GROUP BY {label}) WHERE {cond} ORDER BY r"
        )
    return (
        f"SELECT {label}, v FROM (SELECT {label}, {value} AS v, RANK() OVER (ORDER BY {value} {direction}) "
        "AS r "
        f"FROM {table}{inner_where}) WHERE {cond} ORDER BY r"
    )


def change(table: str, value: str, where: str, y1: int, y2: int) -> str:
    return (
        f"SELECT a, b, b - a, 100.0 * (b - a) / a FROM (SELECT (SELECT {value} FROM {table} WHERE {where} "
        "AND "
        f"year = {y1}) AS a, (SELECT {value} FROM {table} WHERE {where} AND year = {y2}) AS b)"
    )


def rank_of(table: str, label: str, value: str, target: str, where: str = "") -> str:
    inner_where = f" WHERE {where}" if where else ""
    return (
        f"SELECT r FROM (SELECT {label}, RANK() OVER (ORDER BY {value} DESC) AS r FROM {table}{inner_where}) "
        f"WHERE {label} = '{target}'"
    )


POPULATION: list[Spec] = [
    c(
        "sql-pop-lookup-001",
        ["lookup"],
        "What was the registered population of Haeundae-gu in May 2025?",
        f"SELECT total_population FROM {P} WHERE district = '해운대구'",
        unit="total_population",
    ),
    c(
        "sql-pop-lookup-002",
        ["lookup"],
        "2025년 5월 해운대구 주민등록인구는?",
        f"SELECT total_population FROM {P} WHERE district = '해운대구'",
        unit="total_population",
    ),
    c(
        "sql-pop-lookup-003",
        ["lookup"],
        "How many people live in Busanjin?",
        f"SELECT total_population FROM {P} WHERE district = '부산진구'",
        unit="total_population",
    ),
    c(
        "sql-pop-lookup-004",
        ["lookup"],
        "부산진구 인구 알려줘",
        f"SELECT total_population FROM {P} WHERE district = '부산진구'",
        unit="total_population",
    ),
    c(
        "sql-pop-lookup-005",
        ["lookup"],
        "Population of Yeonjae-gu",
        f"SELECT total_population FROM {P} WHERE district = '연제구'",
        unit="total_population",
    ),
    c(
        "sql-pop-lookup-006",
        ["lookup"],
        "연제구의 총인구수는 몇 명인가요?",
        f"SELECT total_population FROM {P} WHERE district = '연제구'",
        unit="total_population",
    ),
    c(
        "sql-pop-lookup-007",
        ["lookup"],
        "How many residents aged 65 or older are there in Yeongdo-gu?",
        f"SELECT age_65_plus FROM {P} WHERE district = '영도구'",
        unit="age_65_plus",
    ),
    c(
        "sql-pop-lookup-008",
        ["lookup"],
        "영도구 65세 이상 인구는 몇 명이야?",
        f"SELECT age_65_plus FROM {P} WHERE district = '영도구'",
        unit="age_65_plus",
    ),
    c(
        "sql-pop-lookup-009",
        ["lookup"],
        "How many children aged 0-14 live in Gangseo-gu?",
        f"SELECT age_0_14 FROM {P} WHERE district = '강서구'",
        unit="age_0_14",
    ),
    c(
        "sql-pop-lookup-010",
        ["lookup"],
        "강서구 유소년 인구는?",
        f"SELECT age_0_14 FROM {P} WHERE district = '강서구'",
        unit="age_0_14",
    ),
    c(
        "sql-pop-share-011",
        ["lookup", "share"],
        "What share of Jung-gu's residents are 65 and over?",
        f"SELECT age_65_plus_share_pct FROM {P} WHERE district = '중구'",
        unit="pct",
    ),
    c(
        "sql-pop-lookup-012",
        ["lookup"],
        "중구의 고령인구 비율은?",
        f"SELECT age_65_plus_share_pct FROM {P} WHERE district = '중구'",
        unit="pct",
    ),
    c(
        "sql-pop-lookup-013",
        ["lookup"],
        "Elderly share in Gijang County",
        f"SELECT age_65_plus_share_pct FROM {P} WHERE district = '기장군'",
        unit="pct",
    ),
    c(
        "sql-pop-lookup-014",
        ["lookup"],
        "기장군 고령화율 알려줘",
        f"SELECT age_65_plus_share_pct FROM {P} WHERE district = '기장군'",
        unit="pct",
    ),
    c(
        "sql-pop-aggregate-015",
        ["aggregate"],
        "What is the total registered population of Busan?",
        f"SELECT SUM(total_population) FROM {P}",
        unit="total_population",
    ),
    c(
        "sql-pop-aggregate-016",
        ["aggregate"],
        "부산 전체 인구는 몇 명인가요?",
        f"SELECT SUM(total_population) FROM {P}",
        unit="total_population",
    ),
    c(
        "sql-pop-aggregate-017",
        ["aggregate"],
        "What is the average population of a district in Busan?",
        f"SELECT AVG(total_population) FROM {P}",
        unit="total_population",
    ),
    c(
        "sql-pop-aggregate-018",
        ["aggregate"],
        "부산 구·군의 평균 인구는?",
        f"SELECT AVG(total_population) FROM {P}",
        unit="total_population",
    ),
    c(
        "sql-pop-aggregate-019",
        ["aggregate"],
        "How many people aged 65+ live in Busan in total?",
        f"SELECT SUM(age_65_plus) FROM {P}",
        unit="age_65_plus",
    ),
    c(
        "sql-pop-aggregate-020",
        ["aggregate"],
        "부산의 65세 이상 고령인구는 모두 몇 명?",
        f"SELECT SUM(age_65_plus) FROM {P}",
        unit="age_65_plus",
    ),
    c(
        "sql-pop-share-021",
        ["share", "aggregate"],
        "What share of Busan's population is aged 65 and over?",
        f"SELECT ROUND(100.0 * SUM(age_65_plus) / SUM(total_population), 2) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-pop-share-022",
        ["share", "aggregate"],
        "부산시 전체 고령인구 비율은?",
        f"SELECT ROUND(100.0 * SUM(age_65_plus) / SUM(total_population), 2) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-pop-topn-023",
        ["topn"],
        "2025년 5월 기준 65세 이상 인구 비율이 가장 높은 구는?",
        top(P, "district", "age_65_plus_share_pct"),
    ),
    c(
        "sql-pop-topn-024",
        ["topn"],
        "Which district has the largest population?",
        top(P, "district", "total_population"),
    ),
    c(
        "sql-pop-topn-025",
        ["topn"],
        "Which district has the fewest residents?",
        top(P, "district", "total_population", asc=True),
    ),
    c(
        "sql-pop-topn-026",
        ["topn"],
        "인구가 가장 적은 구·군은 어디야?",
        top(P, "district", "total_population", asc=True),
    ),
    c(
        "sql-pop-topn-027",
        ["topn"],
        "Top 3 districts by number of seniors",
        top(P, "district", "age_65_plus", n=3),
        ordered=True,
    ),
    c(
        "sql-pop-topn-028",
        ["topn"],
        "고령인구가 많은 상위 5개 구",
        top(P, "district", "age_65_plus", n=5),
        ordered=True,
    ),
    c(
        "sql-pop-topn-029",
        ["topn"],
        "Which district has the lowest share of elderly residents?",
        top(P, "district", "age_65_plus_share_pct", asc=True),
    ),
    c("sql-pop-topn-030", ["topn"], "유소년 인구가 가장 많은 구는?", top(P, "district", "age_0_14")),
    c(
        "sql-pop-rank-031",
        ["rank"],
        "What is the 3rd most populous district?",
        top(P, "district", "total_population", rank=3),
    ),
    c(
        "sql-pop-rank-032",
        ["rank"],
        "인구가 두 번째로 많은 구는?",
        top(P, "district", "total_population", rank=2),
    ),
    c(
        "sql-pop-rank-033",
        ["rank"],
        "Where does Haeundae-gu rank by population among Busan's districts?",
        rank_of(P, "district", "total_population", "해운대구"),
        unit="rank",
    ),
    c(
        "sql-pop-rank-034",
        ["rank"],
        "해운대구는 인구 순위가 몇 위야?",
        rank_of(P, "district", "total_population", "해운대구"),
        unit="rank",
    ),
    c(
        "sql-pop-share-035",
        ["share"],
        "What percentage of Busan's population lives in Haeundae-gu?",
        f"SELECT 100.0 * SUM(total_population) FILTER (WHERE district = '해운대구') / "
        f"SUM(total_population) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-pop-share-036",
        ["share"],
        "부산 전체 인구 중 해운대구가 차지하는 비중은?",
        f"SELECT 100.0 * SUM(total_population) FILTER (WHERE district = '해운대구') / "
        f"SUM(total_population) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-pop-share-037",
        ["share", "groupby"],
        "Share of each district in Busan's total population",
        f"SELECT district, 100.0 * total_population / SUM(total_population) OVER () FROM {P}",
    ),
    c(
        "sql-pop-ratio-038",
        ["ratio", "topn"],
        "Which district is the most densely populated?",
        top(DENSITY, "district", "total_population / land_area_km2"),
    ),
    c(
        "sql-pop-ratio-039",
        ["ratio", "topn"],
        "인구밀도가 가장 높은 구는?",
        top(DENSITY, "district", "total_population / land_area_km2"),
    ),
    c(
        "sql-pop-ratio-040",
        ["ratio", "lookup"],
        "What is the population density of Suyeong-gu?",
        f"SELECT total_population / land_area_km2 FROM {DENSITY} WHERE district = '수영구'",
        unit="density",
    ),
    c(
        "sql-pop-ratio-041",
        ["ratio", "lookup"],
        "수영구의 인구밀도는 km²당 몇 명?",
        f"SELECT total_population / land_area_km2 FROM {DENSITY} WHERE district = '수영구'",
        unit="density",
    ),
    c(
        "sql-pop-ratio-042",
        ["ratio", "aggregate"],
        "Population density of Busan as a whole",
        f"SELECT SUM(total_population) / SUM(land_area_km2) FROM {DENSITY}",
        unit="density",
    ),
    c(
        "sql-pop-ratio-043",
        ["ratio", "topn"],
        "인구밀도가 가장 낮은 구·군 3곳",
        top(DENSITY, "district", "total_population / land_area_km2", n=3, asc=True),
        ordered=True,
    ),
    c(
        "sql-pop-compare-044",
        ["compare"],
        "Compare the population of Haeundae and Suyeong",
        f"SELECT district, total_population FROM {P} WHERE district IN ('해운대구', '수영구')",
    ),
    c(
        "sql-pop-compare-045",
        ["compare"],
        "해운대구와 수영구 인구 비교",
        f"SELECT district, total_population FROM {P} WHERE district IN ('해운대구', '수영구')",
    ),
    c(
        "sql-pop-compare-046",
        ["compare", "topn"],
        "Haeundae vs Busanjin: which has more seniors?",
        top(P, "district", "age_65_plus", where="district IN ('해운대구', '부산진구')"),
    ),
    c(
        "sql-pop-filter-047",
        ["filter"],
        "Which districts have more than 300,000 residents?",
        f"SELECT district, total_population FROM {P} WHERE total_population > 300000",
    ),
    c(
        "sql-pop-filter-048",
        ["filter"],
        "인구가 30만 명 이상인 구는?",
        f"SELECT district, total_population FROM {P} WHERE total_population >= 300000",
    ),
    c(
        "sql-pop-count-049",
        ["filter", "count"],
        "How many districts have an elderly share above 30%?",
        f"SELECT COUNT(*) FROM {P} WHERE age_65_plus_share_pct > 30",
    ),
    c(
        "sql-pop-count-050",
        ["filter", "count"],
        "고령인구 비율이 25% 이상인 구는 몇 개야?",
        f"SELECT COUNT(*) FROM {P} WHERE age_65_plus_share_pct >= 25",
    ),
    c(
        "sql-pop-groupby-051",
        ["groupby"],
        "Population by district",
        f"SELECT district, total_population FROM {P}",
    ),
    c("sql-pop-groupby-052", ["groupby"], "구별 65세 이상 인구", f"SELECT district, age_65_plus FROM {P}"),
    c("sql-pop-unmappable-053", ["unmappable"], "What was the population of Gangnam-gu in May 2025?"),
    c("sql-pop-unmappable-054", ["unmappable"], "2030년 해운대구 인구는?"),
    c("sql-pop-unmappable-055", ["unmappable"], "What was Haeundae-gu's population in 2019?"),
]

LAND: list[Spec] = [
    c(
        "sql-land-lookup-001",
        ["lookup"],
        "What is the land area of Gijang-gun?",
        f"SELECT land_area_km2 FROM {L} WHERE district = '기장군'",
        unit="km2",
    ),
    c(
        "sql-land-lookup-002",
        ["lookup"],
        "기장군 면적은 몇 km²야?",
        f"SELECT land_area_km2 FROM {L} WHERE district = '기장군'",
        unit="km2",
    ),
    c(
        "sql-land-topn-003",
        ["topn"],
        "Which district has the largest land area?",
        top(L, "district", "land_area_km2"),
    ),
    c("sql-land-topn-004", ["topn"], "면적이 가장 좁은 구는?", top(L, "district", "land_area_km2", asc=True)),
    c(
        "sql-land-lookup-005",
        ["lookup"],
        "How many administrative dongs does Busanjin-gu have?",
        f"SELECT admin_dong_count FROM {L} WHERE district = '부산진구'",
        unit="dongs",
    ),
    c(
        "sql-land-lookup-006",
        ["lookup"],
        "부산진구의 행정동 수는?",
        f"SELECT admin_dong_count FROM {L} WHERE district = '부산진구'",
        unit="dongs",
    ),
    c(
        "sql-land-aggregate-007",
        ["aggregate"],
        "Total land area of Busan",
        f"SELECT SUM(land_area_km2) FROM {L}",
        unit="km2",
    ),
    c(
        "sql-land-aggregate-008",
        ["aggregate"],
        "부산 16개 구·군의 행정동은 모두 몇 개?",
        f"SELECT SUM(admin_dong_count) FROM {L}",
        unit="dongs",
    ),
    c(
        "sql-land-lookup-009",
        ["lookup"],
        "What was the population of Haeundae-gu at the end of 2023?",
        f"SELECT population_2023 FROM {L} WHERE district = '해운대구'",
        unit="total_population",
    ),
    c(
        "sql-land-lookup-010",
        ["lookup"],
        "2023년 말 기준 사하구 인구는?",
        f"SELECT population_2023 FROM {L} WHERE district = '사하구'",
        unit="total_population",
    ),
]

AIR: list[Spec] = [
    c(
        "sql-air-lookup-001",
        ["lookup"],
        "2021년 사상구 초미세먼지 농도는?",
        f"SELECT pm25_ugm3 FROM {A} WHERE district = '사상구' AND year = 2021",
        unit="pm25",
    ),
    c(
        "sql-air-lookup-002",
        ["lookup"],
        "What was the PM2.5 level in Sasang-gu in 2021?",
        f"SELECT pm25_ugm3 FROM {A} WHERE district = '사상구' AND year = 2021",
        unit="pm25",
    ),
    c(
        "sql-air-lookup-003",
        ["lookup"],
        "Fine dust (PM2.5) in Haeundae in 2019",
        f"SELECT pm25_ugm3 FROM {A} WHERE district = '해운대구' AND year = 2019",
        unit="pm25",
    ),
    c(
        "sql-air-lookup-004",
        ["lookup"],
        "2015년 해운대 미세먼지(PM10) 농도",
        f"SELECT pm10_ugm3 FROM {A} WHERE district = '해운대구' AND year = 2015",
        unit="pm10",
    ),
    c(
        "sql-air-lookup-005",
        ["lookup"],
        "PM10 concentration in Dongnae-gu in 2010",
        f"SELECT pm10_ugm3 FROM {A} WHERE district = '동래구' AND year = 2010",
        unit="pm10",
    ),
    c(
        "sql-air-aggregate-006",
        ["aggregate"],
        "2020년 부산 평균 초미세먼지 농도는?",
        f"SELECT AVG(pm25_ugm3) FROM {A} WHERE year = 2020",
        unit="pm25",
    ),
    c(
        "sql-air-aggregate-007",
        ["aggregate"],
        "What was Busan's average PM2.5 in 2020?",
        f"SELECT AVG(pm25_ugm3) FROM {A} WHERE year = 2020",
        unit="pm25",
    ),
    c(
        "sql-air-topn-008",
        ["topn"],
        "Which district had the highest PM10 in 2021?",
        top(A, "district", "pm10_ugm3", where="year = 2021"),
    ),
    c(
        "sql-air-topn-009",
        ["topn"],
        "2018년 미세먼지가 가장 낮은 구는?",
        top(A, "district", "pm10_ugm3", where="year = 2018", asc=True),
    ),
    c(
        "sql-air-topn-010",
        ["topn"],
        "Top 3 districts with the worst fine dust in 2019",
        top(A, "district", "pm25_ugm3", where="year = 2019", n=3),
        ordered=True,
    ),
    c(
        "sql-air-topn-011",
        ["topn"],
        "2021년 초미세먼지 농도 상위 3개 구",
        top(A, "district", "pm25_ugm3", where="year = 2021", n=3),
        ordered=True,
    ),
    c(
        "sql-air-trend-012",
        ["trend", "range"],
        "PM2.5 trend in Busan since 2015",
        f"SELECT year, AVG(pm25_ugm3) FROM {A} WHERE year >= 2015 GROUP BY year ORDER BY year",
        ordered=True,
    ),
    c(
        "sql-air-trend-013",
        ["trend", "range"],
        "2015년 이후 부산 초미세먼지 연도별 추이",
        f"SELECT year, AVG(pm25_ugm3) FROM {A} WHERE year >= 2015 GROUP BY year ORDER BY year",
        ordered=True,
    ),
    c(
        "sql-air-change-014",
        ["change", "range"],
        "How has PM10 in Saha-gu changed between 2005 and 2020?",
        change(A, "pm10_ugm3", "district = '사하구'", 2005, 2020),
    ),
    c(
        "sql-air-change-015",
        ["change", "range"],
        "사하구 미세먼지는 2005년부터 2020년까지 얼마나 변했어?",
        change(A, "pm10_ugm3", "district = '사하구'", 2005, 2020),
    ),
    c(
        "sql-air-trend-016",
        ["trend", "range"],
        "Show yearly PM10 for Haeundae-gu from 2015 to 2021",
        f"SELECT year, pm10_ugm3 FROM {A} WHERE district = '해운대구' AND year BETWEEN 2015 AND 2021 ORDER "
        "BY year",
        ordered=True,
    ),
    c(
        "sql-air-trend-017",
        ["trend", "range"],
        "최근 5년 해운대구 초미세먼지 추이",
        f"SELECT year, pm25_ugm3 FROM {A} WHERE district = '해운대구' AND year > (SELECT MAX(year) - 5 "
        f"FROM {A}) "
        f"ORDER BY year",
        ordered=True,
    ),
    c(
        "sql-air-aggregate-018",
        ["aggregate", "range"],
        "Average PM10 in Busan over the last 3 years",
        f"SELECT AVG(pm10_ugm3) FROM {A} WHERE year > (SELECT MAX(year) - 3 FROM {A})",
        unit="pm10",
    ),
    c(
        "sql-air-groupby-019",
        ["groupby"],
        "2010년 구별 미세먼지 농도",
        f"SELECT district, pm10_ugm3 FROM {A} WHERE year = 2010",
    ),
    c(
        "sql-air-compare-020",
        ["compare"],
        "Compare PM2.5 in Haeundae-gu and Sasang-gu in 2020",
        f"SELECT district, pm25_ugm3 FROM {A} WHERE year = 2020 AND district IN ('해운대구', '사상구')",
    ),
    c(
        "sql-air-compare-021",
        ["compare"],
        "2021년 수영구와 연제구 초미세먼지 비교",
        f"SELECT district, pm25_ugm3 FROM {A} WHERE year = 2021 AND district IN ('수영구', '연제구')",
    ),
    c(
        "sql-air-lookup-022",
        ["lookup"],
        "NO2 level in Busanjin-gu in 2021",
        f"SELECT no2_ppm FROM {A} WHERE district = '부산진구' AND year = 2021",
        unit="ppm",
    ),
    c(
        "sql-air-aggregate-023",
        ["aggregate"],
        "2020년 부산 평균 오존 농도",
        f"SELECT AVG(o3_ppm) FROM {A} WHERE year = 2020",
        unit="ppm",
    ),
    c(
        "sql-air-topn-024",
        ["topn"],
        "In which year was PM10 in Busan highest?",
        top(A, "year", "AVG(pm10_ugm3)", group=True),
    ),
    c(
        "sql-air-topn-025",
        ["topn"],
        "해운대구 미세먼지가 가장 높았던 해는?",
        top(A, "year", "pm10_ugm3", where="district = '해운대구'"),
    ),
    c(
        "sql-air-lookup-026",
        ["lookup"],
        "What was the average temperature in Gijang-gun in 2020?",
        f"SELECT avg_temp_c FROM {A} WHERE district = '기장군' AND year = 2020",
        unit="c",
    ),
    c(
        "sql-air-topn-027",
        ["topn"],
        "2019년 부산에서 강수량이 가장 많은 구는?",
        top(A, "district", "precipitation_mm", where="year = 2019"),
    ),
    c("sql-air-unmappable-028", ["unmappable"], "What was the PM2.5 level in Haeundae in 2030?"),
    c("sql-air-unmappable-029", ["unmappable"], "2023년 사하구 미세먼지 농도는?"),
    c("sql-air-unmappable-030", ["unmappable"], "PM2.5 in Seocho-gu in 2020"),
    c(
        "sql-air-rank-031",
        ["rank"],
        "Where did Sasang-gu rank for PM2.5 among Busan districts in 2021?",
        rank_of(A, "district", "pm25_ugm3", "사상구", "year = 2021"),
        unit="rank",
    ),
    c(
        "sql-air-rank-032",
        ["rank"],
        "2021년 초미세먼지 농도가 세 번째로 높은 구는?",
        top(A, "district", "pm25_ugm3", where="year = 2021", rank=3),
    ),
    c(
        "sql-air-compare-033",
        ["compare"],
        "PM10 in Yeonjae-gu: 2011 vs 2021",
        f"SELECT year, pm10_ugm3 FROM {A} WHERE district = '연제구' AND year IN (2011, 2021)",
    ),
    c(
        "sql-air-change-034",
        ["change", "topn"],
        "Which district's PM10 fell the most between 2011 and 2021?",
        f"SELECT district, b - a FROM (SELECT district, MAX(pm10_ugm3) FILTER (WHERE year = 2011) AS a, "
        f"MAX(pm10_ugm3) FILTER (WHERE year = 2021) AS b FROM {A} GROUP BY district) "
        f"QUALIFY RANK() OVER (ORDER BY b - a) = 1",
    ),
    c(
        "sql-air-change-035",
        ["change", "topn"],
        "2011년부터 2021년까지 미세먼지가 가장 많이 줄어든 구는?",
        f"SELECT district, b - a FROM (SELECT district, MAX(pm10_ugm3) FILTER (WHERE year = 2011) AS a, "
        f"MAX(pm10_ugm3) FILTER (WHERE year = 2021) AS b FROM {A} GROUP BY district) "
        f"QUALIFY RANK() OVER (ORDER BY b - a) = 1",
    ),
    c(
        "sql-air-lookup-036",
        ["lookup"],
        "2020년 금정구 이산화질소 농도",
        f"SELECT no2_ppm FROM {A} WHERE district = '금정구' AND year = 2020",
        unit="ppm",
    ),
]

PORTS: list[Spec] = [
    c(
        "sql-port-change-001",
        ["change", "range"],
        "How did Busan port's container throughput change between 2011 and 2019?",
        change(T, "teu_million", "port = 'Busan'", 2011, 2019),
    ),
    c(
        "sql-port-change-002",
        ["change", "range"],
        "부산항 컨테이너 물동량은 2011년부터 2019년까지 얼마나 늘었나?",
        change(T, "teu_million", "port = 'Busan'", 2011, 2019),
    ),
    c(
        "sql-port-lookup-003",
        ["lookup"],
        "What was Busan's container throughput in 2019?",
        f"SELECT teu_million FROM {T} WHERE port = 'Busan' AND year = 2019",
        unit="teu",
    ),
    c(
        "sql-port-lookup-004",
        ["lookup"],
        "2015년 부산항 물동량은?",
        f"SELECT teu_million FROM {T} WHERE port = 'Busan' AND year = 2015",
        unit="teu",
    ),
    c(
        "sql-port-lookup-005",
        ["lookup"],
        "How many TEU did Incheon handle in 2018?",
        f"SELECT teu_million FROM {T} WHERE port = 'Incheon' AND year = 2018",
        unit="teu",
    ),
    c(
        "sql-port-lookup-006",
        ["lookup"],
        "2018년 인천항 컨테이너 처리량",
        f"SELECT teu_million FROM {T} WHERE port = 'Incheon' AND year = 2018",
        unit="teu",
    ),
    c(
        "sql-port-topn-007",
        ["topn"],
        "Which port handled the most containers in 2019?",
        top(T, "port", "teu_million", where="year = 2019"),
    ),
    c(
        "sql-port-topn-008",
        ["topn"],
        "2019년 물동량이 가장 많은 항만은?",
        top(T, "port", "teu_million", where="year = 2019"),
    ),
    c(
        "sql-port-topn-009",
        ["topn"],
        "Top 5 container ports in 2015",
        top(T, "port", "teu_million", where="year = 2015", n=5),
        ordered=True,
    ),
    c(
        "sql-port-topn-010",
        ["topn"],
        "2017년 세계 컨테이너 물동량 상위 10개 항만",
        top(T, "port", "teu_million", where="year = 2017", n=10),
        ordered=True,
    ),
    c(
        "sql-port-trend-011",
        ["trend", "range"],
        "Busan port throughput trend 2011-2019",
        f"SELECT year, teu_million FROM {T} WHERE port = 'Busan' AND year BETWEEN 2011 AND 2019 ORDER BY "
        "year",
        ordered=True,
    ),
    c(
        "sql-port-trend-012",
        ["trend"],
        "부산항 연도별 물동량 추이",
        f"SELECT year, teu_million FROM {T} WHERE port = 'Busan' ORDER BY year",
        ordered=True,
    ),
    c(
        "sql-port-compare-013",
        ["compare"],
        "Compare Busan and Shanghai container throughput in 2019",
        f"SELECT port, teu_million FROM {T} WHERE year = 2019 AND port IN ('Busan', 'Shanghai')",
    ),
    c(
        "sql-port-compare-014",
        ["compare"],
        "2019년 부산항과 싱가포르항 물동량 비교",
        f"SELECT port, teu_million FROM {T} WHERE year = 2019 AND port IN ('Busan', 'Singapore')",
    ),
    c(
        "sql-port-rank-015",
        ["rank"],
        "What rank was Busan among world container ports in 2019?",
        rank_of(T, "port", "teu_million", "Busan", "year = 2019"),
        unit="rank",
    ),
    c(
        "sql-port-rank-016",
        ["rank"],
        "2019년 부산항은 물동량 기준 세계 몇 위?",
        rank_of(T, "port", "teu_million", "Busan", "year = 2019"),
        unit="rank",
    ),
    c(
        "sql-port-share-017",
        ["share"],
        "What was Busan's share of the total throughput of all listed ports in 2019?",
        f"SELECT 100.0 * SUM(teu_million) FILTER (WHERE port = 'Busan') / SUM(teu_million) FROM {T} WHERE "
        "year = 2019",
        unit="pct",
    ),
    c(
        "sql-port-share-018",
        ["share"],
        "2019년 전체 항만 물동량 중 부산항 비중은?",
        f"SELECT 100.0 * SUM(teu_million) FILTER (WHERE port = 'Busan') / SUM(teu_million) FROM {T} WHERE "
        "year = 2019",
        unit="pct",
    ),
    c(
        "sql-port-aggregate-019",
        ["aggregate", "range"],
        "Total container throughput of Busan from 2011 to 2019",
        f"SELECT SUM(teu_million) FROM {T} WHERE port = 'Busan' AND year BETWEEN 2011 AND 2019",
        unit="teu",
    ),
    c(
        "sql-port-aggregate-020",
        ["aggregate", "range"],
        "2011~2019년 부산항 물동량 합계",
        f"SELECT SUM(teu_million) FROM {T} WHERE port = 'Busan' AND year BETWEEN 2011 AND 2019",
        unit="teu",
    ),
    c(
        "sql-port-topn-021",
        ["topn"],
        "부산항 물동량이 가장 많았던 해는?",
        top(T, "year", "teu_million", where="port = 'Busan'"),
    ),
    c(
        "sql-port-topn-022",
        ["topn"],
        "Which year did Incheon port handle the fewest TEU?",
        top(T, "year", "teu_million", where="port = 'Incheon'", asc=True),
    ),
    c("sql-port-unmappable-023", ["unmappable"], "What was Busan port's container throughput in 2022?"),
    c("sql-port-unmappable-024", ["unmappable"], "2025년 부산항 물동량은?"),
    c(
        "sql-port-change-025",
        ["change", "range"],
        "By what percentage did Shanghai's throughput grow from 2011 to 2019?",
        change(T, "teu_million", "port = 'Shanghai'", 2011, 2019),
    ),
    c(
        "sql-port-compare-026",
        ["compare"],
        "2018년 부산항과 인천항의 컨테이너 물동량은?",
        f"SELECT port, teu_million FROM {T} WHERE year = 2018 AND port IN ('Busan', 'Incheon')",
    ),
]

ACCIDENTS: list[Spec] = [
    c(
        "sql-acc-topn-001",
        ["topn", "count"],
        "Which district had the most fatal traffic accidents in 2020?",
        top(X, "district", "COUNT(*)", group=True),
    ),
    c(
        "sql-acc-topn-002",
        ["topn", "count"],
        "2020년 교통사망사고가 가장 많은 구는?",
        top(X, "district", "COUNT(*)", group=True),
    ),
    c(
        "sql-acc-count-003",
        ["count"],
        "How many fatal traffic accidents were there in Busan in 2020?",
        f"SELECT COUNT(*) FROM {X}",
        unit="accidents",
    ),
    c(
        "sql-acc-count-004",
        ["count"],
        "2020년 부산 교통사망사고 건수는?",
        f"SELECT COUNT(*) FROM {X}",
        unit="accidents",
    ),
    c(
        "sql-acc-count-005",
        ["count", "filter"],
        "How many fatal accidents happened at night?",
        f"SELECT COUNT(*) FROM {X} WHERE day_night = '야'",
        unit="accidents",
    ),
    c(
        "sql-acc-count-006",
        ["count", "filter"],
        "야간에 발생한 사망사고는 몇 건?",
        f"SELECT COUNT(*) FROM {X} WHERE day_night = '야'",
        unit="accidents",
    ),
    c(
        "sql-acc-groupby-007",
        ["count", "groupby"],
        "Fatal accidents by district in 2020",
        f"SELECT district, COUNT(*) FROM {X} GROUP BY district",
    ),
    c(
        "sql-acc-groupby-008",
        ["count", "groupby"],
        "구별 교통사망사고 건수",
        f"SELECT district, COUNT(*) FROM {X} GROUP BY district",
    ),
    c(
        "sql-acc-groupby-009",
        ["count", "groupby"],
        "Number of fatal accidents by accident type",
        f"SELECT accident_type_major, COUNT(*) FROM {X} GROUP BY accident_type_major",
    ),
    c(
        "sql-acc-groupby-010",
        ["count", "groupby"],
        "사고유형별 사망사고 건수",
        f"SELECT accident_type_major, COUNT(*) FROM {X} GROUP BY accident_type_major",
    ),
    c(
        "sql-acc-aggregate-011",
        ["aggregate", "filter"],
        "How many people were killed in traffic accidents in Haeundae-gu in 2020?",
        f"SELECT SUM(deaths) FROM {X} WHERE district = '해운대구'",
        unit="deaths",
    ),
    c(
        "sql-acc-aggregate-012",
        ["aggregate", "filter"],
        "해운대구 교통사고 사망자 수는?",
        f"SELECT SUM(deaths) FROM {X} WHERE district = '해운대구'",
        unit="deaths",
    ),
    c(
        "sql-acc-count-013",
        ["count", "filter"],
        "How many fatal accidents involved pedestrians in Busan?",
        f"SELECT COUNT(*) FROM {X} WHERE victim_vehicle = '보행자'",
        unit="accidents",
    ),
    c(
        "sql-acc-count-014",
        ["count", "filter"],
        "보행자 사망사고는 몇 건이야?",
        f"SELECT COUNT(*) FROM {X} WHERE victim_vehicle = '보행자'",
        unit="accidents",
    ),
    c(
        "sql-acc-topn-015",
        ["topn", "count"],
        "Which month had the most fatal accidents in Busan?",
        top(X, "month", "COUNT(*)", group=True),
    ),
    c(
        "sql-acc-topn-016",
        ["topn", "count"],
        "사망사고가 가장 많이 발생한 요일은?",
        top(X, "weekday", "COUNT(*)", group=True),
    ),
    c(
        "sql-acc-share-017",
        ["share", "count"],
        "What share of fatal accidents happened at night?",
        f"SELECT 100.0 * COUNT(*) FILTER (WHERE day_night = '야') / COUNT(*) FROM {X}",
        unit="pct",
    ),
    c(
        "sql-acc-share-018",
        ["share", "count"],
        "전체 사망사고 중 야간 사고 비율은?",
        f"SELECT 100.0 * COUNT(*) FILTER (WHERE day_night = '야') / COUNT(*) FROM {X}",
        unit="pct",
    ),
    c(
        "sql-acc-count-019",
        ["count", "filter"],
        "How many fatal accidents were caused by speeding?",
        f"SELECT COUNT(*) FROM {X} WHERE violation = '과속'",
        unit="accidents",
    ),
    c(
        "sql-acc-count-020",
        ["count", "filter"],
        "신호위반으로 인한 사망사고 건수",
        f"SELECT COUNT(*) FROM {X} WHERE violation = '신호위반'",
        unit="accidents",
    ),
    c(
        "sql-acc-compare-021",
        ["compare", "count"],
        "Fatal accidents in Sasang-gu vs Buk-gu",
        f"SELECT district, COUNT(*) FROM {X} WHERE district IN ('사상구', '북구') GROUP BY district",
    ),
    c(
        "sql-acc-compare-022",
        ["compare", "count"],
        "사하구와 사상구의 사망사고 건수 비교",
        f"SELECT district, COUNT(*) FROM {X} WHERE district IN ('사하구', '사상구') GROUP BY district",
    ),
    c(
        "sql-acc-count-023",
        ["count", "filter"],
        "How many fatal accidents happened in Haeundae at night?",
        f"SELECT COUNT(*) FROM {X} WHERE district = '해운대구' AND day_night = '야'",
        unit="accidents",
    ),
    c(
        "sql-acc-count-024",
        ["count", "filter"],
        "2020년 3월 부산 사망사고 건수",
        f"SELECT COUNT(*) FROM {X} WHERE month = 3",
        unit="accidents",
    ),
    c(
        "sql-acc-groupby-025",
        ["count", "groupby"],
        "Fatal accidents by month in 2020",
        f"SELECT month, COUNT(*) FROM {X} GROUP BY month",
    ),
    c("sql-acc-unmappable-026", ["unmappable"], "How many fatal accidents were there in Seoul in 2020?"),
    c("sql-acc-unmappable-027", ["unmappable"], "2019년 부산 교통사망사고 건수는?"),
    c(
        "sql-acc-topn-028",
        ["topn", "count", "filter"],
        "Which district had the most fatal accidents involving motorcycles?",
        top(X, "district", "COUNT(*)", where="offender_vehicle = '이륜차'", group=True),
    ),
    c(
        "sql-acc-count-029",
        ["count", "filter"],
        "교차로 안에서 난 사망사고는 몇 건이야?",
        f"SELECT COUNT(*) FROM {X} WHERE road_type = '교차로내'",
        unit="accidents",
    ),
]

BIRTHS: list[Spec] = [
    c(
        "sql-birth-lookup-001",
        ["lookup"],
        "How many babies were born in Busan in 2021?",
        f"SELECT births FROM {B} WHERE province = '부산광역시' AND year = 2021",
        unit="births",
    ),
    c(
        "sql-birth-lookup-002",
        ["lookup"],
        "2021년 부산 출생아 수는?",
        f"SELECT births FROM {B} WHERE province = '부산광역시' AND year = 2021",
        unit="births",
    ),
    c(
        "sql-birth-lookup-003",
        ["lookup"],
        "What was Busan's total fertility rate in 2022?",
        f"SELECT total_fertility_rate FROM {B} WHERE province = '부산광역시' AND year = 2022",
        unit="tfr",
    ),
    c(
        "sql-birth-lookup-004",
        ["lookup"],
        "2020년 부산 합계출산율",
        f"SELECT total_fertility_rate FROM {B} WHERE province = '부산광역시' AND year = 2020",
        unit="tfr",
    ),
    c(
        "sql-birth-topn-005",
        ["topn"],
        "Which province had the highest TFR in 2021?",
        top(B, "province", "total_fertility_rate", where="year = 2021"),
    ),
    c(
        "sql-birth-topn-006",
        ["topn"],
        "2021년 합계출산율이 가장 낮은 시도는?",
        top(B, "province", "total_fertility_rate", where="year = 2021", asc=True),
    ),
    c(
        "sql-birth-trend-007",
        ["trend", "range"],
        "Busan's fertility rate trend since 2010",
        f"SELECT year, total_fertility_rate FROM {B} WHERE province = '부산광역시' AND year >= 2010 ORDER "
        "BY year",
        ordered=True,
    ),
    c(
        "sql-birth-trend-008",
        ["trend", "range"],
        "2010년 이후 부산 합계출산율 추이",
        f"SELECT year, total_fertility_rate FROM {B} WHERE province = '부산광역시' AND year >= 2010 ORDER "
        "BY year",
        ordered=True,
    ),
    c(
        "sql-birth-change-009",
        ["change", "range"],
        "How did births in Busan change between 2000 and 2020?",
        change(B, "births", "province = '부산광역시'", 2000, 2020),
    ),
    c(
        "sql-birth-change-010",
        ["change", "range"],
        "부산의 출생아 수는 2012년부터 2022년까지 얼마나 줄었어?",
        change(B, "births", "province = '부산광역시'", 2012, 2022),
    ),
    c(
        "sql-birth-aggregate-011",
        ["aggregate"],
        "How many births were there in Korea in 2020 in total?",
        f"SELECT SUM(births) FROM {B} WHERE year = 2020",
        unit="births",
    ),
    c(
        "sql-birth-aggregate-012",
        ["aggregate"],
        "2020년 전국 출생아 수 합계",
        f"SELECT SUM(births) FROM {B} WHERE year = 2020",
        unit="births",
    ),
    c(
        "sql-birth-compare-013",
        ["compare"],
        "Compare births in Busan and Seoul in 2021",
        f"SELECT province, births FROM {B} WHERE year = 2021 AND province IN ('부산광역시', '서울특별시')",
    ),
    c(
        "sql-birth-compare-014",
        ["compare"],
        "2021년 부산과 대구의 혼인 건수 비교",
        f"SELECT province, marriages FROM {B} WHERE year = 2021 AND province IN ('부산광역시', '대구광역시')",
    ),
    c(
        "sql-birth-lookup-015",
        ["lookup"],
        "How many marriages were registered in Busan in 2019?",
        f"SELECT marriages FROM {B} WHERE province = '부산광역시' AND year = 2019",
        unit="marriages",
    ),
    c(
        "sql-birth-lookup-016",
        ["lookup"],
        "2019년 부산 이혼 건수는?",
        f"SELECT divorces FROM {B} WHERE province = '부산광역시' AND year = 2019",
        unit="divorces",
    ),
    c(
        "sql-birth-lookup-017",
        ["lookup"],
        "What was Busan's natural increase in 2021?",
        f"SELECT natural_increase FROM {B} WHERE province = '부산광역시' AND year = 2021",
        unit="natural_increase",
    ),
    c(
        "sql-birth-lookup-018",
        ["lookup"],
        "2020년 부산의 사망자 수는?",
        f"SELECT deaths FROM {B} WHERE province = '부산광역시' AND year = 2020",
        unit="deaths",
    ),
    c(
        "sql-birth-topn-019",
        ["topn"],
        "Top 3 provinces by number of births in 2022",
        top(B, "province", "births", where="year = 2022", n=3),
        ordered=True,
    ),
    c(
        "sql-birth-topn-020",
        ["topn"],
        "2022년 출생아 수 상위 3개 시도",
        top(B, "province", "births", where="year = 2022", n=3),
        ordered=True,
    ),
    c(
        "sql-birth-share-021",
        ["share"],
        "What share of the country's births in 2021 were in Busan?",
        f"SELECT 100.0 * SUM(births) FILTER (WHERE province = '부산광역시') / SUM(births) FROM {B} WHERE "
        "year = 2021",
        unit="pct",
    ),
    c(
        "sql-birth-lookup-022",
        ["lookup"],
        "2021년 경기도 출생아 수",
        f"SELECT births FROM {B} WHERE province = '경기도' AND year = 2021",
        unit="births",
    ),
    c(
        "sql-birth-rank-023",
        ["rank"],
        "Where did Busan rank in births among provinces in 2021?",
        rank_of(B, "province", "births", "부산광역시", "year = 2021"),
        unit="rank",
    ),
    c("sql-birth-unmappable-024", ["unmappable"], "2023년 부산 출생아 수는?"),
    c("sql-birth-unmappable-025", ["unmappable"], "What was Busan's GDP in 2020?"),
    c("sql-birth-unmappable-026", ["unmappable"], "해운대구 합계출산율은?"),
    c("sql-birth-unmappable-027", ["unmappable"], "How many babies were born in Busan in 1985?"),
    c(
        "sql-birth-lookup-028",
        ["lookup"],
        "부산 조출생률 2015년",
        f"SELECT crude_birth_rate FROM {B} WHERE province = '부산광역시' AND year = 2015",
        unit="‰",
    ),
]

FOLLOWUPS: list[Spec] = [
    c(
        "sql-followup-001",
        ["followup", "lookup"],
        "What about Suyeong-gu?",
        f"SELECT total_population FROM {P} WHERE district = '수영구'",
        unit="total_population",
        conv=["What was the registered population of Haeundae-gu in May 2025?"],
    ),
    c(
        "sql-followup-002",
        ["followup", "lookup"],
        "그럼 수영구는?",
        f"SELECT total_population FROM {P} WHERE district = '수영구'",
        unit="total_population",
        conv=["해운대구 인구는?"],
    ),
    c(
        "sql-followup-003",
        ["followup", "lookup"],
        "And in 2019?",
        f"SELECT teu_million FROM {T} WHERE port = 'Busan' AND year = 2019",
        unit="teu",
        conv=["What was Busan port's container throughput in 2015?"],
    ),
    c(
        "sql-followup-004",
        ["followup", "lookup"],
        "2019년은?",
        f"SELECT pm25_ugm3 FROM {A} WHERE district = '사상구' AND year = 2019",
        unit="pm25",
        conv=["2021년 사상구 초미세먼지 농도는?"],
    ),
    c(
        "sql-followup-005",
        ["followup", "topn"],
        "And the lowest?",
        top(A, "district", "pm10_ugm3", where="year = 2021", asc=True),
        conv=["Which district had the highest PM10 in 2021?"],
    ),
    c(
        "sql-followup-006",
        ["followup", "lookup"],
        "서울은?",
        f"SELECT total_fertility_rate FROM {B} WHERE province = '서울특별시' AND year = 2019",
        unit="tfr",
        conv=["2019년 부산 합계출산율은?"],
    ),
    c(
        "sql-followup-007",
        ["followup", "count"],
        "And during the day?",
        f"SELECT COUNT(*) FROM {X} WHERE day_night = '주'",
        unit="accidents",
        conv=["How many fatal accidents happened at night?"],
    ),
    c(
        "sql-followup-008",
        ["followup", "ratio"],
        "What about Jung-gu?",
        f"SELECT total_population / land_area_km2 FROM {DENSITY} WHERE district = '중구'",
        unit="density",
        conv=["Population density of Haeundae-gu"],
    ),
    c(
        "sql-followup-009",
        ["followup", "lookup"],
        "초미세먼지는?",
        f"SELECT pm25_ugm3 FROM {A} WHERE district = '해운대구' AND year = 2020",
        unit="pm25",
        conv=["2020년 해운대구 미세먼지 농도"],
    ),
    c(
        "sql-followup-010",
        ["followup", "lookup"],
        "What about Haeundae?",
        f"SELECT pm25_ugm3 FROM {A} WHERE district = '해운대구' AND year = 2019",
        unit="pm25",
        conv=["What was the PM2.5 level in Sasang-gu in 2021?", "And in 2019?"],
    ),
    c(
        "sql-followup-011",
        ["followup", "change"],
        "인천항은?",
        change(T, "teu_million", "port = 'Incheon'", 2011, 2019),
        conv=["부산항 물동량 2011년부터 2019년까지 변화"],
    ),
    c(
        "sql-followup-012",
        ["followup", "topn"],
        "And the elderly population?",
        top(P, "district", "age_65_plus"),
        conv=["Which district has the largest population?"],
    ),
    c(
        "sql-followup-013",
        ["followup", "count"],
        "해운대구는?",
        f"SELECT COUNT(*) FROM {X} WHERE district = '해운대구'",
        unit="accidents",
        conv=["2020년 부산 교통사망사고 건수는?"],
    ),
    c(
        "sql-followup-014",
        ["followup", "unmappable"],
        "그럼 2030년은?",
        conv=["2021년 해운대구 초미세먼지 농도는?"],
    ),
]

CASES: list[Spec] = [*POPULATION, *LAND, *AIR, *PORTS, *ACCIDENTS, *BIRTHS, *FOLLOWUPS]

# Fresh paraphrases written after the parser reached its target, scored separately before any fix.
FRESH_CASES: list[Spec] = [
    c(
        "sql-fresh-001",
        ["lookup"],
        "Tell me how many residents Dongnae-gu had in May 2025",
        f"SELECT total_population FROM {P} WHERE district = '동래구'",
        unit="total_population",
    ),
    c(
        "sql-fresh-002",
        ["lookup"],
        "금정구에 사는 사람은 몇 명이에요?",
        f"SELECT total_population FROM {P} WHERE district = '금정구'",
        unit="total_population",
    ),
    c(
        "sql-fresh-003",
        ["topn"],
        "Which gu has the most working-age people?",
        top(P, "district", "age_15_64"),
    ),
    c(
        "sql-fresh-004",
        ["topn"],
        "노인 인구 비율이 제일 낮은 곳은?",
        top(P, "district", "age_65_plus_share_pct", asc=True),
    ),
    c(
        "sql-fresh-005",
        ["lookup"],
        "What was the ozone level in Nam-gu in 2018?",
        f"SELECT o3_ppm FROM {A} WHERE district = '남구' AND year = 2018",
        unit="ppm",
    ),
    c(
        "sql-fresh-006",
        ["trend", "range"],
        "기장군 PM2.5 2016년~2020년 변화 추이",
        f"SELECT year, pm25_ugm3 FROM {A} WHERE district = '기장군' AND year BETWEEN 2016 AND 2020 ORDER "
        "BY year",
        ordered=True,
    ),
    c(
        "sql-fresh-007",
        ["topn"],
        "Where in Busan was fine dust worst in 2017?",
        top(A, "district", "pm25_ugm3", where="year = 2017"),
    ),
    c(
        "sql-fresh-008",
        ["aggregate"],
        "부산 구들의 2012년 평균 미세먼지는 얼마였나요?",
        f"SELECT AVG(pm10_ugm3) FROM {A} WHERE year = 2012",
        unit="pm10",
    ),
    c(
        "sql-fresh-009",
        ["lookup"],
        "Port of Busan TEU volume in 2013?",
        f"SELECT teu_million FROM {T} WHERE port = 'Busan' AND year = 2013",
        unit="teu",
    ),
    c(
        "sql-fresh-010",
        ["compare"],
        "2016년 상하이항과 부산항 처리량 비교해줘",
        f"SELECT port, teu_million FROM {T} WHERE year = 2016 AND port IN ('Shanghai', 'Busan')",
    ),
    c(
        "sql-fresh-011",
        ["count", "filter"],
        "How many deadly crashes happened on Fridays in Busan?",
        f"SELECT COUNT(*) FROM {X} WHERE weekday = '금'",
        unit="accidents",
    ),
    c(
        "sql-fresh-012",
        ["count", "groupby"],
        "요일별 사망사고 발생 건수를 보여줘",
        f"SELECT weekday, COUNT(*) FROM {X} GROUP BY weekday",
    ),
    c(
        "sql-fresh-013",
        ["count", "filter"],
        "차대차 사고로 인한 사망사고는 몇 건이었나?",
        f"SELECT COUNT(*) FROM {X} WHERE accident_type_major = '차대차'",
        unit="accidents",
    ),
    c(
        "sql-fresh-014",
        ["lookup"],
        "Number of divorces in Busan in 2015",
        f"SELECT divorces FROM {B} WHERE province = '부산광역시' AND year = 2015",
        unit="divorces",
    ),
    c(
        "sql-fresh-015",
        ["topn"],
        "2020년에 출생아가 가장 많았던 시도 3곳은?",
        top(B, "province", "births", where="year = 2020", n=3),
        ordered=True,
    ),
    c(
        "sql-fresh-016",
        ["change", "range"],
        "How much did Busan's TFR drop from 2015 to 2022?",
        change(B, "total_fertility_rate", "province = '부산광역시'", 2015, 2022),
    ),
    c(
        "sql-fresh-017",
        ["ratio", "topn"],
        "Least densely populated district in Busan?",
        top(DENSITY, "district", "total_population / land_area_km2", asc=True),
    ),
    c(
        "sql-fresh-018",
        ["lookup"],
        "사상구는 면적이 얼마나 돼?",
        f"SELECT land_area_km2 FROM {L} WHERE district = '사상구'",
        unit="km2",
    ),
    c("sql-fresh-019", ["unmappable"], "What was the unemployment rate in Haeundae-gu in 2020?"),
    c(
        "sql-fresh-020",
        ["followup", "lookup"],
        "2016년은 어땠어?",
        f"SELECT teu_million FROM {T} WHERE port = 'Incheon' AND year = 2016",
        unit="teu",
        conv=["2014년 인천항 컨테이너 물동량 알려줘"],
    ),
]


def _one(table: str, value: str, where: str) -> str:
    return f"(SELECT {value} FROM {table} WHERE {where})"


def first_year(table: str, condition: str, where: str, last: bool = False) -> str:
    return f"SELECT {'MAX' if last else 'MIN'}(year) FROM {table} WHERE {where} AND {condition}"


# Two-step and unit-aware questions (differences, ratios, growth, per-1,000, density, shares of a
# subgroup, averages across districts, counts above a value, first/last year, thresholds and answers
# in other units). Written before the parser supported them, scored before any fix.
TWO_STEP_CASES: list[Spec] = [
    # -- differences of two places or two years
    c(
        "sql-two-diff-001",
        ["two_step", "difference"],
        "How many more people live in Haeundae-gu than in Busanjin-gu?",
        "SELECT " + _one(P, "total_population", "district = '해운대구'") + " - "
        "" + _one(P, "total_population", "district = '부산진구'") + "",
        unit="total_population",
    ),
    c(
        "sql-two-diff-002",
        ["two_step", "difference"],
        "해운대구 인구는 부산진구보다 몇 명 더 많아?",
        "SELECT " + _one(P, "total_population", "district = '해운대구'") + " - "
        "" + _one(P, "total_population", "district = '부산진구'") + "",
        unit="total_population",
    ),
    c(
        "sql-two-diff-003",
        ["two_step", "difference"],
        "How many fewer babies were born in Busan in 2020 than in 2010?",
        "SELECT " + _one(B, "births", "province = '부산광역시' AND year = 2010") + " - "
        "" + _one(B, "births", "province = '부산광역시' AND year = 2020") + "",
        unit="births",
    ),
    c(
        "sql-two-diff-004",
        ["two_step", "difference"],
        "2020년 부산 출생아 수는 2010년보다 몇 명 적었어?",
        "SELECT " + _one(B, "births", "province = '부산광역시' AND year = 2010") + " - "
        "" + _one(B, "births", "province = '부산광역시' AND year = 2020") + "",
        unit="births",
    ),
    c(
        "sql-two-diff-005",
        ["two_step", "difference"],
        "How much larger is Gijang-gun than Gangseo-gu in land area?",
        "SELECT " + _one(L, "land_area_km2", "district = '기장군'") + " - "
        "" + _one(L, "land_area_km2", "district = '강서구'") + "",
        unit="km2",
    ),
    c(
        "sql-two-diff-006",
        ["two_step", "difference"],
        "영도구의 65세 이상 인구는 중구보다 얼마나 많아?",
        "SELECT " + _one(P, "age_65_plus", "district = '영도구'") + " - "
        "" + _one(P, "age_65_plus", "district = '중구'") + "",
        unit="age_65_plus",
    ),
    # -- ratios (몇 배, times, X-to-Y)
    c(
        "sql-two-ratio-007",
        ["two_step", "ratio"],
        "2019년 부산항 컨테이너 물동량은 인천항의 몇 배였어?",
        "SELECT " + _one(T, "teu_million", "port = 'Busan' AND year = 2019") + " / "
        "" + _one(T, "teu_million", "port = 'Incheon' AND year = 2019") + "",
    ),
    c(
        "sql-two-ratio-008",
        ["two_step", "ratio"],
        "How many times bigger was Busan port's container throughput than Incheon's in 2015?",
        "SELECT " + _one(T, "teu_million", "port = 'Busan' AND year = 2015") + " / "
        "" + _one(T, "teu_million", "port = 'Incheon' AND year = 2015") + "",
    ),
    c(
        "sql-two-ratio-009",
        ["two_step", "ratio"],
        "What is the ratio of Haeundae-gu's population to Jung-gu's?",
        "SELECT 1.0 * " + _one(P, "total_population", "district = '해운대구'") + " / "
        "" + _one(P, "total_population", "district = '중구'") + "",
    ),
    c(
        "sql-two-ratio-010",
        ["two_step", "ratio"],
        "해운대구 인구는 중구 인구의 몇 배야?",
        "SELECT 1.0 * " + _one(P, "total_population", "district = '해운대구'") + " / "
        "" + _one(P, "total_population", "district = '중구'") + "",
    ),
    # -- growth in percent between two years
    c(
        "sql-two-growth-011",
        ["two_step", "growth"],
        "By what percent did Busan port's container throughput grow from 2011 to 2019?",
        "SELECT 100.0 * (" + _one(T, "teu_million", "port = 'Busan' AND year = 2019") + " - "
        "" + _one(T, "teu_million", "port = 'Busan' AND year = 2011") + ") / "
        "" + _one(T, "teu_million", "port = 'Busan' AND year = 2011") + "",
        unit="pct",
    ),
    c(
        "sql-two-growth-012",
        ["two_step", "growth"],
        "부산항 물동량은 2011년부터 2019년까지 몇 % 늘었나요?",
        "SELECT 100.0 * (" + _one(T, "teu_million", "port = 'Busan' AND year = 2019") + " - "
        "" + _one(T, "teu_million", "port = 'Busan' AND year = 2011") + ") / "
        "" + _one(T, "teu_million", "port = 'Busan' AND year = 2011") + "",
        unit="pct",
    ),
    # -- per 1,000 people
    c(
        "sql-two-per-013",
        ["two_step", "per_unit"],
        "How many residents aged 65 or over per 1,000 people in Gangseo-gu?",
        f"SELECT 1000.0 * age_65_plus / total_population FROM {P} WHERE district = '강서구'",
    ),
    c(
        "sql-two-per-014",
        ["two_step", "per_unit"],
        "강서구 인구 1,000명당 65세 이상 인구는 몇 명이야?",
        f"SELECT 1000.0 * age_65_plus / total_population FROM {P} WHERE district = '강서구'",
    ),
    c(
        "sql-two-per-015",
        ["two_step", "per_unit", "topn"],
        "인구 천 명당 유소년 인구가 가장 많은 구는?",
        top(P, "district", "1000.0 * age_0_14 / total_population"),
    ),
    # -- density through the declared join
    c(
        "sql-two-density-016",
        ["two_step", "density", "topn"],
        "Rank the five densest districts by people per km²",
        top(DENSITY, "district", "total_population / land_area_km2", n=5),
        ordered=True,
    ),
    c(
        "sql-two-density-017",
        ["two_step", "density", "topn"],
        "km²당 인구가 가장 많은 구 3곳",
        top(DENSITY, "district", "total_population / land_area_km2", n=3),
        ordered=True,
    ),
    # -- share of a total or of a subgroup
    c(
        "sql-two-share-018",
        ["two_step", "share"],
        "What share of Busan's residents aged 65 and over live in Haeundae-gu?",
        f"SELECT 100.0 * SUM(age_65_plus) FILTER (WHERE district = '해운대구') / SUM(age_65_plus) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-two-share-019",
        ["two_step", "share"],
        "부산 전체 65세 이상 인구 중 해운대구가 차지하는 비중은?",
        f"SELECT 100.0 * SUM(age_65_plus) FILTER (WHERE district = '해운대구') / SUM(age_65_plus) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-two-share-020",
        ["two_step", "share"],
        "What share of Suyeong-gu's population is aged 0-14?",
        f"SELECT 100.0 * age_0_14 / total_population FROM {P} WHERE district = '수영구'",
        unit="pct",
    ),
    # -- average across districts or provinces
    c(
        "sql-two-avg-021",
        ["two_step", "average"],
        "What was the average PM10 across Busan's districts in 2020?",
        f"SELECT AVG(pm10_ugm3) FROM {A} WHERE year = 2020",
        unit="pm10",
    ),
    c(
        "sql-two-avg-022",
        ["two_step", "average"],
        "2020년 부산 구·군 평균 미세먼지 농도는?",
        f"SELECT AVG(pm10_ugm3) FROM {A} WHERE year = 2020",
        unit="pm10",
    ),
    c(
        "sql-two-avg-023",
        ["two_step", "average"],
        "What is the average elderly share across Busan's districts?",
        f"SELECT AVG(age_65_plus_share_pct) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-two-avg-024",
        ["two_step", "average"],
        "구·군별 고령인구 비율의 평균은?",
        f"SELECT AVG(age_65_plus_share_pct) FROM {P}",
        unit="pct",
    ),
    c(
        "sql-two-avg-025",
        ["two_step", "average"],
        "2022년 시도별 평균 출생아 수는?",
        f"SELECT AVG(births) FROM {B} WHERE year = 2022",
        unit="births",
    ),
    # -- counting rows above or below a value
    c(
        "sql-two-count-026",
        ["two_step", "count", "units"],
        "고령인구 비율이 30%를 넘는 구는 몇 곳이야?",
        f"SELECT COUNT(*) FROM {P} WHERE age_65_plus_share_pct > 30",
    ),
    c(
        "sql-two-count-027",
        ["two_step", "count"],
        "How many districts have more than 300,000 residents?",
        f"SELECT COUNT(*) FROM {P} WHERE total_population > 300000",
    ),
    c(
        "sql-two-count-028",
        ["two_step", "count", "units"],
        "인구가 20만 명이 안 되는 구는 몇 곳?",
        f"SELECT COUNT(*) FROM {P} WHERE total_population < 200000",
    ),
    c(
        "sql-two-count-029",
        ["two_step", "count"],
        "How many provinces recorded fewer than 10,000 births in 2022?",
        f"SELECT COUNT(*) FROM {B} WHERE year = 2022 AND births < 10000",
    ),
    c(
        "sql-two-count-030",
        ["two_step", "count", "units"],
        "How many districts had annual precipitation above 2 m in 2020?",
        f"SELECT COUNT(*) FROM {A} WHERE year = 2020 AND precipitation_mm > 2000",
    ),
    # -- thresholds with units, converted to the column's unit
    c(
        "sql-two-unit-031",
        ["units", "filter"],
        "Which districts are bigger than 50 km²?",
        f"SELECT district, land_area_km2 FROM {L} WHERE land_area_km2 > 50",
    ),
    c(
        "sql-two-unit-032",
        ["units", "filter"],
        "면적이 50km²보다 넓은 구는?",
        f"SELECT district, land_area_km2 FROM {L} WHERE land_area_km2 > 50",
    ),
    c(
        "sql-two-unit-033",
        ["units", "filter"],
        "인구가 20만 명이 안 되는 구",
        f"SELECT district, total_population FROM {P} WHERE total_population < 200000",
    ),
    c(
        "sql-two-unit-034",
        ["units", "filter"],
        "2019년 물동량이 3천만 TEU 이상인 항만은?",
        f"SELECT port, teu_million FROM {T} WHERE year = 2019 AND teu_million >= 30",
    ),
    # -- first / last year a condition held
    c(
        "sql-two-first-035",
        ["two_step", "first_year", "units"],
        "부산항 물동량이 처음으로 2천만 TEU를 넘어선 해는?",
        first_year(T, "teu_million > 20", "port = 'Busan'"),
    ),
    c(
        "sql-two-first-036",
        ["two_step", "first_year", "units"],
        "In which year did Busan port first handle more than 18 million TEU?",
        first_year(T, "teu_million > 18", "port = 'Busan'"),
    ),
    c(
        "sql-two-first-037",
        ["two_step", "first_year"],
        "What was the first year deaths exceeded births in Busan?",
        first_year(B, "deaths > births", "province = '부산광역시'"),
    ),
    c(
        "sql-two-first-038",
        ["two_step", "first_year"],
        "부산에서 사망자 수가 출생아 수보다 처음 많아진 해는?",
        first_year(B, "deaths > births", "province = '부산광역시'"),
    ),
    c(
        "sql-two-last-039",
        ["two_step", "first_year", "units"],
        "What was the last year with more than 20k marriages in Busan?",
        first_year(B, "marriages > 20000", "province = '부산광역시'", last=True),
    ),
    c(
        "sql-two-last-040",
        ["two_step", "first_year", "units"],
        "부산의 혼인 건수가 마지막으로 2만 건을 넘은 해는?",
        first_year(B, "marriages > 20000", "province = '부산광역시'", last=True),
    ),
    # -- age brackets named by their ages
    c(
        "sql-two-age-041",
        ["units", "age_bracket"],
        "15세 미만 인구가 제일 많은 구는?",
        top(P, "district", "age_0_14"),
    ),
    c(
        "sql-two-age-042",
        ["units", "age_bracket"],
        "Which district has the most residents under 15?",
        top(P, "district", "age_0_14"),
    ),
    # -- the answer in another unit
    c(
        "sql-two-conv-043",
        ["units", "conversion"],
        "How large is Gijang-gun in hectares?",
        f"SELECT land_area_km2 * 100 FROM {L} WHERE district = '기장군'",
    ),
    c(
        "sql-two-conv-044",
        ["units", "conversion"],
        "기장군 면적은 몇 헥타르야?",
        f"SELECT land_area_km2 * 100 FROM {L} WHERE district = '기장군'",
    ),
    c(
        "sql-two-conv-045",
        ["units", "conversion"],
        "2019년 부산항 물동량은 몇만 TEU야?",
        f"SELECT teu_million * 100 FROM {T} WHERE port = 'Busan' AND year = 2019",
    ),
    c(
        "sql-two-conv-046",
        ["units", "conversion"],
        "How many thousand TEU did Incheon port handle in 2019?",
        f"SELECT teu_million * 1000 FROM {T} WHERE port = 'Incheon' AND year = 2019",
    ),
    # -- two-step forms whose second part cannot be mapped: refuse, never drop it
    c("sql-two-refuse-047", ["two_step", "unmappable"], "How many more cars than people are in Haeundae-gu?"),
    c("sql-two-refuse-048", ["two_step", "unmappable"], "해운대구 인구는 서울의 몇 배야?"),
    # -- forms first met in untuned questions: a one-syllable district before a phrase ("서구 면적"),
    # a Korean count over a condition, a low word in a top-N, "which N …"
    c(
        "sql-two-place-049",
        ["units", "conversion"],
        "서구 면적이 몇 헥타르예요?",
        f"SELECT land_area_km2 * 100 FROM {L} WHERE district = '서구'",
    ),
    c(
        "sql-two-place-050",
        ["lookup"],
        "북구 면적 알려줘",
        f"SELECT land_area_km2 FROM {L} WHERE district = '북구'",
        unit="km2",
    ),
    c(
        "sql-two-count-051",
        ["two_step", "count", "units"],
        "2019년에 연강수량이 1.6미터를 넘은 구·군은 몇 곳이야?",
        f"SELECT COUNT(*) FROM {A} WHERE year = 2019 AND precipitation_mm > 1600",
    ),
    c(
        "sql-two-count-052",
        ["two_step", "count"],
        "인구 20만 명 이상인 구 몇 개예요?",
        f"SELECT COUNT(*) FROM {P} WHERE total_population >= 200000",
    ),
    c(
        "sql-two-topn-053",
        ["topn"],
        "2020년 초미세먼지 농도 낮은 구 top 3 알려주세요",
        top(A, "district", "pm25_ugm3", where="year = 2020", n=3, asc=True),
    ),
    c(
        "sql-two-topn-054",
        ["topn"],
        "top 3 lowest PM10 districts in 2019",
        top(A, "district", "pm10_ugm3", where="year = 2019", n=3, asc=True),
    ),
    c(
        "sql-two-topn-055",
        ["topn", "count"],
        "Which 2 districts had the most fatal accidents in 2020?",
        top(X, "district", "COUNT(*)", group=True, n=2),
    ),
]
