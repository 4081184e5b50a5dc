"""Build evaluation/blind/statistics_paraphrases.yaml: blind statistics paraphrases with pandas gold.

Written before the issue-8 changes to the SQL parser, without reading the parser or the SQL dev set
beyond its first cases. Every gold value is computed here with pandas straight from the demo CSV files
(data/demo/tables), independently of any SQL. Each case keeps its question next to the computation.

Kinds (the first tag of every case):
  two_step      differences, densities, per-capita / per-1,000, shares, "first year when", counts over a
                threshold, averages across districts
  units         numbers in the question carrying units (million TEU, µg/m³, metres, hectares, "under 15")
  paraphrase    lookups, top-N, rankings, trends and comparisons worded unlike a template
  spelling      romanisation variants, typos, missing or extra spaces
  unanswerable  district, year or measure not in the tables (expect.refuse)

Run from the repository root:  .venv/bin/python evaluation/blind/build_statistics_gold.py
"""

# Questions stay on one line next to their computation, so some lines run long.
# ruff: noqa: E501
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
TABLES = ROOT / "data" / "demo" / "tables"
OUT = Path(__file__).resolve().parent / "statistics_paraphrases.yaml"

POP = pd.read_csv(TABLES / "population_by_district_2025.csv")
AREA = pd.read_csv(TABLES / "district_land_area.csv")
BIRTHS = pd.read_csv(TABLES / "births_by_province.csv")
AIR = pd.read_csv(TABLES / "air_quality_by_district.csv")
PORT = pd.read_csv(TABLES / "port_container_throughput.csv")
CRASH = pd.read_csv(TABLES / "traffic_fatal_accidents_2020.csv")

P = "table:population_by_district_2025"
L = "table:district_land_area"
B = "table:births_by_province"
A = "table:air_quality_by_district"
C = "table:port_container_throughput"
T = "table:traffic_fatal_accidents_2020"

POP_AREA = POP.merge(AREA, on="district", suffixes=("", "_area"))
POP_AREA["density"] = POP_AREA["total_population"] / POP_AREA["land_area_km2"]
BUSAN_VITAL = BIRTHS[BIRTHS["province"] == "부산광역시"].set_index("year")
BUSAN_PORT = PORT[PORT["port"] == "Busan"].set_index("year")["teu_million"]


def pop(district: str, column: str = "total_population") -> float:
    return float(POP.loc[POP["district"] == district, column].item())


def area(district: str, column: str = "land_area_km2") -> float:
    return float(AREA.loc[AREA["district"] == district, column].item())


def air(district: str, year: int, column: str) -> float:
    return float(AIR.loc[(AIR["district"] == district) & (AIR["year"] == year), column].item())


def density(district: str) -> float:
    return pop(district) / area(district)


def port(name: str, year: int) -> float:
    return float(PORT.loc[(PORT["port"] == name) & (PORT["year"] == year), "teu_million"].item())


def crashes_in(district: str) -> int:
    return int((CRASH["district"] == district).sum())


def col(frame: pd.DataFrame, *columns: str) -> list[list[Any]]:
    """Rows of the given columns as plain Python values (the YAML gold_rows)."""
    return [[_plain(value) for value in row] for row in frame[list(columns)].itertuples(index=False)]


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 6)
    return value


CASES: list[dict[str, Any]] = []


def add(
    case_id: str,
    kind: str,
    lang: str,
    question: str,
    *,
    sources: list[str] | None = None,
    number: float | None = None,
    tol: float | None = None,
    tol_pct: float | None = None,
    rows: list[list[Any]] | None = None,
    ordered: bool = False,
    refuse: bool = False,
    tags: tuple[str, ...] = (),
) -> None:
    expect: dict[str, Any] = {}
    if refuse:
        expect["refuse"] = True
    if number is not None:
        value = round(float(number), 6)
        spec: dict[str, Any] = {"value": int(value) if value.is_integer() else value}
        if tol is not None:
            spec["tolerance"] = tol
        if tol_pct is not None:
            spec["tolerance_pct"] = tol_pct
        expect["number"] = spec
    if rows is not None:
        expect["gold_rows"] = rows
        expect["ordered"] = ordered
    if sources:
        expect["sources"] = {"all_of": sources}
    if not refuse and number is None and rows is None:
        raise ValueError(f"{case_id}: an answerable case needs a number or gold rows")
    CASES.append(
        {
            "id": f"blind-stat-{case_id}",
            "question": question,
            "lang": lang,
            "category": "sql",
            "user": "anonymous",
            "tags": [kind, *tags],
            "expect": expect,
        }
    )


# One case = question + computation, kept compact for review (not reformatted).
# fmt: off
# ================================================================================================
# two_step: two values combined, or a value then a filter / aggregate over it
# ================================================================================================

add("two-01", "two_step", "en", "How many more people live in Haeundae-gu than in Busanjin-gu?",
    number=pop("해운대구") - pop("부산진구"), tol=0.5, sources=[P], tags=("difference",))
add("two-02", "two_step", "ko", "부산진구하고 해운대구 인구 차이가 얼마나 나나요?",
    number=pop("해운대구") - pop("부산진구"), tol=0.5, sources=[P], tags=("difference",))
add("two-03", "two_step", "en", "What's the population density of Dongnae-gu, in residents per square kilometre?",
    number=density("동래구"), tol_pct=0.5, sources=[P, L], tags=("density",))
add("two-04", "two_step", "ko", "수영구는 1제곱킬로미터당 몇 명이 살아요?",
    number=density("수영구"), tol_pct=0.5, sources=[P, L], tags=("density",))
add("two-05", "two_step", "en", "Which district is the most densely populated?",
    rows=col(POP_AREA.nlargest(1, "density"), "district", "density"), sources=[P, L], tags=("density", "topn"))
add("two-06", "two_step", "ko", "인구밀도가 가장 낮은 구·군은 어디인가요?",
    rows=col(POP_AREA.nsmallest(1, "density"), "district", "density"), sources=[P, L], tags=("density", "topn"))
add("two-07", "two_step", "en", "Rank the five most crowded districts by people per km², densest first.",
    rows=col(POP_AREA.nlargest(5, "density"), "district", "density"), ordered=True, sources=[P, L],
    tags=("density", "ranking"))
add("two-08", "two_step", "en", "How many residents aged 65 or over are there per 1,000 people in Gangseo-gu?",
    number=1000 * pop("강서구", "age_65_plus") / pop("강서구"), tol_pct=0.5, sources=[P], tags=("per_1000",))
add("two-09", "two_step", "ko", "영도구는 주민 천 명당 14세 이하 아이가 몇 명꼴이에요?",
    number=1000 * pop("영도구", "age_0_14") / pop("영도구"), tol_pct=0.5, sources=[P], tags=("per_1000",))
add("two-10", "two_step", "en", "What share of Haeundae-gu's residents are children under 15?",
    number=100 * pop("해운대구", "age_0_14") / pop("해운대구"), tol_pct=0.5, sources=[P], tags=("share",))
add("two-11", "two_step", "ko", "기장군 인구 중에 15세 미만이 차지하는 비율은 몇 %예요?",
    number=100 * pop("기장군", "age_0_14") / pop("기장군"), tol_pct=0.5, sources=[P], tags=("share",))
add("two-12", "two_step", "en", "Across the whole city, what percentage of Busan residents are 65 or older?",
    number=100 * POP["age_65_plus"].sum() / POP["total_population"].sum(), tol_pct=0.5, sources=[P],
    tags=("share", "city_total"))
add("two-13", "two_step", "ko", "부산 전체 인구에서 생산가능인구(15~64세) 비중이 얼마나 돼요?",
    number=100 * POP["age_15_64"].sum() / POP["total_population"].sum(), tol_pct=0.5, sources=[P],
    tags=("share", "city_total"))
add("two-14", "two_step", "en", "On average, how many people live in a Busan district?",
    number=POP["total_population"].mean(), tol_pct=0.5, sources=[P], tags=("average",))
add("two-15", "two_step", "ko", "16개 구·군 고령인구 비율을 평균 내면 얼마예요?",
    number=POP["age_65_plus_share_pct"].mean(), tol_pct=0.5, sources=[P], tags=("average",))
add("two-16", "two_step", "en", "How many districts have more than 250,000 residents?",
    number=int((POP["total_population"] > 250_000).sum()), tol=0.5, sources=[P], tags=("count_over",))
add("two-17", "two_step", "ko", "고령인구 비율이 30%를 넘는 구는 몇 곳이야?",
    number=int((POP["age_65_plus_share_pct"] > 30).sum()), tol=0.5, sources=[P], tags=("count_over",))
_first_deaths_over_births = int(BUSAN_VITAL.index[BUSAN_VITAL["deaths"] > BUSAN_VITAL["births"]].min())
add("two-18", "two_step", "en", "In which year did deaths first outnumber births in Busan?",
    number=_first_deaths_over_births, tol=0.5, sources=[B], tags=("first_year",))
add("two-19", "two_step", "ko", "부산에서 사망자 수가 출생아 수보다 많아진 첫 해가 언제예요?",
    number=_first_deaths_over_births, tol=0.5, sources=[B], tags=("first_year",))
add("two-20", "two_step", "en", "How many fewer babies were born in Busan in 2020 than in 2010?",
    number=BUSAN_VITAL.loc[2010, "births"] - BUSAN_VITAL.loc[2020, "births"], tol=0.5, sources=[B],
    tags=("difference",))
add("two-21", "two_step", "ko", "2019년 부산항 컨테이너 물동량은 인천항의 몇 배였어?",
    number=port("Busan", 2019) / port("Incheon", 2019), tol_pct=0.5, sources=[C], tags=("ratio",))
add("two-22", "two_step", "en",
    "By what percentage did the port of Busan's container throughput grow between 2011 and 2019?",
    number=100 * (BUSAN_PORT[2019] - BUSAN_PORT[2011]) / BUSAN_PORT[2011], tol_pct=0.5, sources=[C],
    tags=("change_pct",))
add("two-23", "two_step", "en", "What was the average PM10 concentration across Busan's districts in 2021?",
    number=AIR.loc[AIR["year"] == 2021, "pm10_ugm3"].mean(), tol_pct=0.5, sources=[A], tags=("average",))
add("two-24", "two_step", "ko", "부산 평균 초미세먼지 농도가 2015년에서 2021년 사이에 얼마나 내려갔어?",
    number=AIR.loc[AIR["year"] == 2015, "pm25_ugm3"].mean() - AIR.loc[AIR["year"] == 2021, "pm25_ugm3"].mean(),
    tol_pct=1.0, sources=[A], tags=("difference",))
add("two-25", "two_step", "en",
    "What fraction of Busan's 2020 fatal traffic accidents happened at night, as a percentage?",
    number=100 * (CRASH["day_night_en"] == "night").mean(), tol=0.5, sources=[T], tags=("share",))
add("two-26", "two_step", "ko", "2020년 부산 교통사망사고 가운데 보행자가 피해자인 사고는 몇 퍼센트야?",
    number=100 * (CRASH["victim_vehicle"] == "보행자").mean(), tol=0.5, sources=[T], tags=("share",))
add("two-27", "two_step", "en", "On average, how many people were injured per fatal crash in Busan in 2020?",
    number=CRASH["injuries"].mean(), tol=0.005, sources=[T], tags=("average",))
add("two-28", "two_step", "ko", "2025년 5월 인구 기준으로 부산진구는 행정동 하나당 주민이 평균 몇 명이에요?",
    number=pop("부산진구") / area("부산진구", "admin_dong_count"), tol_pct=0.5, sources=[P, L],
    tags=("per_unit",))
add("two-29", "two_step", "en", "What is the average land area of a Busan district?",
    number=AREA["land_area_km2"].mean(), tol_pct=0.5, sources=[L], tags=("average",))
add("two-30", "two_step", "ko", "2020년에 사망사고가 8건 넘게 난 구·군은 어디 어디야?",
    rows=[[d, int(n)] for d, n in CRASH["district"].value_counts().items() if n > 8], sources=[T],
    tags=("count_over", "list"))
add("two-31", "two_step", "en", "How many times bigger is Gijang-gun than Jung-gu in land area?",
    number=area("기장군") / area("중구"), tol_pct=0.5, sources=[L], tags=("ratio",))
add("two-32", "two_step", "ko", "2020년 부산 교통사망사고 중에 가해 차량이 이륜차인 사고 비율은 얼마나 돼요?",
    number=100 * (CRASH["offender_vehicle"] == "이륜차").mean(), tol=0.5, sources=[T], tags=("share",))
add("two-33", "two_step", "ko", "2021년 부산 조사망률이 조출생률보다 얼마나 높았어?",
    number=BUSAN_VITAL.loc[2021, "crude_death_rate"] - BUSAN_VITAL.loc[2021, "crude_birth_rate"], tol=0.05,
    sources=[B], tags=("difference",))

# ================================================================================================
# units: numbers in the question that carry units the columns do not use as written
# ================================================================================================

add("unit-01", "units", "en", "In which years did the port of Busan handle more than 20 million TEU?",
    rows=[[int(y), float(v)] for y, v in BUSAN_PORT[BUSAN_PORT > 20].items()], sources=[C], tags=("threshold",))
add("unit-02", "units", "ko", "부산항 물동량이 처음으로 2천만 TEU를 넘어선 건 몇 년도예요?",
    number=int(BUSAN_PORT.index[BUSAN_PORT > 20].min()), tol=0.5, sources=[C], tags=("first_year",))
add("unit-03", "units", "en", "How many ports moved over 25 million TEU in 2019?",
    number=int(((PORT["year"] == 2019) & (PORT["teu_million"] > 25)).sum()), tol=0.5, sources=[C],
    tags=("count_over",))
add("unit-04", "units", "ko", "2019년에 컨테이너를 1,500만 TEU 넘게 처리한 항만은 몇 곳인가요?",
    number=int(((PORT["year"] == 2019) & (PORT["teu_million"] > 15)).sum()), tol=0.5, sources=[C],
    tags=("count_over",))
add("unit-05", "units", "en", "How many kids under 15 live in Nam-gu?",
    number=pop("남구", "age_0_14"), tol=0.5, sources=[P], tags=("age",))
add("unit-06", "units", "ko", "15세 미만 인구가 제일 많은 구는 어디예요?",
    rows=col(POP.nlargest(1, "age_0_14"), "district", "age_0_14"), sources=[P], tags=("age", "topn"))
add("unit-07", "units", "en", "How large is Gijang-gun in hectares?",
    number=area("기장군") * 100, tol_pct=0.5, sources=[L], tags=("conversion",))
add("unit-08", "units", "ko", "중구 면적이 몇 헥타르예요?",
    number=area("중구") * 100, tol_pct=0.5, sources=[L], tags=("conversion",))
add("unit-09", "units", "en", "Which districts have a population above 0.3 million?",
    rows=col(POP[POP["total_population"] > 300_000], "district", "total_population"), sources=[P], tags=("threshold",))
add("unit-10", "units", "ko", "인구가 20만 명이 안 되는 구·군을 전부 알려주세요",
    rows=col(POP[POP["total_population"] < 200_000], "district", "total_population"), sources=[P], tags=("threshold",))
add("unit-11", "units", "en", "Which districts averaged more than 16 µg/m³ of PM2.5 in 2021?",
    rows=col(AIR[(AIR["year"] == 2021) & (AIR["pm25_ugm3"] > 16)], "district", "pm25_ugm3"), sources=[A],
    tags=("threshold",))
add("unit-12", "units", "ko", "2021년에 연강수량이 1.8미터를 넘은 구·군은 몇 곳이야?",
    number=int(((AIR["year"] == 2021) & (AIR["precipitation_mm"] > 1800)).sum()), tol=0.5, sources=[A],
    tags=("count_over", "conversion"))
add("unit-13", "units", "en", "How many thousand TEU did the port of Busan handle in 2015?",
    number=BUSAN_PORT[2015] * 1_000, tol_pct=0.5, sources=[C], tags=("conversion",))
add("unit-14", "units", "en", "How many square metres of land are there per resident in Gangseo-gu?",
    number=area("강서구") * 1_000_000 / pop("강서구"), tol_pct=0.5, sources=[P, L],
    tags=("conversion", "per_capita"))
add("unit-15", "units", "ko", "2021년에 미세먼지(PM10)가 30마이크로그램 미만이었던 구·군은?",
    rows=col(AIR[(AIR["year"] == 2021) & (AIR["pm10_ugm3"] < 30)], "district", "pm10_ugm3"), sources=[A],
    tags=("threshold",))
add("unit-16", "units", "en", "Which provinces recorded fewer than 10 thousand births in 2021?",
    rows=col(BIRTHS[(BIRTHS["year"] == 2021) & (BIRTHS["births"] < 10_000)], "province", "births"), sources=[B],
    tags=("threshold",))
add("unit-17", "units", "ko", "2019년 부산항 컨테이너 처리량은 몇만 TEU였어요?",
    number=BUSAN_PORT[2019] * 100, tol_pct=0.5, sources=[C], tags=("conversion",))

# ================================================================================================
# paraphrase: lookups, top-N, rankings, trends and comparisons, worded unlike a template
# ================================================================================================

add("para-01", "paraphrase", "en", "hey, quick one: how many folks are registered as living in Saha-gu right now?",
    number=pop("사하구"), tol=0.5, sources=[P], tags=("lookup", "informal"))
add("para-02", "paraphrase", "ko", "혹시 금정구 인구가 현재 몇 명 정도 되는지 알 수 있을까요?",
    number=pop("금정구"), tol=0.5, sources=[P], tags=("lookup", "polite"))
add("para-03", "paraphrase", "en",
    "I'm putting together a briefing for the mayor and need the number of residents aged 65 and over "
    "in Yeongdo-gu as of the latest registration figures.",
    number=pop("영도구", "age_65_plus"), tol=0.5, sources=[P], tags=("lookup", "long"))
add("para-04", "paraphrase", "ko", "사상구 고령화율이 어느 정도인지 여쭤봐도 될까요?",
    number=pop("사상구", "age_65_plus_share_pct"), tol=0.01, sources=[P], tags=("lookup", "polite"))
add("para-05", "paraphrase", "en", "Out of all sixteen districts, which three have the smallest populations?",
    rows=col(POP.nsmallest(3, "total_population"), "district", "total_population"), sources=[P], tags=("topn",))
add("para-06", "paraphrase", "ko", "인구 많은 순으로 상위 다섯 개 구 뽑아 줘",
    rows=col(POP.nlargest(5, "total_population"), "district", "total_population"), ordered=True, sources=[P],
    tags=("topn", "informal"))
add("para-07", "paraphrase", "en",
    "Could you list every district from the oldest to the youngest, judged by the share of people over 65?",
    rows=col(POP.sort_values("age_65_plus_share_pct", ascending=False), "district"), ordered=True,
    sources=[P], tags=("ranking", "long"))
add("para-08", "paraphrase", "ko", "땅덩어리가 제일 작은 구가 어디예요?",
    rows=col(AREA.nsmallest(1, "land_area_km2"), "district", "land_area_km2"), sources=[L], tags=("topn", "informal"))
_port_2019 = PORT[PORT["year"] == 2019].sort_values("teu_million", ascending=False).reset_index(drop=True)
add("para-09", "paraphrase", "en", "Where did Busan rank among the world's container ports by volume in 2019?",
    number=int(_port_2019.index[_port_2019["port"] == "Busan"].item()) + 1, tol=0.5, sources=[C],
    tags=("ranking",))
add("para-10", "paraphrase", "ko", "2019년 세계에서 컨테이너를 가장 많이 처리한 항만은 어디였나요?",
    rows=col(_port_2019.head(1), "port", "teu_million"), sources=[C], tags=("topn", "polite"))
add("para-11", "paraphrase", "en", "Walk me through Busan's total fertility rate year by year from 2015 to 2020.",
    rows=col(BUSAN_VITAL.loc[2015:2020].reset_index(), "year", "total_fertility_rate"), ordered=True,
    sources=[B], tags=("trend",))
add("para-12", "paraphrase", "ko", "2015년부터 2021년까지 부산 혼인 건수가 해마다 어떻게 바뀌었는지 보여 주세요",
    rows=col(BUSAN_VITAL.loc[2015:2021].reset_index(), "year", "marriages"), ordered=True, sources=[B],
    tags=("trend", "polite"))
_pm10_by_year = AIR.groupby("year")["pm10_ugm3"].mean()
add("para-13", "paraphrase", "en",
    "Was the district-average PM10 in Busan higher in 2010 or in 2020? Show me both numbers.",
    rows=[[2010, round(float(_pm10_by_year[2010]), 6)], [2020, round(float(_pm10_by_year[2020]), 6)]], sources=[A],
    tags=("comparison",))
add("para-14", "paraphrase", "ko", "해운대구랑 수영구 중 어디가 사람이 더 많이 살아?",
    number=max(pop("해운대구"), pop("수영구")), tol=0.5, sources=[P], tags=("comparison", "informal"))
_by_month = CRASH["month"].value_counts()
add("para-15", "paraphrase", "en", "Which month of 2020 saw the most fatal road accidents in Busan?",
    rows=[[int(_by_month.idxmax()), int(_by_month.max())]], sources=[T], tags=("topn",))
_deaths_by_district = CRASH.groupby("district")["deaths"].sum().sort_values(ascending=False)
add("para-16", "paraphrase", "ko", "2020년에 교통사고 사망자가 가장 많았던 구·군 두 곳은 어디예요?",
    rows=[[d, int(n)] for d, n in _deaths_by_district.head(2).items()], sources=[T], tags=("topn", "polite"))
add("para-17", "paraphrase", "en",
    "What were the three most common violations behind Busan's fatal crashes in 2020?",
    rows=[[v, int(n)] for v, n in CRASH["violation"].value_counts().head(3).items()], ordered=True, sources=[T],
    tags=("topn",))
add("para-18", "paraphrase", "ko", "요일별로 사망사고가 몇 건씩 있었는지 정리해 줄래요?",
    rows=[[d, int(n)] for d, n in CRASH["weekday"].value_counts().items()], sources=[T],
    tags=("groupby", "polite"))
_vital_2020 = BIRTHS[BIRTHS["year"] == 2020]
add("para-19", "paraphrase", "en", "Which province had the most weddings in 2020?",
    rows=col(_vital_2020.nlargest(1, "marriages"), "province", "marriages"), sources=[B], tags=("topn",))
_vital_2022 = BIRTHS[BIRTHS["year"] == 2022]
add("para-20", "paraphrase", "ko", "2022년에 합계출산율이 가장 낮았던 시도가 어디죠?",
    rows=col(_vital_2022.nsmallest(1, "total_fertility_rate"), "province", "total_fertility_rate"), sources=[B], tags=("topn",))
add("para-21", "paraphrase", "en", "how many babies did Busan have back in 2000",
    number=BUSAN_VITAL.loc[2000, "births"], tol=0.5, sources=[B], tags=("lookup", "informal"))
add("para-22", "paraphrase", "ko", "부산 2021년 조사망률 좀 알려 주실래요?",
    number=BUSAN_VITAL.loc[2021, "crude_death_rate"], tol=0.05, sources=[B], tags=("lookup", "polite"))
add("para-23", "paraphrase", "en", "Give me the number of administrative dongs in each district.",
    rows=col(AREA, "district", "admin_dong_count"), sources=[L], tags=("groupby",))
add("para-24", "paraphrase", "ko", "강서구의 2021년 미세먼지 농도가 얼마였는지 궁금합니다",
    number=air("강서구", 2021, "pm10_ugm3"), tol_pct=0.5, sources=[A], tags=("lookup", "polite"))
add("para-25", "paraphrase", "en",
    "Did PM2.5 in Haeundae-gu go up or down between 2015 and 2021? Show the yearly values.",
    rows=col(AIR[(AIR["district"] == "해운대구") & AIR["year"].between(2015, 2021)], "year", "pm25_ugm3"),
    ordered=True, sources=[A], tags=("trend",))
add("para-26", "paraphrase", "ko", "부산 출생아 수는 1990년에 몇 명이었고 2020년엔 몇 명이었어?",
    rows=[[1990, int(BUSAN_VITAL.loc[1990, "births"])], [2020, int(BUSAN_VITAL.loc[2020, "births"])]],
    sources=[B], tags=("comparison", "word_order"))
add("para-27", "paraphrase", "en", "Tell me Busan's divorce count for 2019, please.",
    number=BUSAN_VITAL.loc[2019, "divorces"], tol=0.5, sources=[B], tags=("lookup", "word_order"))
add("para-28", "paraphrase", "en", "Were there any fatal traffic accidents in Jung-gu in 2020? How many?",
    number=crashes_in("중구"), tol=0.5, sources=[T], tags=("lookup", "zero"))
_births_2021 = BIRTHS[(BIRTHS["year"] == 2021) & BIRTHS["province"].isin(["부산광역시", "서울특별시"])]
add("para-29", "paraphrase", "ko", "부산이랑 서울 중에 2021년에 아기가 더 많이 태어난 곳은?",
    number=_births_2021["births"].max(), tol=0.5, sources=[B], tags=("comparison", "informal"))
add("para-30", "paraphrase", "ko", "2011년부터 2019년까지 부산항 물동량 추이 좀 보여줄래?",
    rows=[[int(y), float(v)] for y, v in BUSAN_PORT.sort_index().items()], ordered=True, sources=[C],
    tags=("trend", "informal"))

# ================================================================================================
# spelling: romanisation variants, typos, missing or extra spaces
# ================================================================================================

add("spell-01", "spelling", "en", "population of Haeundae",
    number=pop("해운대구"), tol=0.5, sources=[P], tags=("no_suffix",))
add("spell-02", "spelling", "en", "What's the land area of Yeonjae-gu?",
    number=area("연제구"), tol_pct=0.5, sources=[L], tags=("variant",))
add("spell-03", "spelling", "en", "How many residents does Busan-jin have?",
    number=pop("부산진구"), tol=0.5, sources=[P], tags=("variant",))
add("spell-04", "spelling", "en", "share of elderly people in Haeundea-gu",
    number=pop("해운대구", "age_65_plus_share_pct"), tol=0.01, sources=[P], tags=("typo",))
add("spell-05", "spelling", "en", "pm10 in gijang gun in 2020",
    number=air("기장군", 2020, "pm10_ugm3"), tol_pct=0.5, sources=[A], tags=("spacing",))
add("spell-06", "spelling", "en", "How many fatal accidents were there in Sasang gu in 2020?",
    number=crashes_in("사상구"), tol=0.5, sources=[T], tags=("spacing",))
add("spell-07", "spelling", "en", "How many people live in Dongrae?",
    number=pop("동래구"), tol=0.5, sources=[P], tags=("variant", "no_suffix"))
add("spell-08", "spelling", "en", "Kumjeong-gu population",
    number=pop("금정구"), tol=0.5, sources=[P], tags=("variant",))
add("spell-09", "spelling", "ko", "해운대 인구",
    number=pop("해운대구"), tol=0.5, sources=[P], tags=("no_suffix",))
add("spell-10", "spelling", "ko", "부산진 고령인구 몇명?",
    number=pop("부산진구", "age_65_plus"), tol=0.5, sources=[P], tags=("no_suffix",))
add("spell-11", "spelling", "ko", "연제구65세이상인구비율",
    number=pop("연제구", "age_65_plus_share_pct"), tol=0.01, sources=[P], tags=("spacing",))
add("spell-12", "spelling", "ko", "해운데구 면적",
    number=area("해운대구"), tol_pct=0.5, sources=[L], tags=("typo",))
add("spell-13", "spelling", "ko", "동래 구 인구밀도 알려줘",
    number=density("동래구"), tol_pct=0.5, sources=[P, L], tags=("spacing", "density"))
add("spell-14", "spelling", "ko", "기장 면적은?",
    number=area("기장군"), tol_pct=0.5, sources=[L], tags=("no_suffix",))
add("spell-15", "spelling", "ko", "수영구 어린이인구",
    number=pop("수영구", "age_0_14"), tol=0.5, sources=[P], tags=("spacing",))
add("spell-16", "spelling", "ko", "부산항컨테이너물동량 2018년",
    number=BUSAN_PORT[2018], tol_pct=0.5, sources=[C], tags=("spacing",))

# ================================================================================================
# unanswerable: the tables cannot answer (district, year or measure not there) -> refuse
# ================================================================================================

add("none-01", "unanswerable", "en", "What was the population of Gangnam-gu in May 2025?",
    refuse=True, tags=("district_missing",))
add("none-02", "unanswerable", "ko", "진해구 인구는 몇 명이에요?", refuse=True, tags=("district_missing",))
assert 2023 not in set(BIRTHS["year"])
add("none-03", "unanswerable", "en", "How many births were there in Busan in 2023?",
    refuse=True, tags=("year_missing",))
assert 2024 not in set(PORT["year"])
add("none-04", "unanswerable", "ko", "2024년 부산항 컨테이너 물동량은?", refuse=True, tags=("year_missing",))
assert pd.isna(air("해운대구", 2010, "pm25_ugm3"))  # the row exists, the value is NULL (PM2.5 from 2015)
add("none-05", "unanswerable", "en", "What was Haeundae-gu's PM2.5 level in 2010?",
    refuse=True, tags=("value_missing",))
add("none-06", "unanswerable", "ko", "해운대구 외국인 주민 수 알려줘", refuse=True, tags=("measure_missing",))
add("none-07", "unanswerable", "en", "What is the unemployment rate in Saha-gu?",
    refuse=True, tags=("measure_missing",))
assert set(CRASH["year"]) == {2020}
add("none-08", "unanswerable", "ko", "2019년 부산 교통사망사고는 몇 건이었나요?", refuse=True,
    tags=("year_missing",))
add("none-09", "unanswerable", "en", "How many households are there in Busanjin-gu?",
    refuse=True, tags=("measure_missing",))
add("none-10", "unanswerable", "ko", "부산 구별 평균 아파트 매매가격은 얼마야?", refuse=True,
    tags=("measure_missing",))
assert pd.isna(BUSAN_VITAL.loc[1991, "total_fertility_rate"])
add("none-11", "unanswerable", "en", "What was Busan's total fertility rate in 1991?",
    refuse=True, tags=("value_missing",))
add("none-12", "unanswerable", "ko", "2025년 해운대구 출생아 수는?", refuse=True, tags=("measure_missing",))
# fmt: on


HEADER = """\
# Blind statistics paraphrases (issue 8, first step): written before the issue-8 parser changes,
# without reading the SQL parser or the SQL dev set. Gold values computed with pandas from
# data/demo/tables by evaluation/blind/build_statistics_gold.py -- edit that script, not this file.
# The first tag of each case is its kind: two_step, units, paraphrase, spelling, unanswerable.
"""


def main() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    text = yaml.safe_dump(CASES, allow_unicode=True, sort_keys=False, width=110)
    OUT.write_text(HEADER + text, encoding="utf-8")
    kinds: dict[tuple[str, str], int] = {}
    for case in CASES:
        key = (case["tags"][0], case["lang"])
        kinds[key] = kinds.get(key, 0) + 1
    print(f"wrote {len(CASES)} cases to {OUT.relative_to(ROOT)}")
    for (kind, lang), count in sorted(kinds.items()):
        print(f"  {kind:13s} {lang}  {count}")


if __name__ == "__main__":
    main()
