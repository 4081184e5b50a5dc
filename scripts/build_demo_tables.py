"""Build the curated demo tables (CSV + TableCard YAML) in data/demo/tables from ../shared/data.

Usage: python scripts/build_demo_tables.py [--shared ../shared/data] [--out data/demo/tables]

Every output value comes from the shared public data files; the script only selects rows, renames
columns, reshapes (ports to long form) and adds English labels. Each card is validated with
`load_table_card`, and each verified example query in examples.yaml is executed against the CSVs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.sql.cards import load_table_card  # noqa: E402
from scripts.demo_sql_examples import EXAMPLES  # noqa: E402
from scripts.demo_table_cards import CARDS  # noqa: E402

# Busan's 16 autonomous districts: Korean name, English name (Yeonje-gu, not Yeonjae-gu).
DISTRICTS_EN = {
    "중구": "Jung-gu",
    "서구": "Seo-gu",
    "동구": "Dong-gu",
    "영도구": "Yeongdo-gu",
    "부산진구": "Busanjin-gu",
    "동래구": "Dongnae-gu",
    "남구": "Nam-gu",
    "북구": "Buk-gu",
    "해운대구": "Haeundae-gu",
    "사하구": "Saha-gu",
    "금정구": "Geumjeong-gu",
    "강서구": "Gangseo-gu",
    "연제구": "Yeonje-gu",
    "수영구": "Suyeong-gu",
    "사상구": "Sasang-gu",
    "기장군": "Gijang-gun",
}
DISTRICTS_KO = {en: ko for ko, en in DISTRICTS_EN.items()}

PROVINCES_EN = {
    "서울특별시": "Seoul",
    "부산광역시": "Busan",
    "대구광역시": "Daegu",
    "인천광역시": "Incheon",
    "광주광역시": "Gwangju",
    "대전광역시": "Daejeon",
    "울산광역시": "Ulsan",
    "세종특별자치시": "Sejong",
    "경기도": "Gyeonggi-do",
    "강원도": "Gangwon-do",
    "충청북도": "Chungcheongbuk-do",
    "충청남도": "Chungcheongnam-do",
    "전라북도": "Jeollabuk-do",
    "전라남도": "Jeollanam-do",
    "경상북도": "Gyeongsangbuk-do",
    "경상남도": "Gyeongsangnam-do",
    "제주특별자치도": "Jeju-do",
}

PORTS_KO = {
    "Busan": "부산",
    "Incheon": "인천",
    "Shanghai": "상하이",
    "Singapore": "싱가포르",
    "Ningbo": "닝보",
    "Shenzhen": "선전",
    "Guangzhou": "광저우",
    "Qingdao": "칭다오",
    "Hong Kong": "홍콩",
    "Tianjin": "톈진",
    "Rotterdam": "로테르담",
    "Dubai": "두바이",
    "Antwerp": "안트베르펜",
    "Kaohsiung": "가오슝",
    "Los Angeles": "로스앤젤레스",
    "Long Beach": "롱비치",
    "Hamburg": "함부르크",
    "Tokyo": "도쿄",
    "Yokohama": "요코하마",
    "Kobe": "고베",
    "Osaka": "오사카",
    "Nagoya": "나고야",
    "Xiamen": "샤먼",
    "Dalian": "다롄",
    "Klang": "클랑",
    "New York": "뉴욕",
    "Yeosu Gwangyang": "광양",
}

DAY_NIGHT_EN = {"주": "day", "야": "night"}
WEEKDAY_EN = {"월": "Mon", "화": "Tue", "수": "Wed", "목": "Thu", "금": "Fri", "토": "Sat", "일": "Sun"}
ACCIDENT_MAJOR_EN = {
    "차대사람": "vehicle-pedestrian",
    "차대차": "vehicle-vehicle",
    "차량단독": "single-vehicle",
    "철길건널목": "railway crossing",
}


def build_population(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(
        shared / "statistics/mois_resident_2025_busan/busan_population_agegroups_202505.csv",
        dtype={"행정기관코드": str},
    )
    rows = raw[raw["level"] == "구군"].copy()
    rows["district"] = rows["행정구역"].str.replace("부산광역시 ", "", regex=False)
    frame = pd.DataFrame(
        {
            "admin_code": rows["행정기관코드"].str[:5],
            "district": rows["district"],
            "district_en": rows["district"].map(DISTRICTS_EN),
            "total_population": rows["총인구수"],
            "age_0_14": rows["0_14세"],
            "age_15_64": rows["15_64세"],
            "age_65_plus": rows["65세이상"],
            "age_65_plus_share_pct": rows["65세이상_비율_pct"],
            "reference_month": "2025-05",
        }
    )
    _require(len(frame) == 16 and frame["district_en"].notna().all(), "population: expected 16 districts")
    return frame.reset_index(drop=True)


def build_air_quality(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "statistics/airkorea_sigungu/pandw_v2000.csv", na_values=["NA"])
    rows = raw[raw["SIG_CD"].astype(str).str.startswith("26")].copy()
    rows["district_en"] = rows["SIG_ENG_NM"].str.strip()
    frame = pd.DataFrame(
        {
            "sig_code": rows["SIG_CD"].astype(str),
            "district": rows["district_en"].map(DISTRICTS_KO),
            "district_en": rows["district_en"],
            "year": rows["year"].astype(int),
            "pm10_ugm3": rows["PM10avg"].round(3),
            "pm25_ugm3": rows["PM25avg"].round(3),
            "no2_ppm": rows["NO2avg"].round(5),
            "o3_ppm": rows["O3avg"].round(5),
            "co_ppm": rows["COavg"].round(4),
            "so2_ppm": rows["SO2avg"].round(5),
            "pm10_bad_days": rows["PM10freq"].astype("Int64"),
            "avg_temp_c": rows["tavg"].round(2),
            "precipitation_mm": rows["ppt"].round(1),
        }
    )
    _require(frame["district"].notna().all(), "air quality: unknown district name")
    _require(frame["district"].nunique() == 16, "air quality: expected 16 districts")
    return frame.sort_values(["year", "sig_code"]).reset_index(drop=True)


def build_ports(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "statistics/global_ports_teu/TEUByYear.csv")
    raw = raw.loc[:, [c for c in raw.columns if not c.startswith("Unnamed")]]
    long = raw.melt(id_vars="year", var_name="port", value_name="teu_million").dropna()
    long["port"] = long["port"].str.strip()
    long["port_ko"] = long["port"].map(PORTS_KO)
    frame = long[["year", "port", "port_ko", "teu_million"]].copy()
    frame["year"] = frame["year"].astype(int)
    return frame.sort_values(["port", "year"]).reset_index(drop=True)


def build_accidents(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "statistics/datagokr_datatoys/accident.csv")
    rows = raw[raw["발생지시도"] == "부산"].copy()
    rows = rows.sort_values(["발생년월일시", "발생지시군구"], kind="stable").reset_index(drop=True)
    occurred = pd.to_datetime(rows["발생년월일시"])
    frame = pd.DataFrame(
        {
            "accident_id": [f"2020-busan-{i + 1:03d}" for i in range(len(rows))],
            "occurred_at": occurred.dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "year": rows["발생년"].astype(int),
            "month": occurred.dt.month,
            "hour": occurred.dt.hour,
            "day_night": rows["주야"],
            "day_night_en": rows["주야"].map(DAY_NIGHT_EN),
            "weekday": rows["요일"],
            "weekday_en": rows["요일"].map(WEEKDAY_EN),
            "district": rows["발생지시군구"],
            "district_en": rows["발생지시군구"].map(DISTRICTS_EN),
            "deaths": rows["사망자수"],
            "injuries": rows["부상자수"],
            "serious_injuries": rows["중상자수"],
            "minor_injuries": rows["경상자수"],
            "accident_type_major": rows["사고유형_대분류"],
            "accident_type_major_en": rows["사고유형_대분류"].map(ACCIDENT_MAJOR_EN),
            "accident_type": rows["사고유형"],
            "violation": rows["가해자법규위반"],
            "road_type": rows["도로형태"],
            "offender_vehicle": rows["가해자_당사자종별"],
            "victim_vehicle": rows["피해자_당사자종별"],
            "latitude": rows["위도"],
            "longitude": rows["경도"],
        }
    )
    _require(frame["district_en"].notna().all(), "accidents: unknown district")
    return frame


def build_births(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "statistics/datagokr_datatoys/birthRate.csv")
    rows = raw[raw["행정구역별"].isin(PROVINCES_EN)].copy()
    frame = pd.DataFrame(
        {
            "province": rows["행정구역별"],
            "province_en": rows["행정구역별"].map(PROVINCES_EN),
            "year": rows["시점"].astype(int),
            "births": rows["출생건수_명"].astype("Int64"),
            "total_fertility_rate": rows["합계출산율"],
            "crude_birth_rate": rows["조출생률_천명당"],
            "deaths": rows["사망건수_명"].astype("Int64"),
            "crude_death_rate": rows["조사망률_천명당"],
            "natural_increase": rows["자연증가건수_명"].astype("Int64"),
            "marriages": rows["혼인건수_건"].astype("Int64"),
            "divorces": rows["이혼건수_건"].astype("Int64"),
            "preliminary": rows["시점"].astype(int) == 2022,
        }
    )
    return frame.sort_values(["year", "province"]).reset_index(drop=True)


def build_land_area(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "statistics/busan_districts/busan_autonomous_districts.csv")
    frame = pd.DataFrame(
        {
            "district": raw["gu_gun"].map(DISTRICTS_KO),
            "district_en": raw["gu_gun"],
            "admin_dong_count": raw["num_administrative_dong"],
            "population_2023": raw["population"],
            "land_area_km2": raw["land_area_km2"],
            "website": raw["website"],
        }
    )
    _require(frame["district"].notna().all() and len(frame) == 16, "land area: expected 16 districts")
    return frame


BUILDERS = {
    "population_by_district_2025": build_population,
    "air_quality_by_district": build_air_quality,
    "port_container_throughput": build_ports,
    "traffic_fatal_accidents_2020": build_accidents,
    "births_by_province": build_births,
    "district_land_area": build_land_area,
}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"build_demo_tables: {message}")


def write_table(name: str, frame: pd.DataFrame, card: dict[str, Any], out: Path) -> None:
    card_columns = [column["name"] for column in card["columns"]]
    _require(
        card_columns == list(frame.columns), f"{name}: card columns {card_columns} != {list(frame.columns)}"
    )
    frame.to_csv(out / f"{name}.csv", index=False, encoding="utf-8")
    text = yaml.safe_dump(card, allow_unicode=True, sort_keys=False, width=110)
    (out / f"{name}.yaml").write_text(text, encoding="utf-8")
    load_table_card(out / f"{name}.yaml")


def load_into_duckdb(out: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for name in BUILDERS:
        card = load_table_card(out / f"{name}.yaml")
        types = {column.name: column.type for column in card.columns}
        connection.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header=true, columns=?)",
            [str(out / card.file), types],
        )
    return connection


def write_examples(out: Path) -> None:
    connection = load_into_duckdb(out)
    for example in EXAMPLES:
        rows = connection.execute(example["sql"]).fetchall()
        _require(bool(rows), f"example returns no rows: {example['question']}")
    text = yaml.safe_dump(EXAMPLES, allow_unicode=True, sort_keys=False, width=110)
    header = (
        "# Verified question -> SQL examples over the curated tables (built by "
        "scripts/build_demo_tables.py).\n"
    )
    (out / "examples.yaml").write_text(header + text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "demo" / "tables")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, builder in BUILDERS.items():
        frame = builder(args.shared)
        write_table(name, frame, CARDS[name], args.out)
        print(f"{name}: {len(frame)} rows")
    write_examples(args.out)
    print(f"examples: {len(EXAMPLES)}")


if __name__ == "__main__":
    main()
