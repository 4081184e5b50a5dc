"""Build the held-out statistics case set ``statistics_heldout.yaml`` from the demo tables.

Every question sits beside the pandas computation of its gold answer over
``data/demo/tables/*.csv``; running this script rewrites the YAML next to it:

    .venv/bin/python evaluation/heldout/build_statistics_heldout.py

The set was written blind: without reading the assistant's or the ingestion's code, the other case
sets (``evaluation/datasets``, ``evaluation/blind``) or running the product on these questions.

Conventions
- ``tags`` starts with the kind: lookup, ranking, two_step, units, spelling, refuse.
- ``gold_rows`` hold only values an answer's SQL returns verbatim from the tables (district and
  province names as stored in their Korean ``district``/``province`` columns, port names as in
  ``port``, raw measures, counts and years); an answer row may carry extra columns. Derived values
  (ratios, densities, shares, averages) are checked with ``expect.number`` only, with a tolerance
  that fits the rounding an answer would use, because the row comparison rounds to 4 significant
  digits and an answer's ROUND(...) would make it fail for the wrong reason.
- ``sources`` lists every table the computation needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
TABLES = HERE.parent.parent / "data" / "demo" / "tables"
OUTPUT = HERE / "statistics_heldout.yaml"

POP = "population_by_district_2025"
LAND = "district_land_area"
BIRTHS = "births_by_province"
AIR = "air_quality_by_district"
PORTS = "port_container_throughput"
ACC = "traffic_fatal_accidents_2020"


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(TABLES / f"{name}.csv")


pop = load(POP)
land = load(LAND)
births = load(BIRTHS)
air = load(AIR)
ports = load(PORTS)
acc = load(ACC)

busan = births[births["province"] == "부산광역시"].set_index("year")
pop_by = pop.set_index("district")
land_by = land.set_index("district")
merged = pop.merge(land, on="district", suffixes=("", "_land"))
merged["density"] = merged["total_population"] / merged["land_area_km2"]
merged["change_2023_2025"] = merged["total_population"] - merged["population_2023"]


def port_value(port: str, year: int) -> float:
    row = ports[(ports["port"] == port) & (ports["year"] == year)]
    assert len(row) == 1, (port, year)
    return float(row["teu_million"].iloc[0])


def air_value(district: str, year: int, column: str) -> float:
    row = air[(air["district"] == district) & (air["year"] == year)]
    assert len(row) == 1, (district, year)
    return float(row[column].iloc[0])


def top(frame: pd.DataFrame, column: str, n: int, label: str, ascending: bool = False) -> list[str]:
    ordered = frame.sort_values(column, ascending=ascending)
    # a ranking question must not depend on how a tie is broken
    assert ordered[column].iloc[n - 1] != ordered[column].iloc[n], (column, n)
    return [str(v) for v in ordered[label].iloc[:n]]


def num(
    value: float, tolerance: float | None = None, pct: float | None = None, unit: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"value": round(float(value), 6)}
    if tolerance is not None:
        out["tolerance"] = tolerance
    if pct is not None:
        out["tolerance_pct"] = pct
    if unit is not None:
        out["unit"] = unit
    return out


CASES: list[dict[str, Any]] = []
_COUNTERS: dict[str, int] = {}


def case(
    kind: str,
    lang: str,
    question: str,
    *,
    number: dict[str, Any] | None = None,
    rows: list[list[Any]] | None = None,
    ordered: bool = False,
    sources: list[str] | None = None,
    refuse: bool = False,
    tags: list[str] | None = None,
) -> None:
    _COUNTERS[kind] = _COUNTERS.get(kind, 0) + 1
    expect: dict[str, Any] = {}
    if refuse:
        expect["refuse"] = True
    if number is not None:
        expect["number"] = number
    if rows is not None:
        expect["gold_rows"] = [[v.item() if hasattr(v, "item") else v for v in row] for row in rows]
        if ordered:
            expect["ordered"] = True
    if sources:
        expect["sources"] = [f"table:{name}" for name in sources]
    assert refuse or number is not None or rows is not None, question
    CASES.append(
        {
            "id": f"stat-heldout-{kind.replace('_', '-')}-{_COUNTERS[kind]:02d}-{lang}",
            "question": question,
            "lang": lang,
            "category": "sql",
            "user": "anonymous",
            "tags": [kind, *(tags or [])],
            "expect": expect,
        }
    )


def as_int(value: Any) -> int:
    return int(round(float(value)))


v: Any  # the gold of the case being written

# ----- plain lookups, memo/chat wording ---------------------------------------------------------

v = as_int(pop_by.loc["수영구", "total_population"])
case(
    "lookup",
    "ko",
    "25년 5월 기준 수영구 주민등록인구 몇 명인가요?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[POP],
)

v = as_int(pop_by.loc["사상구", "total_population"])
case("lookup", "en", "Pop. of Sasang-gu as of May 2025?", number=num(v, 0.5), rows=[[v]], sources=[POP])

v = as_int(land_by.loc["부산진구", "admin_dong_count"])
case("lookup", "ko", "부산진구 행정동 몇 개예요?", number=num(v, 0), rows=[[v]], sources=[LAND])

v = float(land_by.loc["금정구", "land_area_km2"])
case("lookup", "en", "Land area of Geumjeong-gu pls", number=num(v, 0.01), rows=[[v]], sources=[LAND])

v = port_value("Busan", 2019)
case(
    "lookup",
    "ko",
    "2019년 부산항 컨테이너 처리량 얼마였죠?",
    number=num(v, 0.01),
    rows=[[v]],
    sources=[PORTS],
)

v = float(busan.loc[2021, "total_fertility_rate"])
case("lookup", "en", "Busan TFR in 2021?", number=num(v, 0.001), rows=[[v]], sources=[BIRTHS])

v = as_int(busan.loc[2020, "marriages"])
case("lookup", "ko", "2020년 부산 혼인건수 몇 건이었죠?", number=num(v, 0.5), rows=[[v]], sources=[BIRTHS])

v = air_value("사하구", 2021, "pm25_ugm3")
case("lookup", "en", "PM2.5 yearly avg for Saha-gu in 2021?", number=num(v, 0.01), rows=[[v]], sources=[AIR])

v = int((acc["district"] == "중구").sum())
assert v == 0  # 중구 has no row: the count must come out as 0, not as "no data"
case(
    "lookup",
    "ko",
    "2020년 중구에서 난 교통사망사고 몇 건이에요?",
    number=num(v, 0),
    rows=[[v]],
    sources=[ACC],
    tags=["zero_count"],
)

v = int((acc["month"] == 8).sum())
case(
    "lookup",
    "en",
    "How many fatal crashes in Busan in Aug 2020?",
    number=num(v, 0),
    rows=[[v]],
    sources=[ACC],
)

v = float(pop_by.loc["영도구", "age_65_plus_share_pct"])
case(
    "lookup", "ko", "영도구 고령인구 비율 몇 %예요?", number=num(v, 0.01, unit="%"), rows=[[v]], sources=[POP]
)

v = as_int(pop_by.loc["강서구", "age_0_14"])
case("lookup", "en", "Gangseo-gu's 0-14 population?", number=num(v, 0.5), rows=[[v]], sources=[POP])

# ----- rankings ---------------------------------------------------------------------------------

names = top(pop, "age_65_plus_share_pct", 1, "district", ascending=True)
case("ranking", "ko", "65세 이상 비율 제일 낮은 구는 어디인가요?", rows=[[n] for n in names], sources=[POP])

names = top(pop, "total_population", 3, "district")
case(
    "ranking",
    "en",
    "Top 3 districts by registered pop., largest first",
    rows=[[n] for n in names],
    ordered=True,
    sources=[POP],
)

names = top(land, "land_area_km2", 3, "district", ascending=True)
case(
    "ranking",
    "ko",
    "면적 작은 순으로 구·군 3개만 뽑아주세요",
    rows=[[n] for n in names],
    ordered=True,
    sources=[LAND],
)

counts = acc.groupby("district").size().sort_values(ascending=False)
assert counts.iloc[0] == counts.iloc[1] != counts.iloc[2]  # two districts tie for first
case(
    "ranking",
    "en",
    "Which 2 districts had the most fatal accidents in 2020?",
    rows=[[n] for n in counts.index[:2]],
    sources=[ACC],
    tags=["tie"],
)

p2019 = ports[ports["year"] == 2019]
names = top(p2019, "teu_million", 3, "port")
case("ranking", "ko", "2019년 물동량 기준 세계 3위 항만은 어디예요?", rows=[[names[2]]], sources=[PORTS])

b2022 = births[births["year"] == 2022]
names = top(b2022, "total_fertility_rate", 1, "province", ascending=True)
case(
    "ranking", "en", "Which province had the lowest TFR in 2022?", rows=[[n] for n in names], sources=[BIRTHS]
)

a2021 = air[air["year"] == 2021]
names = top(a2021, "pm10_ugm3", 3, "district", ascending=True)
case(
    "ranking",
    "ko",
    "2021년 미세먼지(PM10) 농도 낮은 구 top 3 알려주세요",
    rows=[[n] for n in names],
    ordered=True,
    sources=[AIR],
)

wd = acc.groupby("weekday").size().sort_values(ascending=False)
assert wd.iloc[0] != wd.iloc[1]
case("ranking", "ko", "2020년 사망사고 제일 많이 난 요일은요?", rows=[[wd.index[0]]], sources=[ACC])

rank = int((p2019["teu_million"] > port_value("Busan", 2019)).sum()) + 1
case(
    "ranking",
    "en",
    "Where did Busan rank among world container ports by TEU in 2019?",
    number=num(rank, 0),
    sources=[PORTS],
)

names = top(b2022, "births", 3, "province")
case(
    "ranking",
    "en",
    "Which 3 provinces recorded the most births in 2022? desc order",
    rows=[[n] for n in names],
    ordered=True,
    sources=[BIRTHS],
)

p2015 = ports[ports["year"] == 2015]
names = top(p2015, "teu_million", 5, "port")
case(
    "ranking",
    "en",
    "Top 5 ports by container volume in 2015",
    rows=[[n] for n in names],
    ordered=True,
    sources=[PORTS],
)

months = acc.groupby("month").size().sort_values(ascending=False)
assert months.iloc[0] != months.iloc[1]
case(
    "ranking",
    "ko",
    "2020년 부산 교통사망사고 가장 많았던 달은?",
    rows=[[int(months.index[0])]],
    sources=[ACC],
)

# ----- two-step computations --------------------------------------------------------------------

v = as_int(pop_by.loc["해운대구", "total_population"] - pop_by.loc["부산진구", "total_population"])
case(
    "two_step",
    "ko",
    "부산진구랑 해운대구 인구 차이 얼마나 나요?",
    number=num(v, 0.5),
    sources=[POP],
    tags=["difference"],
)

v = port_value("Busan", 2019) - port_value("Busan", 2011)
case(
    "two_step",
    "en",
    "Busan port throughput: increase from 2011 to 2019, in m TEU?",
    number=num(v, 0.01),
    sources=[PORTS],
    tags=["difference"],
)

v = port_value("Shanghai", 2019) / port_value("Busan", 2019)
case(
    "two_step",
    "ko",
    "2019년 상하이항 물동량이 부산항의 몇 배였어요?",
    number=num(v, 0.01),
    sources=[PORTS],
    tags=["ratio"],
)

v = pop_by.loc["강서구", "age_0_14"] / pop_by.loc["강서구", "total_population"] * 1000
case(
    "two_step",
    "en",
    "Children (0-14) per 1,000 residents in Gangseo-gu?",
    number=num(v, 0.5),
    sources=[POP],
    tags=["per_1000"],
)

v = pop_by.loc["중구", "total_population"] / land_by.loc["중구", "land_area_km2"]
case(
    "two_step",
    "ko",
    "중구 인구밀도 얼마예요? (명/km²)",
    number=num(v, pct=0.5),
    sources=[POP, LAND],
    tags=["density", "join"],
)

names = top(merged, "density", 1, "district", ascending=True)
case(
    "two_step",
    "en",
    "Least densely populated district in Busan?",
    rows=[[n] for n in names],
    sources=[POP, LAND],
    tags=["density", "join"],
)

v = pop_by.loc["해운대구", "age_15_64"] / pop_by.loc["해운대구", "total_population"] * 100
case(
    "two_step",
    "ko",
    "해운대구 인구 중 15~64세가 차지하는 비중 몇 %?",
    number=num(v, 0.05),
    sources=[POP],
    tags=["share"],
)

v = pop_by.loc["해운대구", "total_population"] / pop["total_population"].sum() * 100
case(
    "two_step",
    "en",
    "What share of Busan's total pop. lives in Haeundae-gu (%)?",
    number=num(v, 0.05),
    sources=[POP],
    tags=["share"],
)

v = a2021["pm25_ugm3"].mean()
case(
    "two_step",
    "ko",
    "2021년 부산 16개 구·군 평균 초미세먼지 농도는?",
    number=num(v, 0.05),
    sources=[AIR],
    tags=["average"],
)

v = land["land_area_km2"].mean()
case(
    "two_step",
    "en",
    "Avg land area per Busan district, in km²?",
    number=num(v, 0.05),
    sources=[LAND],
    tags=["average"],
)

v = int((pop["age_65_plus_share_pct"] > 30).sum())
case(
    "two_step",
    "ko",
    "고령인구 비율 30% 넘는 구 몇 개예요?",
    number=num(v, 0),
    rows=[[v]],
    sources=[POP],
    tags=["count_above"],
)

v = int((a2021["pm10_bad_days"] < 7).sum())
case(
    "two_step",
    "en",
    "How many districts had fewer than 7 PM10 bad days in 2021?",
    number=num(v, 0),
    rows=[[v]],
    sources=[AIR],
    tags=["count_below"],
)

v = int(busan[busan["natural_increase"] < 0].index.min())
case(
    "two_step",
    "ko",
    "부산 자연증가가 처음으로 마이너스가 된 해는?",
    number=num(v, 0),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["first_year"],
)

v = int(busan[busan["total_fertility_rate"] < 1].index.min())
case(
    "two_step",
    "en",
    "First yr Busan's TFR fell below 1.0?",
    number=num(v, 0),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["first_year"],
)

v = int(busan[busan["marriages"] > 20000].index.max())
case(
    "two_step",
    "en",
    "Last year Busan recorded more than 20k marriages?",
    number=num(v, 0),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["last_year"],
)

# 차대사람 (vehicle-pedestrian) and victim 보행자 give the same 43 of 100: either reading is right
assert (acc["accident_type_major"] == "차대사람").sum() == (acc["victim_vehicle"] == "보행자").sum()
v = (acc["accident_type_major"] == "차대사람").mean() * 100
case(
    "two_step",
    "ko",
    "2020년 교통사망사고 중 보행자 사고 비율 몇 %예요?",
    number=num(v, 0.5),
    sources=[ACC],
    tags=["share"],
)

v = busan.loc[2022, "deaths"] / busan.loc[2022, "births"]
case(
    "two_step",
    "en",
    "Busan deaths-to-births ratio in 2022?",
    number=num(v, 0.01),
    sources=[BIRTHS],
    tags=["ratio"],
)

v = as_int(land_by.loc["해운대구", "population_2023"] - pop_by.loc["해운대구", "total_population"])
case(
    "two_step",
    "ko",
    "2023년 말보다 2025년 5월 해운대구 인구가 얼마나 줄었나요?",
    number=num(v, 0.5),
    sources=[LAND, POP],
    tags=["difference", "join"],
)

names = top(merged, "change_2023_2025", 1, "district", ascending=True)
case(
    "two_step",
    "en",
    "Which district lost the most residents between end-2023 and May 2025?",
    rows=[[n] for n in names],
    sources=[POP, LAND],
    tags=["difference", "join"],
)

yearly_pm10 = air.groupby("year")["pm10_ugm3"].mean()
v = yearly_pm10[2021] / yearly_pm10[2001] * 100
case(
    "two_step",
    "ko",
    "2021년 부산 구·군 평균 미세먼지(PM10)는 2001년의 몇 % 수준인가요?",
    number=num(v, 0.5),
    sources=[AIR],
    tags=["ratio", "average"],
)

v = pop_by.loc["부산진구", "total_population"] / land_by.loc["부산진구", "admin_dong_count"]
case(
    "two_step",
    "en",
    "Avg residents per admin dong in Busanjin-gu (May 2025 pop.)?",
    number=num(v, pct=0.5),
    sources=[POP, LAND],
    tags=["per_unit", "join"],
)

v = busan.loc[2022, "births"] / b2022["births"].sum() * 100
case(
    "two_step",
    "ko",
    "2022년 전국 출생아 중 부산 비중은 몇 %?",
    number=num(v, 0.05),
    sources=[BIRTHS],
    tags=["share"],
)

v = port_value("Busan", 2019) / port_value("Incheon", 2019)
case(
    "two_step",
    "en",
    "2019: how many times bigger was Busan port than Incheon, by TEU?",
    number=num(v, 0.02),
    sources=[PORTS],
    tags=["ratio"],
)

v = b2022["total_fertility_rate"].mean()
case(
    "two_step",
    "ko",
    "2022년 17개 시도 합계출산율 단순평균은 얼마예요?",
    number=num(v, 0.005),
    sources=[BIRTHS],
    tags=["average"],
)

v = as_int(busan.loc[2012, "births"] - busan.loc[2022, "births"])
case(
    "two_step",
    "en",
    "How many fewer births did Busan have in 2022 than in 2012?",
    number=num(v, 0.5),
    sources=[BIRTHS],
    tags=["difference"],
)

v = pop_by.loc["기장군", "age_0_14"] / pop_by.loc["기장군", "total_population"] * 100
case(
    "two_step",
    "ko",
    "기장군 인구 중 14세 이하 비율은?",
    number=num(v, 0.05),
    sources=[POP],
    tags=["share"],
)

v = (port_value("Busan", 2019) / port_value("Busan", 2011) - 1) * 100
case(
    "two_step",
    "ko",
    "2019년 부산항 물동량은 2011년보다 몇 % 늘었나요?",
    number=num(v, 0.5),
    sources=[PORTS],
    tags=["growth"],
)

v = pop["total_population"].sum() / land["land_area_km2"].sum()
case(
    "two_step",
    "en",
    "Pop. density of Busan as a whole (people per km², May 2025)?",
    number=num(v, pct=0.5),
    sources=[POP, LAND],
    tags=["density", "join"],
)

# ----- numbers with units -----------------------------------------------------------------------

sel = pop[pop["total_population"] > 300_000]["district"]
case("units", "ko", "인구 30만 명 넘는 구 어디어디예요?", rows=[[n] for n in sel], sources=[POP], tags=["만"])

sel = land[land["land_area_km2"] > 50]["district"]
case("units", "en", "Districts bigger than 50 km²?", rows=[[n] for n in sel], sources=[LAND], tags=["km2"])

sel = pop[pop["age_65_plus"] > 80_000]["district"]
case(
    "units",
    "ko",
    "65세 이상 인구가 8만 명 넘는 구는?",
    rows=[[n] for n in sel],
    sources=[POP],
    tags=["만", "age"],
)

sel = pop[pop["age_0_14"] < 10_000]["district"]
case(
    "units",
    "en",
    "Which districts have fewer than 10 thousand residents under 15?",
    rows=[[n] for n in sel],
    sources=[POP],
    tags=["thousand", "age"],
)

busan_ports = ports[ports["port"] == "Busan"].set_index("year")["teu_million"]
v = int(busan_ports[busan_ports > 20].index.min())
case(
    "units",
    "ko",
    "부산항 물동량이 처음으로 2천만 TEU를 넘은 해는 언제예요?",
    number=num(v, 0),
    rows=[[v]],
    sources=[PORTS],
    tags=["만", "first_year"],
)

sel = p2019[p2019["teu_million"] > 30]["port"]
case(
    "units",
    "en",
    "Which ports handled over 30 million TEU in 2019?",
    rows=[[n] for n in sel],
    sources=[PORTS],
    tags=["million"],
)

v = int(busan[busan["births"] > 30_000].index.max())
case(
    "units",
    "ko",
    "부산 출생아 수가 마지막으로 3만 명을 넘었던 해는?",
    number=num(v, 0),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["만", "last_year"],
)

v = float(land_by.loc["기장군", "land_area_km2"])
case(
    "units",
    "en",
    "Gijang-gun land area in km²?",
    number=num(v, 0.01, unit="km²"),
    rows=[[v]],
    sources=[LAND],
    tags=["km2"],
)

v = float(busan.loc[2022, "crude_death_rate"])
case(
    "units",
    "ko",
    "2022년 부산 조사망률은 인구 천 명당 몇 명이에요?",
    number=num(v, 0.05),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["per_1000"],
)

v = int((b2022["births"] < 10_000).sum())
case(
    "units",
    "en",
    "How many provinces had fewer than 10k births in 2022?",
    number=num(v, 0),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["thousand", "count_below"],
)

v = air_value("해운대구", 2021, "precipitation_mm")
case(
    "units",
    "ko",
    "해운대구 2021년 연강수량 몇 mm였어요?",
    number=num(v, 0.5, unit="mm"),
    rows=[[v]],
    sources=[AIR],
    tags=["mm"],
)

sel = pop[pop["age_65_plus_share_pct"] > 25]["district"]
case(
    "units",
    "en",
    "Which districts have a 65+ share above 25%?",
    rows=[[n] for n in sel],
    sources=[POP],
    tags=["percent", "age"],
)

# ----- spelling variants and small typos --------------------------------------------------------

v = as_int(pop_by.loc["해운대구", "total_population"])
case(
    "spelling",
    "en",
    "Haeundea-gu population, May 2025?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[POP],
    tags=["typo"],
)

v = as_int(land_by.loc["부산진구", "admin_dong_count"])
case(
    "spelling",
    "en",
    "How many admin dongs does Pusanjin-gu have?",
    number=num(v, 0),
    rows=[[v]],
    sources=[LAND],
    tags=["old_romanization"],
)

v = as_int(pop_by.loc["기장군", "age_65_plus"])
case(
    "spelling",
    "en",
    "Kijang-gun 65+ population?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[POP],
    tags=["old_romanization"],
)

v = as_int(pop_by.loc["연제구", "total_population"])
case(
    "spelling",
    "en",
    "Yonje-gu total population?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[POP],
    tags=["romanization"],
)

v = float(busan.loc[2010, "total_fertility_rate"])
case(
    "spelling",
    "en",
    "Busan total fertilty rate 2010?",
    number=num(v, 0.001),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["typo", "measure"],
)

v = float(air_value("금정구", 2020, "pm10_ugm3"))
case(
    "spelling",
    "en",
    "Kumjong-gu PM10 in 2020?",
    number=num(v, 0.01),
    rows=[[v]],
    sources=[AIR],
    tags=["old_romanization"],
)

v = float(pop_by.loc["해운대구", "age_65_plus_share_pct"])
case(
    "spelling",
    "ko",
    "해운데구 고령화률 알려주세요",
    number=num(v, 0.01),
    rows=[[v]],
    sources=[POP],
    tags=["typo", "measure"],
)

v = as_int(pop_by.loc["금정구", "total_population"])
case(
    "spelling",
    "ko",
    "금정 인구 얼마예요?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[POP],
    tags=["short_name"],
)

v = float(busan.loc[2015, "total_fertility_rate"])
case(
    "spelling",
    "ko",
    "부산 합계출산률 2015년 수치 부탁드려요",
    number=num(v, 0.001),
    rows=[[v]],
    sources=[BIRTHS],
    tags=["typo", "measure"],
)

v = air_value("사상구", 2021, "pm25_ugm3")
case(
    "spelling",
    "ko",
    "사상구 2021년 초미세 먼지 농도요",
    number=num(v, 0.01),
    rows=[[v]],
    sources=[AIR],
    tags=["spacing", "measure"],
)

v = as_int(land_by.loc["동래구", "admin_dong_count"])
case("spelling", "ko", "동래 행정동 수?", number=num(v, 0), rows=[[v]], sources=[LAND], tags=["short_name"])

v = port_value("Busan", 2015)
case(
    "spelling",
    "ko",
    "2015년 부산항 컨테이너 물둥량",
    number=num(v, 0.01),
    rows=[[v]],
    sources=[PORTS],
    tags=["typo", "measure"],
)

# ----- what the tables cannot answer ------------------------------------------------------------

assert "창원시" not in set(pop["district"]) and "창원시" not in set(births["province"])
case("refuse", "ko", "2025년 5월 창원시 인구 알려줘", refuse=True, tags=["place"])

case("refuse", "en", "Haeundae-gu population in 2010?", refuse=True, tags=["year"])

assert births["year"].max() == 2022
case("refuse", "ko", "2023년 부산 출생아 수는?", refuse=True, tags=["year"])

assert air["year"].max() == 2021
case("refuse", "en", "PM10 in Jung-gu in 2023?", refuse=True, tags=["year"])

case("refuse", "ko", "해운대구 1인 가구 수 알려주세요", refuse=True, tags=["measure"])

case("refuse", "en", "Avg household income in Suyeong-gu?", refuse=True, tags=["measure"])

assert set(acc["year"]) == {2020}
case("refuse", "ko", "2021년 부산 교통사망사고 몇 건이었어요?", refuse=True, tags=["year"])

assert ports["year"].max() == 2019
case("refuse", "en", "Busan port container throughput in 2022?", refuse=True, tags=["year"])


HEADER = """\
# Held-out statistics cases (category sql), written blind on 2026-12-03.
# GENERATED by evaluation/heldout/build_statistics_heldout.py from data/demo/tables/*.csv:
# edit the script, not this file. tags[0] is the kind (lookup, ranking, two_step, units, spelling,
# refuse). gold_rows use the tables' stored values (Korean district/province names, English port names).
"""


def main() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    text = yaml.safe_dump(CASES, allow_unicode=True, sort_keys=False, width=110)
    OUTPUT.write_text(HEADER + text, encoding="utf-8")
    kinds: dict[tuple[str, str], int] = {}
    for c in CASES:
        key = (c["tags"][0], c["lang"])
        kinds[key] = kinds.get(key, 0) + 1
    print(f"wrote {len(CASES)} cases to {OUTPUT}")
    for (kind, lang), count in sorted(kinds.items()):
        print(f"  {kind:9s} {lang}: {count}")


if __name__ == "__main__":
    main()
