"""Build the uncurated-tables case set ``tables.yaml`` from the real public CSVs in ``data/uncurated``.

The tables have no curated card: they are ingested with ``cityqa ingest <files> --draft-card``, so
the set measures how well machine-drafted cards answer (and, above all, how rarely they answer
confidently wrong). Every question sits beside the pandas computation of its gold answer over the
copies in ``data/uncurated/``; running this script rewrites the YAML next to it:

    .venv/bin/python evaluation/uncurated/build_tables_gold.py

Written blind on 2026-12-03: from the CSVs only, without reading the code under ``assistant/`` or
``ingestion/`` or the case sets under ``evaluation/blind`` and ``evaluation/heldout``.

Conventions (as in ``evaluation/heldout/build_statistics_heldout.py``)
- ``tags`` starts with the kind: lookup, ranking, count, total, average, filter, refuse.
- ``gold_rows`` hold only values an answer's SQL returns verbatim from the table (names as stored,
  raw measures, counts); derived values (averages, shares) are checked with ``expect.number`` only.
- ``sources`` is ``table:<table name>``; a drafted card's table name is the file stem in lower case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "data" / "uncurated"
OUTPUT = HERE / "tables.yaml"


def load(file: str, **kwargs: Any) -> pd.DataFrame:
    return pd.read_csv(DATA / file, **kwargs)


def table(file: str) -> str:
    """The table name an ingest with --draft-card gives the file (seen in its drafted card)."""
    return Path(file).stem.lower()


DISTRICTS = "busan_autonomous_districts.csv"
AGES = "busan_population_agegroups_202505.csv"
BIRTHS = "birthRate.csv"
ACC = "accident.csv"
FIRE = "fire_busan.csv"
CRIME = "crime.csv"
HOSP = "hospitalInfo_busan.csv"
POLICE = "policeBox_busan.csv"
STATIONS = "fireStation_busan.csv"
TEU = "TEUByYear.csv"
PORTS = "top100port.csv"
HOUSEHOLD = "population_cleaned_2020.csv"
TAX = "tax_income_2020.csv"
MORT = "mortality_cleaned_2020.csv"
CENSUS = "census2010_provinces_age_sex.csv"
AIR = "bukok_geumjeong_hourly_utf8_with_header.csv"

districts = load(DISTRICTS).set_index("gu_gun")
ages = load(AGES)
gu = ages[ages["level"] == "구군"].copy()
gu["district"] = gu["행정구역"].str.replace("부산광역시 ", "", regex=False)
gu_by = gu.set_index("district")
births = load(BIRTHS)
busan_births = births[births["행정구역별"] == "부산광역시"].set_index("시점")
acc = load(ACC)
acc_busan = acc[acc["발생지시도"] == "부산"]
fire = load(FIRE)
crime = load(CRIME)
hosp = load(HOSP)
police = load(POLICE)
stations = load(STATIONS)
teu = load(TEU).set_index("year")
ports = load(PORTS)
household = load(HOUSEHOLD)
household_busan = household[household["sido_en"] == "Busan"].set_index("sigungu_kr")
tax = load(TAX)
tax_busan = tax[tax["adm1"] == "Busan"].set_index("adm2")
mort = load(MORT)
mort_busan_total = mort[(mort["adm1"] == "Busan") & (mort["class2"] == "total")].set_index("adm2")
# the KOSIS export has a title line and a blank line above its header
census = load(CENSUS, skiprows=2)
census_total = census[census["연령별"] == "계"].set_index("행정구역별")
air = load(AIR)


def num(value: float, tolerance: float | None = None, pct: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": round(float(value), 6)}
    if tolerance is not None:
        out["tolerance"] = tolerance
    if pct is not None:
        out["tolerance_pct"] = pct
    return out


def top(frame: pd.DataFrame, column: str, n: int, label: str, ascending: bool = False) -> list[str]:
    ordered = frame.sort_values(column, ascending=ascending)
    # a ranking question must not depend on how a tie is broken
    assert ordered[column].iloc[n - 1] != ordered[column].iloc[n], (column, n)
    return [str(v) for v in ordered[label].iloc[:n]]


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
    contains: list[str] | None = None,
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
    if contains:
        expect["answer_contains"] = contains
    if sources:
        expect["sources"] = [f"table:{table(file)}" for file in sources]
    assert refuse or number is not None or rows is not None or contains, question
    CASES.append(
        {
            "id": f"uncurated-{kind}-{_COUNTERS[kind]:02d}-{lang}",
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


v: Any

# ----- busan_autonomous_districts (busan.go.kr, as of 2023-12-31; English district names) --------

v = as_int(districts.loc["Haeundae-gu", "population"])
case(
    "lookup",
    "en",
    "What is the population of Haeundae-gu?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[DISTRICTS],
)
v = as_int(districts.loc["Busanjin-gu", "num_administrative_dong"])
case("lookup", "ko", "부산진구 행정동 수는 몇 개인가요?", number=num(v, 0), rows=[[v]], sources=[DISTRICTS])
v = float(districts.loc["Gijang-gun", "land_area_km2"])
case("lookup", "en", "Land area of Gijang-gun in km2?", number=num(v, 0.01), rows=[[v]], sources=[DISTRICTS])
names = top(districts.reset_index(), "land_area_km2", 1, "gu_gun")
case("ranking", "ko", "면적이 가장 넓은 구·군은 어디인가요?", rows=[[n] for n in names], sources=[DISTRICTS])
names = top(districts.reset_index(), "population", 3, "gu_gun")
case(
    "ranking",
    "en",
    "Top 3 districts by population, largest first",
    rows=[[n] for n in names],
    ordered=True,
    sources=[DISTRICTS],
)
v = as_int(districts["population"].sum())
case(
    "total",
    "ko",
    "16개 구·군 인구를 모두 합하면 몇 명인가요?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[DISTRICTS],
)
v = int((districts["population"] > 300000).sum())
case(
    "count",
    "en",
    "How many districts have a population over 300,000?",
    number=num(v, 0),
    rows=[[v]],
    sources=[DISTRICTS],
)
v = float(districts["land_area_km2"].mean())
case("average", "ko", "구·군 평균 면적은 몇 km²인가요?", number=num(v, 0.05), sources=[DISTRICTS])
case("lookup", "en", "What is the website of Suyeong-gu?", contains=["suyeong.go.kr"], sources=[DISTRICTS])
names = top(districts.reset_index(), "num_administrative_dong", 1, "gu_gun", ascending=True)
case(
    "ranking",
    "en",
    "Which district has the fewest administrative dongs?",
    rows=[[n] for n in names],
    sources=[DISTRICTS],
)

# ----- busan_population_agegroups_202505 (MOIS registration, May 2025; city, 구군 and 읍면동 rows) ---

v = as_int(gu_by.loc["해운대구", "65세이상"])
case("lookup", "ko", "2025년 5월 해운대구 65세 이상 인구는?", number=num(v, 0.5), rows=[[v]], sources=[AGES])
v = as_int(gu_by.loc["기장군", "0_14세"])
case(
    "lookup",
    "en",
    "How many children aged 0-14 live in Gijang-gun (May 2025)?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[AGES],
)
v = float(gu_by.loc["영도구", "65세이상_비율_pct"])
case("lookup", "ko", "영도구 65세 이상 비율은 몇 %인가요?", number=num(v, 0.01), rows=[[v]], sources=[AGES])
names = top(gu.reset_index(drop=True), "65세이상_비율_pct", 1, "행정구역")
case(
    "ranking",
    "en",
    "Which gu or gun has the highest share of residents aged 65+?",
    rows=[[n] for n in names],
    sources=[AGES],
)
v = as_int(ages.loc[ages["level"] == "시도", "총인구수"].iloc[0])
case(
    "lookup", "ko", "부산광역시 전체 총인구수는 몇 명인가요?", number=num(v, 0.5), rows=[[v]], sources=[AGES]
)
v = int((ages["level"] == "읍면동").sum())
case(
    "count",
    "en",
    "How many eup/myeon/dong rows are in the Busan age-group population table?",
    number=num(v, 0),
    rows=[[v]],
    sources=[AGES],
)
v = as_int(gu_by.loc["수영구", "15_64세"])
case("lookup", "ko", "수영구 15~64세 인구 알려주세요", number=num(v, 0.5), rows=[[v]], sources=[AGES])
names = top(gu.reset_index(drop=True), "총인구수", 1, "행정구역", ascending=True)
case("ranking", "ko", "총인구수가 가장 적은 구·군은?", rows=[[n] for n in names], sources=[AGES])
v = int((gu["65세이상_비율_pct"] >= 30).sum())
case(
    "count",
    "en",
    "How many Busan districts have a 65+ share of 30% or more?",
    number=num(v, 0),
    rows=[[v]],
    sources=[AGES],
)

# ----- birthRate (KOSIS births, TFR, deaths, marriages, divorces by 시도, 1990-2022) --------------

v = as_int(busan_births.loc[2020, "출생건수_명"])
case("lookup", "ko", "2020년 부산광역시 출생건수는?", number=num(v, 0.5), rows=[[v]], sources=[BIRTHS])
v = float(busan_births.loc[2021, "합계출산율"])
case(
    "lookup",
    "en",
    "What was Busan's total fertility rate in 2021?",
    number=num(v, 0.001),
    rows=[[v]],
    sources=[BIRTHS],
)
v = as_int(busan_births.loc[2022, "사망건수_명"])
case("lookup", "en", "Number of deaths in Busan in 2022?", number=num(v, 0.5), rows=[[v]], sources=[BIRTHS])
v = as_int(busan_births.loc[2019, "혼인건수_건"])
case("lookup", "ko", "2019년 부산 혼인 건수 몇 건이에요?", number=num(v, 0.5), rows=[[v]], sources=[BIRTHS])
v = as_int(busan_births.loc[2018, "이혼건수_건"])
case("lookup", "en", "Divorces in Busan in 2018?", number=num(v, 0.5), rows=[[v]], sources=[BIRTHS])
b2022 = births[(births["시점"] == 2022) & (births["행정구역별"] != "국외")]
names = top(b2022, "합계출산율", 1, "행정구역별", ascending=True)
case("ranking", "ko", "2022년 합계출산율이 가장 낮은 시도는?", rows=[[n] for n in names], sources=[BIRTHS])
names = top(b2022, "출생건수_명", 3, "행정구역별")
case(
    "ranking",
    "en",
    "Top 3 provinces by births in 2022, largest first",
    rows=[[n] for n in names],
    ordered=True,
    sources=[BIRTHS],
)
v = int(busan_births["출생건수_명"].idxmax())
case(
    "lookup",
    "en",
    "In which year did Busan record the most births?",
    number=num(v, 0),
    rows=[[v]],
    sources=[BIRTHS],
)
v = as_int(busan_births.loc[2018:2022, "출생건수_명"].sum())
case(
    "total",
    "ko",
    "2018년부터 2022년까지 부산 출생건수 합계는?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[BIRTHS],
)
v = float(busan_births.loc[2020, "조출생률_천명당"])
case("lookup", "ko", "2020년 부산 조출생률(천명당)은?", number=num(v, 0.01), rows=[[v]], sources=[BIRTHS])
v = as_int(busan_births.loc[2021, "자연증가건수_명"])
case("lookup", "en", "Busan natural increase in 2021?", number=num(v, 0.5), rows=[[v]], sources=[BIRTHS])
v = float(busan_births.loc[2018:2022, "합계출산율"].mean())
case(
    "average",
    "en",
    "Average total fertility rate of Busan from 2018 to 2022?",
    number=num(v, 0.005),
    sources=[BIRTHS],
)

# ----- accident (every fatal traffic accident in Korea, 2020; 발생지시도 short names) --------------

v = len(acc_busan)
case(
    "count",
    "ko",
    "2020년 부산에서 발생한 교통사망사고는 몇 건인가요?",
    number=num(v, 0),
    rows=[[v]],
    sources=[ACC],
)
v = as_int(acc_busan["사망자수"].sum())
case(
    "total",
    "en",
    "How many people died in fatal traffic accidents in Busan in 2020?",
    number=num(v, 0),
    rows=[[v]],
    sources=[ACC],
)
v = len(acc)
case(
    "count",
    "en",
    "How many fatal traffic accidents were there nationwide in 2020?",
    number=num(v, 0),
    rows=[[v]],
    sources=[ACC],
)
counts = acc.groupby("발생지시도").size().sort_values(ascending=False)
assert counts.iloc[0] != counts.iloc[1]
case("ranking", "ko", "2020년 교통사망사고가 가장 많은 시도는?", rows=[[counts.index[0]]], sources=[ACC])
v = int((acc_busan["사고유형_대분류"] == "차대사람").sum())
case(
    "filter", "ko", "부산 교통사망사고 중 차대사람 사고는 몇 건?", number=num(v, 0), rows=[[v]], sources=[ACC]
)
v = int((acc_busan["주야"] == "야").sum())
case(
    "filter",
    "en",
    "How many fatal accidents in Busan happened at night in 2020?",
    number=num(v, 0),
    rows=[[v]],
    sources=[ACC],
)
v = int((acc_busan["발생지시군구"] == "해운대구").sum())
case("filter", "ko", "해운대구 교통사망사고 건수는?", number=num(v, 0), rows=[[v]], sources=[ACC])
v = as_int(acc_busan["부상자수"].sum())
case("total", "ko", "부산 교통사망사고 부상자수 합계는?", number=num(v, 0), rows=[[v]], sources=[ACC])
days = acc.groupby("요일").size().sort_values(ascending=False)
assert days.iloc[0] != days.iloc[1]
case(
    "ranking",
    "en",
    "On which day of the week did the most fatal accidents happen nationwide?",
    rows=[[days.index[0]]],
    sources=[ACC],
)
v = int((acc["발생지시도"] == "서울").sum())
case(
    "filter",
    "en",
    "Number of fatal traffic accidents in Seoul in 2020?",
    number=num(v, 0),
    rows=[[v]],
    sources=[ACC],
)

# ----- fire_busan (Busan fire incidents; 연번 is a serial number, 재산피해 in 천원) ------------------

v = len(fire)
case("count", "ko", "부산 화재 발생 건수는 모두 몇 건인가요?", number=num(v, 0), rows=[[v]], sources=[FIRE])
v = int((fire["시군구"] == "해운대구").sum())
case(
    "filter",
    "en",
    "How many fires were recorded in Haeundae-gu?",
    number=num(v, 0),
    rows=[[v]],
    sources=[FIRE],
)
v = as_int(fire["사망"].sum())
case("total", "ko", "부산 화재로 인한 사망자는 총 몇 명인가요?", number=num(v, 0), rows=[[v]], sources=[FIRE])
v = as_int(fire["부상"].sum())
case(
    "total",
    "en",
    "Total number of people injured in Busan fires?",
    number=num(v, 0),
    rows=[[v]],
    sources=[FIRE],
)
counts = fire.groupby("시군구").size().sort_values(ascending=False)
assert counts.iloc[0] != counts.iloc[1]
case("ranking", "ko", "화재가 가장 많이 발생한 구는 어디인가요?", rows=[[counts.index[0]]], sources=[FIRE])
causes = fire.groupby("발화요인대분류").size().sort_values(ascending=False)
case(
    "ranking",
    "en",
    "What is the most common cause category of fires in Busan?",
    rows=[[causes.index[0]]],
    sources=[FIRE],
)
v = int((fire["발화요인대분류"] == "전기적 요인").sum())
case(
    "filter", "ko", "전기적 요인으로 발생한 화재는 몇 건인가요?", number=num(v, 0), rows=[[v]], sources=[FIRE]
)
v = as_int(fire["재산피해소계"].sum())
case("total", "en", "Total property damage from Busan fires?", number=num(v, 0.5), rows=[[v]], sources=[FIRE])
v = as_int(fire.loc[fire["시군구"] == "부산진구", "인명피해.명.소계"].sum())
case("total", "ko", "부산진구 화재 인명피해 합계는 몇 명?", number=num(v, 0), rows=[[v]], sources=[FIRE])
v = int((fire["장소대분류"] == "주거").sum())
case(
    "filter",
    "en",
    "How many Busan fires happened in residential places (주거)?",
    number=num(v, 0),
    rows=[[v]],
    sources=[FIRE],
)

# ----- crime (KNPA crimes by type, cities as columns) ----------------------------------------------

crime_by = crime.set_index("범죄중분류")
v = as_int(crime_by.loc["살인기수", "부산"])
case("lookup", "ko", "부산의 살인기수 범죄 건수는?", number=num(v, 0), rows=[[v]], sources=[CRIME])
v = as_int(crime_by.loc["사기", "부산"])
case(
    "lookup",
    "en",
    "How many fraud (사기) crimes were recorded in Busan?",
    number=num(v, 0),
    rows=[[v]],
    sources=[CRIME],
)
v = as_int(crime.loc[crime["범죄대분류"] == "강력범죄", "부산"].sum())
case("total", "ko", "부산 강력범죄 건수 합계는?", number=num(v, 0), rows=[[v]], sources=[CRIME])
v = as_int(crime["부산"].sum())
case(
    "total",
    "en",
    "Total number of crimes in Busan across all types?",
    number=num(v, 0),
    rows=[[v]],
    sources=[CRIME],
)
v = as_int(crime_by.loc["절도", "서울"])
case("lookup", "ko", "서울 절도 범죄 건수 알려줘", number=num(v, 0), rows=[[v]], sources=[CRIME])
names = top(crime, "부산", 1, "범죄중분류")
case(
    "ranking",
    "en",
    "Which crime type has the most cases in Busan?",
    rows=[[n] for n in names],
    sources=[CRIME],
)

# ----- hospitalInfo_busan (HIRA hospital list; codes are codes) -----------------------------------

v = int((hosp["종별코드명"] == "상급종합").sum())
case("filter", "ko", "부산 상급종합병원은 몇 곳인가요?", number=num(v, 0), rows=[[v]], sources=[HOSP])
v = int((hosp["종별코드명"] == "요양병원").sum())
case(
    "filter",
    "en",
    "How many nursing hospitals (요양병원) are in Busan?",
    number=num(v, 0),
    rows=[[v]],
    sources=[HOSP],
)
v = as_int(hosp.set_index("요양기관명").loc["부산대학교병원", "총의사수"])
case("lookup", "ko", "부산대학교병원 총의사수는?", number=num(v, 0), rows=[[v]], sources=[HOSP])
names = top(hosp, "총의사수", 1, "요양기관명")
case(
    "ranking",
    "en",
    "Which hospital in Busan has the most doctors?",
    rows=[[n] for n in names],
    sources=[HOSP],
)
v = len(hosp)
case(
    "count",
    "en",
    "How many hospitals are listed in the Busan hospital table?",
    number=num(v, 0),
    rows=[[v]],
    sources=[HOSP],
)
v = as_int(hosp["총의사수"].sum())
case("total", "ko", "부산 병원 총의사수 합계는?", number=num(v, 0), rows=[[v]], sources=[HOSP])
v = int((hosp["시군구코드명"] == "부산해운대구").sum())
case("filter", "ko", "해운대구에 있는 병원은 몇 곳인가요?", number=num(v, 0), rows=[[v]], sources=[HOSP])
v = int((hosp["종별코드명"] == "종합병원").sum())
case(
    "filter",
    "en",
    "Number of general hospitals (종합병원) in Busan?",
    number=num(v, 0),
    rows=[[v]],
    sources=[HOSP],
)

# ----- policeBox_busan / fireStation_busan (facility lists) ---------------------------------------

v = int((police["지파출소"] == "지구대").sum())
case("filter", "ko", "부산 지구대는 몇 개인가요?", number=num(v, 0), rows=[[v]], sources=[POLICE])
v = int((police["지파출소"] == "파출소").sum())
case(
    "filter",
    "en",
    "How many police boxes (파출소) are there in Busan?",
    number=num(v, 0),
    rows=[[v]],
    sources=[POLICE],
)
v = len(police)
case(
    "count",
    "en",
    "How many police centres are listed for Busan?",
    number=num(v, 0),
    rows=[[v]],
    sources=[POLICE],
)
counts = police.groupby("지역명").size().sort_values(ascending=False)
assert counts.iloc[0] != counts.iloc[1]
case("ranking", "ko", "치안센터가 가장 많은 지역(경찰서)은?", rows=[[counts.index[0]]], sources=[POLICE])
v = int((stations["본부명"] == "부산").sum())
case(
    "count",
    "ko",
    "부산 소방본부 소속 소방서는 몇 곳인가요?",
    number=num(v, 0),
    rows=[[v]],
    sources=[STATIONS],
)
case(
    "lookup",
    "en",
    "What is the phone number of Haeundae fire station (해운대소방서)?",
    contains=["051-760-4601"],
    sources=[STATIONS],
)
case("lookup", "ko", "항만소방서 전화번호 알려줘", contains=["051-760-4901"], sources=[STATIONS])

# ----- TEUByYear (million TEU, ports as columns) / top100port --------------------------------------

v = float(teu.loc[2019, "Busan"])
case(
    "lookup",
    "en",
    "Busan port container throughput in 2019 (million TEU)?",
    number=num(v, 0.01),
    rows=[[v]],
    sources=[TEU],
)
v = float(teu.loc[2015, "Busan"])
case("lookup", "ko", "2015년 부산항 물동량(백만 TEU)은?", number=num(v, 0.01), rows=[[v]], sources=[TEU])
v = float(teu.loc[2017, "Shanghai"])
case("lookup", "en", "Shanghai TEU in 2017?", number=num(v, 0.01), rows=[[v]], sources=[TEU])
v = float(teu["Busan"].mean())
case("average", "en", "Average annual Busan TEU from 2011 to 2019?", number=num(v, 0.01), sources=[TEU])
v = int(teu["Busan"].idxmax())
case("lookup", "ko", "부산항 물동량이 가장 많았던 해는?", number=num(v, 0), rows=[[v]], sources=[TEU])
v = float(teu.loc[2012, "Singapore"])
case("lookup", "ko", "2012년 싱가포르항 물동량은?", number=num(v, 0.01), rows=[[v]], sources=[TEU])
v = float(ports.set_index("name").loc["Busan", "size"])
case(
    "lookup",
    "en",
    "What is the size of the port of Busan in the top-100 port list?",
    number=num(v, 0.001),
    rows=[[v]],
    sources=[PORTS],
)
v = int((ports["type"] == "River").sum())
case(
    "filter",
    "en",
    "How many of the top 100 ports are river ports?",
    number=num(v, 0),
    rows=[[v]],
    sources=[PORTS],
)
v = int((ports["military"] == "Yes").sum())
case(
    "filter",
    "ko",
    "상위 100개 항만 중 군사용(military) 항만은 몇 개?",
    number=num(v, 0),
    rows=[[v]],
    sources=[PORTS],
)
names = top(ports, "size", 3, "name")
case(
    "ranking",
    "ko",
    "규모(size) 기준 상위 3개 항만은? 큰 순서로",
    rows=[[n] for n in names],
    ordered=True,
    sources=[PORTS],
)

# ----- population_cleaned_2020 (census household population by 시군구; KOSIS codes) ----------------

v = as_int(household_busan.loc["해운대구", "population_relative_total"])
case(
    "lookup",
    "ko",
    "2020년 부산 해운대구 친족가구 인구(population_relative_total)는?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[HOUSEHOLD],
)
v = as_int(household_busan.loc["기장군", "population_nonrelative_total"])
case(
    "lookup",
    "en",
    "Non-relative household population of Gijang-gun in 2020?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[HOUSEHOLD],
)
v = as_int(household_busan["population_relative_total"].sum())
case(
    "total",
    "en",
    "Total relative-household population of Busan's districts in 2020?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[HOUSEHOLD],
)
names = top(household_busan.reset_index(), "population_relative_total", 1, "sigungu_kr")
case(
    "ranking",
    "ko",
    "2020년 부산에서 친족가구 인구가 가장 많은 구는?",
    rows=[[n] for n in names],
    sources=[HOUSEHOLD],
)
v = as_int(household_busan.loc["수영구", "population_relative_female"])
case("lookup", "ko", "수영구 친족가구 여성 인구는?", number=num(v, 0.5), rows=[[v]], sources=[HOUSEHOLD])

# ----- tax_income_2020 (labor income tax, million KRW, by 시군구) ---------------------------------

v = as_int(tax_busan.loc["Haeundae-gu", "value"])
case(
    "lookup",
    "en",
    "Labor income tax collected in Haeundae-gu in 2020 (million KRW)?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[TAX],
)
names = top(tax_busan.reset_index(), "value", 1, "adm2")
case(
    "ranking",
    "en",
    "Which Busan district had the highest labor income tax in 2020?",
    rows=[[n] for n in names],
    sources=[TAX],
)
v = as_int(tax_busan["value"].sum())
case(
    "total",
    "ko",
    "2020년 부산 구·군 근로소득세 합계는 몇 백만원인가요?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[TAX],
)
v = as_int(tax_busan.loc["Suyeong-gu", "value"])
case("lookup", "ko", "수영구 2020년 근로소득세는?", number=num(v, 0.5), rows=[[v]], sources=[TAX])
names = top(tax, "value", 1, "adm2")
case(
    "ranking",
    "en",
    "Which district in Korea had the highest labor income tax in 2020?",
    rows=[[n] for n in names],
    sources=[TAX],
)

# ----- mortality_cleaned_2020 (all-cause death rate per 100k, by 시군구 and sex) --------------------

v = float(mort_busan_total.loc["Yeongdo-gu", "value"])
case(
    "lookup",
    "en",
    "All-cause mortality rate of Yeongdo-gu in 2020 (per 100k)?",
    number=num(v, 0.05),
    rows=[[v]],
    sources=[MORT],
)
names = top(mort_busan_total.reset_index(), "value", 1, "adm2")
case(
    "ranking",
    "en",
    "Which Busan district had the highest total mortality rate in 2020?",
    rows=[[n] for n in names],
    sources=[MORT],
)
v = float(mort_busan_total["value"].mean())
case("average", "ko", "2020년 부산 구·군 전체 사망률(total) 평균은?", number=num(v, 0.5), sources=[MORT])
v = float(
    mort[(mort["adm1"] == "Busan") & (mort["adm2"] == "Jung-gu") & (mort["class2"] == "male")]["value"].iloc[
        0
    ]
)
case("lookup", "ko", "부산 중구 남성 사망률(10만명당)은?", number=num(v, 0.05), rows=[[v]], sources=[MORT])

# ----- census2010_provinces_age_sex (KOSIS census 2010; header on line 3) -------------------------

v = as_int(census_total.loc["부산광역시", "인구 (명)"])
case("lookup", "ko", "2010년 인구총조사 부산광역시 인구는?", number=num(v, 0.5), rows=[[v]], sources=[CENSUS])
v = as_int(census_total.loc["부산광역시", "여자 (명)"])
case(
    "lookup",
    "en",
    "Female population of Busan in the 2010 census?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[CENSUS],
)
v = float(census_total.loc["부산광역시", "성비(명) (%)"])
case("lookup", "ko", "2010년 부산 성비는?", number=num(v, 0.05), rows=[[v]], sources=[CENSUS])
v = as_int(census_total.loc["전국", "인구 (명)"])
case(
    "lookup",
    "en",
    "Total population of Korea in the 2010 census?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[CENSUS],
)
v = as_int(
    census[(census["행정구역별"] == "부산광역시") & (census["연령별"] == "0 - 4세")]["인구 (명)"].iloc[0]
)
case(
    "lookup",
    "en",
    "How many children aged 0-4 lived in Busan in 2010?",
    number=num(v, 0.5),
    rows=[[v]],
    sources=[CENSUS],
)

# ----- bukok_geumjeong_hourly (AirKorea hourly readings at 부곡동, Geumjeong-gu, Nov 2014) -------

v = float(air["PM10_ugm3"].mean())
case("average", "ko", "부곡동 측정소 PM10 평균 농도는?", number=num(v, 0.1), sources=[AIR])
v = float(air["PM10_ugm3"].max())
case(
    "lookup",
    "en",
    "Highest hourly PM10 reading at the Bugok station?",
    number=num(v, 0),
    rows=[[v]],
    sources=[AIR],
)
v = int((air["PM10_ugm3"] >= 80).sum())
case(
    "count",
    "ko",
    "부곡동 PM10이 80 이상이었던 시간은 몇 시간인가요?",
    number=num(v, 0),
    rows=[[v]],
    sources=[AIR],
)
v = float(air["NO2_ppm"].mean())
case(
    "average", "en", "Average NO2 (ppm) at Bugok-dong in November 2014?", number=num(v, 0.0005), sources=[AIR]
)

# ----- refusals: the data lacks the year, the place or the measure ---------------------------------

assert teu.index.max() == 2019
case("refuse", "en", "Busan port container throughput in 2022?", refuse=True, tags=["year"])
assert births["시점"].max() == 2022
case("refuse", "ko", "2024년 부산 출생아 수는?", refuse=True, tags=["year"])
assert set(acc["발생년"]) == {2020}
case("refuse", "ko", "2023년 부산 교통사망사고 건수는?", refuse=True, tags=["year"])
case("refuse", "en", "Average apartment price in Haeundae-gu?", refuse=True, tags=["measure"])
case("refuse", "ko", "해운대구 1인 가구 수는 몇 가구인가요?", refuse=True, tags=["measure"])
case("refuse", "en", "How many tourists visited Haeundae beach in 2023?", refuse=True, tags=["measure"])
assert air["PM25_ugm3"].isna().all()
case("refuse", "ko", "부곡동 측정소 초미세먼지(PM2.5) 평균은?", refuse=True, tags=["measure", "empty_column"])
case("refuse", "en", "How many fires were there in Busan in 2024?", refuse=True, tags=["year"])
case("refuse", "ko", "부산 구별 실업률 알려줘", refuse=True, tags=["measure"])
case("refuse", "en", "Population of Ulleung-gun in 2025?", refuse=True, tags=["place"])


HEADER = """\
# Uncurated-table statistics cases (category sql), written blind on 2026-12-03.
# GENERATED by evaluation/uncurated/build_tables_gold.py from data/uncurated/*.csv:
# edit the script, not this file. tags[0] is the kind (lookup, ranking, count, total, average,
# filter, refuse). The tables are ingested with machine-drafted cards (--draft-card).
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
    langs = {lang: sum(1 for c in CASES if c["lang"] == lang) for lang in ("ko", "en")}
    print(f"wrote {len(CASES)} cases to {OUTPUT} ({langs})")
    for (kind, lang), count in sorted(kinds.items()):
        print(f"  {kind:8s} {lang}: {count}")


if __name__ == "__main__":
    main()
