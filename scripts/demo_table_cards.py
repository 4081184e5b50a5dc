"""The table cards of the curated demo tables, written by scripts/build_demo_tables.py as YAML."""

from __future__ import annotations

from typing import Any

CardDict = dict[str, Any]

_DISTRICT_SYNONYMS = ["구", "구군", "자치구", "district", "districts", "gu", "borough", "구별", "자치구별"]


def col(name: str, type_: str, role: str, ko: str, en: str, *, unit: str | None = None,
        aggregation: str | None = None, synonyms: list[str] | None = None) -> dict[str, Any]:
    column: dict[str, Any] = {"name": name, "type": type_, "role": role}
    if unit:
        column["unit"] = unit
    column["description"] = {"ko": ko, "en": en}
    if aggregation:
        column["aggregation"] = aggregation
    column["synonyms"] = synonyms or []
    return column


def _district_columns() -> list[dict[str, Any]]:
    return [
        col("district", "VARCHAR", "dimension", "구·군 이름 (한글, 예: 해운대구)",
            "District (gu/gun) name in Korean, e.g. 해운대구", synonyms=_DISTRICT_SYNONYMS),
        col("district_en", "VARCHAR", "attribute", "구·군 영문 이름 (예: Haeundae-gu, Yeonje-gu)",
            "District name in English, e.g. Haeundae-gu (연제구 is spelled Yeonje-gu)"),
    ]


POPULATION: CardDict = {
    "name": "population_by_district_2025",
    "title": {"ko": "부산광역시 구·군별 주민등록인구 (2025년 5월)",
              "en": "Busan registered population by district (May 2025)"},
    "description": {
        "ko": "행정안전부 주민등록 인구통계 2025년 5월 말 기준 부산 16개 구·군의 총인구와 연령대(0-14세, "
              "15-64세, 65세 이상)별 인구, 65세 이상 인구 비율. 시 전체는 16개 구·군의 합(3,254,457명).",
        "en": "Resident registration population of Busan's 16 districts at the end of May 2025 (Ministry of "
              "the Interior and Safety): total, age groups 0-14, 15-64 and 65+, and the share aged 65+. "
              "The city total is the sum of the 16 districts.",
    },
    "source": {"name": "MOIS resident registration population, May 2025 (zina1104/250624)",
               "url": "https://github.com/zina1104/250624"},
    "licence": "Public statistics (Korea Open Government Licence)",
    "as_of": "2025-05-31",
    "grain": "one row per district (구·군) of Busan",
    "file": "population_by_district_2025.csv",
    "synonyms": ["인구", "주민등록인구", "인구 통계", "연령별 인구", "population", "registered population",
                 "resident registration", "residents", "demographics", "고령화", "ageing", "aging"],
    "columns": [
        col("admin_code", "VARCHAR", "key", "행정기관코드 앞 5자리 (예: 26350)",
            "Administrative district code, first 5 digits (e.g. 26350)", synonyms=["행정코드", "admin code"]),
        *_district_columns(),
        col("total_population", "BIGINT", "measure", "총인구수 (주민등록)", "Total registered population",
            unit="명", aggregation="sum",
            synonyms=["인구", "총인구", "인구수", "주민등록인구", "주민 수", "주민", "사람", "주민등록 인구",
                      "population", "total population", "registered population", "residents",
                      "inhabitants", "people", "populous", "populated"]),
        col("age_0_14", "BIGINT", "measure", "0-14세 인구 (유소년 인구)", "Population aged 0-14 (children)",
            unit="명", aggregation="sum",
            synonyms=["유소년 인구", "유소년", "어린이", "아동", "0-14세", "0~14세", "14세 이하", "children",
                      "kids", "aged 0-14", "age 0-14", "under 15", "young population"]),
        col("age_15_64", "BIGINT", "measure", "15-64세 인구 (생산가능인구)",
            "Population aged 15-64 (working age)", unit="명", aggregation="sum",
            synonyms=["생산가능인구", "생산연령인구", "15-64세", "15~64세", "working-age", "working age",
                      "aged 15-64", "age 15-64"]),
        col("age_65_plus", "BIGINT", "measure", "65세 이상 인구 (고령인구)", "Population aged 65 and over",
            unit="명", aggregation="sum",
            synonyms=["고령인구", "고령 인구", "노인 인구", "노인", "65세 이상", "65세이상", "어르신",
                      "elderly", "seniors", "senior citizens", "older people", "aged 65+", "65+",
                      "65 and over", "65 or older", "over 65", "aged 65 and over"]),
        col("age_65_plus_share_pct", "DOUBLE", "measure",
            "65세 이상 인구 비율 (%, 소수 둘째 자리)", "Share of the population aged 65+ (%, 2 decimals)",
            unit="%", aggregation="avg",
            synonyms=["고령인구 비율", "고령인구비율", "고령화율", "고령화 비율", "노인 인구 비율", "노인 비율",
                      "65세 이상 인구 비율", "65세 이상 비율", "65세이상 비율", "elderly share",
                      "share of elderly", "share of seniors", "ageing rate", "aging rate",
                      "elderly ratio", "proportion of elderly", "percentage of elderly",
                      "share aged 65", "percentage aged 65", "share of residents aged 65",
                      "share of people aged 65", "proportion aged 65", "65+ share"]),
        col("reference_month", "VARCHAR", "time", "기준 연월 (2025-05)", "Reference month (2025-05)",
            synonyms=["기준월", "reference month"]),
    ],
    "joins": [{"table": "district_land_area", "on": ["district"]}],
}

AIR: CardDict = {
    "name": "air_quality_by_district",
    "title": {"ko": "부산 구·군별 연평균 대기오염도와 기상 (2001-2021)",
              "en": "Yearly air quality and weather by Busan district (2001-2021)"},
    "description": {
        "ko": "에어코리아 확정 측정자료를 크리깅으로 구·군 중심점에 추정한 연평균 미세먼지(PM10), "
              "초미세먼지(PM2.5, 2015년부터), 이산화질소, 오존, 일산화탄소, 아황산가스 농도와 기온·강수량. "
              "부산 전체 값은 16개 구·군 값의 평균.",
        "en": "Yearly average PM10, PM2.5 (from 2015), NO2, O3, CO and SO2 concentrations and weather per Busan "
              "district, kriged from AirKorea final measurements to each district's centroid (Yun, Park & Kim "
              "2023). A Busan-wide figure is the average of the 16 districts.",
    },
    "source": {"name": "Air Pollution and Weather Data by Si-Gun-Gu in South Korea v2.0.0 (ysd2004/AirKorea)",
               "url": "https://github.com/ysd2004/AirKorea"},
    "licence": "Cite Yun, S.D., Y.S. Park and S.G. Kim (2023)",
    "as_of": "2021-12-31",
    "grain": "one row per district and year",
    "file": "air_quality_by_district.csv",
    "synonyms": ["대기질", "대기오염", "공기질", "미세먼지", "대기 환경", "air quality", "air pollution",
                 "pollution", "airkorea", "에어코리아", "dust"],
    "columns": [
        col("sig_code", "VARCHAR", "key", "시군구 코드 (26xxx)", "Si-gun-gu code (26xxx)"),
        *_district_columns(),
        col("year", "INTEGER", "time", "연도", "Year", synonyms=["연도", "년", "year", "연도별"]),
        col("pm10_ugm3", "DOUBLE", "measure", "연평균 미세먼지(PM10) 농도", "Yearly average PM10 concentration",
            unit="µg/m³", aggregation="avg",
            synonyms=["미세먼지", "미세먼지 농도", "pm10", "pm 10", "pm-10", "미세 먼지", "particulate matter",
                      "coarse dust", "pm10 level", "pm10 concentration"]),
        col("pm25_ugm3", "DOUBLE", "measure", "연평균 초미세먼지(PM2.5) 농도 (2015년부터)",
            "Yearly average PM2.5 concentration (from 2015; NULL before)", unit="µg/m³", aggregation="avg",
            synonyms=["초미세먼지", "초미세먼지 농도", "초미세 먼지", "pm2.5", "pm 2.5", "pm25", "pm-2.5",
                      "fine dust", "fine particulate", "fine particles", "ultrafine dust", "fine dust level"]),
        col("no2_ppm", "DOUBLE", "measure", "연평균 이산화질소(NO2) 농도", "Yearly average NO2 concentration",
            unit="ppm", aggregation="avg",
            synonyms=["이산화질소", "no2", "nitrogen dioxide"]),
        col("o3_ppm", "DOUBLE", "measure", "연평균 오존(O3) 농도", "Yearly average ozone (O3) concentration",
            unit="ppm", aggregation="avg", synonyms=["오존", "o3", "ozone"]),
        col("co_ppm", "DOUBLE", "measure", "연평균 일산화탄소(CO) 농도", "Yearly average CO concentration",
            unit="ppm", aggregation="avg", synonyms=["일산화탄소", "co", "carbon monoxide"]),
        col("so2_ppm", "DOUBLE", "measure", "연평균 아황산가스(SO2) 농도", "Yearly average SO2 concentration",
            unit="ppm", aggregation="avg",
            synonyms=["아황산가스", "이산화황", "so2", "sulfur dioxide", "sulphur dioxide"]),
        col("pm10_bad_days", "INTEGER", "measure", "PM10 > 80 µg/m³ (나쁨 이상)인 날 수",
            "Days with PM10 above 80 µg/m³ (unhealthy or worse, Korean standard)", unit="일",
            aggregation="avg",
            synonyms=["미세먼지 나쁨 일수", "나쁨 일수", "미세먼지 나쁨", "bad air days", "unhealthy days",
                      "days with unhealthy pm10", "pm10 bad days"]),
        col("avg_temp_c", "DOUBLE", "measure", "연평균 기온", "Yearly average temperature", unit="°C",
            aggregation="avg", synonyms=["기온", "평균기온", "평균 기온", "온도", "temperature",
                                         "average temperature", "mean temperature"]),
        col("precipitation_mm", "DOUBLE", "measure", "연강수량", "Yearly total precipitation", unit="mm",
            aggregation="avg", synonyms=["강수량", "연강수량", "비", "precipitation", "rainfall", "rain"]),
    ],
}

PORTS: CardDict = {
    "name": "port_container_throughput",
    "title": {"ko": "세계 주요 항만 컨테이너 물동량 (2011-2019)",
              "en": "Container throughput of the world's top ports (2011-2019)"},
    "description": {
        "ko": "세계 100대 컨테이너 항만의 연간 컨테이너 처리량(백만 TEU), 2011-2019. 부산항, 인천항 포함.",
        "en": "Yearly container throughput of the world's top 100 container ports in million TEU, 2011-2019, "
              "including Busan and Incheon.",
    },
    "source": {"name": "Global Shipping Ports (dmitriusagoston/Global-Shipping-Ports)",
               "url": "https://github.com/dmitriusagoston/Global-Shipping-Ports"},
    "licence": "None stated",
    "as_of": "2019-12-31",
    "grain": "one row per port and year",
    "file": "port_container_throughput.csv",
    "synonyms": ["항만", "항구", "항만 물동량", "부산항", "port", "ports", "harbour", "harbor", "shipping",
                 "container port", "container ports"],
    "columns": [
        col("year", "INTEGER", "time", "연도", "Year", synonyms=["연도", "년", "year"]),
        col("port", "VARCHAR", "dimension", "항만 이름 (영문, 예: Busan)", "Port name in English, e.g. Busan",
            synonyms=["항만", "항구", "항", "port", "ports", "harbour", "harbor", "항만별"]),
        col("port_ko", "VARCHAR", "attribute", "항만 이름 (한글, 주요 항만만)",
            "Port name in Korean (well-known ports only)"),
        col("teu_million", "DOUBLE", "measure", "컨테이너 처리량 (백만 TEU)", "Container throughput (million TEU)",
            unit="백만 TEU", aggregation="sum",
            synonyms=["컨테이너 물동량", "물동량", "컨테이너 처리량", "처리량", "컨테이너", "teu",
                      "throughput", "container throughput", "container traffic", "container volume",
                      "containers handled", "container handling", "twenty-foot equivalent units", "volume"]),
    ],
}

ACCIDENTS: CardDict = {
    "name": "traffic_fatal_accidents_2020",
    "title": {"ko": "부산 교통사망사고 (2020년)", "en": "Fatal traffic accidents in Busan (2020)"},
    "description": {
        "ko": "2020년 부산에서 발생한 모든 교통사망사고 (도로교통공단). 한 행이 사고 한 건이며 "
              "사고 건수는 행의 수(COUNT(*)). 발생 일시, 주야, 요일, 구·군, 사상자 수, 사고유형, 법규위반, "
              "도로형태, 가해·피해 당사자 차종, 위치.",
        "en": "Every fatal traffic accident in Busan in 2020 (Korea Road Traffic Authority via data.go.kr). One "
              "row per accident, so the number of accidents is COUNT(*): time, day/night, weekday, district, "
              "casualties, accident type, violation, road type, vehicles, location.",
    },
    "source": {"name": "KoROAD fatal traffic accidents 2020 (statgarten/datatoys accident)",
               "url": "https://github.com/statgarten/datatoys"},
    "licence": "CC0 (data.go.kr open data)",
    "as_of": "2020-12-31",
    "grain": "one row per fatal traffic accident",
    "file": "traffic_fatal_accidents_2020.csv",
    "synonyms": ["교통사고", "교통 사고", "사망사고", "교통사망사고", "교통 사망사고", "사망 사고", "사고",
                 "traffic accidents", "fatal accidents", "fatal traffic accidents", "road accidents",
                 "crashes", "fatal crashes", "road deaths", "traffic fatalities", "accidents"],
    "columns": [
        col("accident_id", "VARCHAR", "key", "사고 일련번호 (사고 건수는 COUNT(*))",
            "Accident id (the number of accidents is COUNT(*))", aggregation="count",
            synonyms=["사망사고 건수", "교통사망사고 건수", "사고 건수", "사고건수", "사망사고", "교통사망사고",
                      "교통사고", "사고", "사망 사고", "number of accidents", "fatal accidents",
                      "fatal traffic accidents", "traffic accidents", "accidents", "crashes",
                      "fatal crashes", "accident count", "road accidents"]),
        col("occurred_at", "VARCHAR", "attribute", "발생 일시 (ISO, 시 단위)", "When it happened (ISO, to the hour)"),
        col("year", "INTEGER", "time", "발생 연도 (2020)", "Year (2020)", synonyms=["연도", "year"]),
        col("month", "INTEGER", "dimension", "발생 월 (1-12)", "Month (1-12)",
            synonyms=["월", "월별", "month", "monthly", "by month"]),
        col("hour", "INTEGER", "dimension", "발생 시각 (0-23시)", "Hour of day (0-23)",
            synonyms=["시간대", "시각", "hour", "time of day"]),
        col("day_night", "VARCHAR", "dimension", "주야 구분 (주=주간, 야=야간)", "Day or night in Korean (주/야)",
            synonyms=["주야", "주간 야간", "주야별", "day or night", "day/night"]),
        col("day_night_en", "VARCHAR", "attribute", "주야 구분 영문 (day/night)", "Day or night (day/night)"),
        col("weekday", "VARCHAR", "dimension", "요일 (월-일)", "Weekday in Korean (월 … 일)",
            synonyms=["요일", "요일별", "weekday", "day of the week", "day of week"]),
        col("weekday_en", "VARCHAR", "attribute", "요일 영문 (Mon-Sun)", "Weekday (Mon … Sun)"),
        *_district_columns(),
        col("deaths", "INTEGER", "measure", "사망자 수", "People killed", unit="명", aggregation="sum",
            synonyms=["사망자", "사망자 수", "사망자수", "숨진", "숨졌", "사망한 사람", "deaths", "killed",
                      "fatalities", "people killed", "people died", "died", "dead"]),
        col("injuries", "INTEGER", "measure", "부상자 수", "People injured", unit="명", aggregation="sum",
            synonyms=["부상자", "부상자 수", "부상자수", "다친", "injuries", "injured", "people injured"]),
        col("serious_injuries", "INTEGER", "measure", "중상자 수", "Seriously injured", unit="명",
            aggregation="sum", synonyms=["중상자", "중상", "serious injuries", "seriously injured"]),
        col("minor_injuries", "INTEGER", "measure", "경상자 수", "Slightly injured", unit="명",
            aggregation="sum", synonyms=["경상자", "경상", "minor injuries", "slightly injured"]),
        col("accident_type_major", "VARCHAR", "dimension", "사고유형 대분류 (차대사람, 차대차, 차량단독)",
            "Accident type, major class (vehicle-pedestrian, vehicle-vehicle, single-vehicle)",
            synonyms=["사고유형", "사고 유형", "유형", "유형별", "사고유형별", "accident type", "type of accident",
                      "by type", "type"]),
        col("accident_type_major_en", "VARCHAR", "attribute", "사고유형 대분류 영문",
            "Accident type, major class, in English"),
        col("accident_type", "VARCHAR", "dimension", "세부 사고유형 (횡단중, 측면충돌, 추돌 …)",
            "Detailed accident type (crossing, side collision, rear-end …)",
            synonyms=["세부 사고유형", "세부 유형", "detailed accident type", "detailed type"]),
        col("violation", "VARCHAR", "dimension", "가해자 법규위반 (안전운전 의무 불이행, 신호위반, 과속 …)",
            "Offender's violation (unsafe driving, signal violation, speeding …)",
            synonyms=["법규위반", "법규 위반", "위반", "위반 유형", "법규위반별", "violation", "violations",
                      "cause", "causes"]),
        col("road_type", "VARCHAR", "dimension", "도로형태 (기타단일로, 교차로내, 교차로부근 …)",
            "Road type (road section, inside intersection, near intersection …)",
            synonyms=["도로형태", "도로 형태", "도로형태별", "road type", "type of road"]),
        col("offender_vehicle", "VARCHAR", "dimension", "가해자 차종 (승용차, 이륜차, 화물차 …)",
            "Offender's vehicle (car, motorcycle, truck …)",
            synonyms=["가해 차종", "가해자 차종", "가해차량", "가해 차량", "offender vehicle",
                      "offending vehicle", "vehicle type"]),
        col("victim_vehicle", "VARCHAR", "dimension", "피해자 당사자 종별 (보행자, 없음, 이륜차 …)",
            "Victim (pedestrian, none, motorcycle …)",
            synonyms=["피해자 종별", "피해 당사자", "피해자 유형", "victim type", "victim"]),
        col("latitude", "DOUBLE", "attribute", "위도", "Latitude"),
        col("longitude", "DOUBLE", "attribute", "경도", "Longitude"),
    ],
}

BIRTHS: CardDict = {
    "name": "births_by_province",
    "title": {"ko": "시도별 출생·사망·혼인·이혼 (1990-2022)",
              "en": "Births, deaths, marriages and divorces by province (1990-2022)"},
    "description": {
        "ko": "통계청 인구동향조사: 17개 시도의 연간 출생아 수, 합계출산율(2000년 이전 일부 없음), 조출생률, "
              "사망자 수, 조사망률, 자연증가, 혼인·이혼 건수. 2022년은 잠정치.",
        "en": "Statistics Korea vital statistics for the 17 provinces (시도): yearly births, total fertility "
              "rate (missing for some early years), crude birth rate, deaths, crude death rate, natural "
              "increase, marriages and divorces, 1990-2022. 2022 figures are preliminary.",
    },
    "source": {"name": "KOSIS vital statistics (statgarten/datatoys birthRate)",
               "url": "https://github.com/statgarten/datatoys"},
    "licence": "CC0 (KOSIS open data)",
    "as_of": "2022-12-31",
    "grain": "one row per province (시도) and year",
    "file": "births_by_province.csv",
    "synonyms": ["인구동향", "출생", "출산", "저출산", "혼인", "결혼", "이혼", "vital statistics", "births",
                 "fertility", "marriages", "divorces"],
    "columns": [
        col("province", "VARCHAR", "dimension", "시도 이름 (한글 정식 명칭, 예: 부산광역시)",
            "Province / metropolitan city, Korean official name (e.g. 부산광역시)",
            synonyms=["시도", "시·도", "광역자치단체", "시도별", "지역", "지역별", "province", "provinces",
                      "region", "regions", "metropolitan city", "by province", "by region"]),
        col("province_en", "VARCHAR", "attribute", "시도 영문 이름 (예: Busan)", "Province name in English"),
        col("year", "INTEGER", "time", "연도", "Year", synonyms=["연도", "년", "year"]),
        col("births", "BIGINT", "measure", "출생아 수", "Live births", unit="명", aggregation="sum",
            synonyms=["출생아 수", "출생아수", "출생아", "출생 건수", "출생건수", "출생", "신생아", "태어난",
                      "births", "live births", "babies", "newborns", "born", "number of births"]),
        col("total_fertility_rate", "DOUBLE", "measure", "합계출산율 (여성 1명당 출생아 수)",
            "Total fertility rate (births per woman)", unit="명", aggregation="avg",
            synonyms=["합계출산율", "합계 출산율", "출산율", "tfr", "total fertility rate", "fertility rate",
                      "fertility", "births per woman"]),
        col("crude_birth_rate", "DOUBLE", "measure", "조출생률 (인구 천 명당 출생아 수)",
            "Crude birth rate (births per 1,000 people)", unit="‰", aggregation="avg",
            synonyms=["조출생률", "출생률", "crude birth rate", "birth rate"]),
        col("deaths", "BIGINT", "measure", "사망자 수", "Deaths", unit="명", aggregation="sum",
            synonyms=["사망자 수", "사망자수", "사망자", "사망 건수", "사망건수", "사망", "deaths",
                      "number of deaths", "people died", "died"]),
        col("crude_death_rate", "DOUBLE", "measure", "조사망률 (인구 천 명당 사망자 수)",
            "Crude death rate (deaths per 1,000 people)", unit="‰", aggregation="avg",
            synonyms=["조사망률", "사망률", "crude death rate", "death rate", "mortality rate"]),
        col("natural_increase", "BIGINT", "measure", "자연증가 (출생 - 사망)",
            "Natural increase (births minus deaths)", unit="명", aggregation="sum",
            synonyms=["자연증가", "자연 증가", "자연증가건수", "natural increase", "natural growth",
                      "natural population change"]),
        col("marriages", "BIGINT", "measure", "혼인 건수", "Marriages", unit="건", aggregation="sum",
            synonyms=["혼인 건수", "혼인건수", "혼인", "결혼 건수", "결혼", "marriages", "weddings",
                      "number of marriages", "married"]),
        col("divorces", "BIGINT", "measure", "이혼 건수", "Divorces", unit="건", aggregation="sum",
            synonyms=["이혼 건수", "이혼건수", "이혼", "divorces", "number of divorces", "divorced"]),
        col("preliminary", "BOOLEAN", "attribute", "잠정치 여부 (2022년)", "Preliminary figure (2022)"),
    ],
}

LAND: CardDict = {
    "name": "district_land_area",
    "title": {"ko": "부산 구·군 면적과 행정동 수 (2023년 말)",
              "en": "Busan districts: land area and number of administrative dongs (end of 2023)"},
    "description": {
        "ko": "부산광역시 영문 홈페이지의 자치구·군 현황 (2023-12-31 기준): 행정동 수, 인구, 면적(km²), "
              "홈페이지. 인구밀도는 population_by_district_2025와 district로 조인해 인구 / 면적으로 계산. "
              "원 페이지의 합계 행(3,349,556명)은 구·군 합보다 8,000명 적어 제외.",
        "en": "Busan's autonomous districts as of 2023-12-31 (busan.go.kr English site): number of "
              "administrative dongs, population, land area in km² and website. Population density is "
              "total_population / land_area_km2 joined with population_by_district_2025 on district. The "
              "page's total row (8,000 less than the districts' sum) is left out.",
    },
    "source": {"name": "Busan Metropolitan City, Autonomous districts (busan.go.kr English site)",
               "url": "https://english.busan.go.kr"},
    "licence": "Not shown (public government web page)",
    "as_of": "2023-12-31",
    "grain": "one row per district (구·군) of Busan",
    "file": "district_land_area.csv",
    "synonyms": ["면적", "구 면적", "행정구역 현황", "인구밀도", "land area", "area", "size", "density",
                 "population density", "district overview"],
    "columns": [
        *_district_columns(),
        col("admin_dong_count", "INTEGER", "measure", "행정동 수", "Number of administrative dongs",
            unit="개", aggregation="sum",
            synonyms=["행정동 수", "행정동수", "행정동", "동 수", "동의 수", "administrative dongs", "dongs",
                      "number of dongs", "neighbourhoods", "neighborhoods"]),
        col("population_2023", "BIGINT", "measure", "인구 (2023년 말, 시 홈페이지)",
            "Population at the end of 2023 (city website)", unit="명", aggregation="sum",
            synonyms=["2023년 인구", "2023 population", "population in 2023"]),
        col("land_area_km2", "DOUBLE", "measure", "면적 (km²)", "Land area (km²)", unit="km²",
            aggregation="sum",
            synonyms=["면적", "땅 면적", "토지 면적", "넓이", "넓은", "land area", "area", "size", "largest area",
                      "km2", "km²", "square kilometres", "square kilometers"]),
        col("website", "VARCHAR", "attribute", "구·군 홈페이지", "District website",
            synonyms=["홈페이지", "website", "homepage"]),
    ],
    "joins": [{"table": "population_by_district_2025", "on": ["district"]}],
}

CARDS: dict[str, CardDict] = {card["name"]: card for card in (POPULATION, AIR, PORTS, ACCIDENTS, BIRTHS, LAND)}
