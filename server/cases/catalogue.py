"""Case catalogues: the twelve hazard focus areas, severities, and GB/T 30428 city-management
classes with a default handling time limit per subcategory (an admin edits them: limits.py).

Time limits: {"value": n, "unit": "working_hours" | "working_days"}, counted on the working-day
calendar from dispatch. The defaults are common street-level practice, meant to be tuned.
"""

from __future__ import annotations


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


HAZARD_CATEGORIES: list[dict] = [
    {"code": code, "label": _label(zh, en)}
    for code, zh, en in (
        ("residential", "住宅小区", "residential compound"),
        ("crowded", "人员密集场所", "crowded place (market, school, hospital)"),
        ("highrise", "高层建筑", "high-rise building"),
        ("electrical", "电气火灾", "electrical fire hazard (wiring, overloaded sockets)"),
        ("old_housing", "老旧住宅(含棚户区)", "old housing incl. shanty areas"),
        ("three_in_one", "“三合一”场所", "premises mixing living with production/storage"),
        ("group_rental", "群租房", "overcrowded group rental"),
        ("ebike", "电动车火灾", "e-bike charging / parking fire risk"),
        ("dangerous_house", "危旧房", "structurally dangerous house"),
        ("demolition", "拆除工程施工现场", "demolition site"),
        ("major_fire_unit", "重大火灾隐患单位", "unit with a major fire hazard"),
        ("key_fire_unit", "消防安全重点单位", "key fire-safety unit"),
    )
]

SEVERITIES: list[dict] = [
    {"code": "general", "label": _label("一般", "general")},
    {"code": "serious", "label": _label("较大", "serious")},
    {"code": "major", "label": _label("重大", "major")},
]


def _hours(n: int) -> dict:
    return {"value": n, "unit": "working_hours"}


def _days(n: int) -> dict:
    return {"value": n, "unit": "working_days"}


# (class code, zh, en, [(subcategory code, zh, en, default limit), ...])
_CITY_CLASSES = [
    (
        "street_order",
        "街面秩序",
        "street order",
        [
            ("unlicensed_vendor", "无照经营游商", "unlicensed street vendor", _hours(2)),
            ("outside_shop", "店外经营", "trading outside the shop", _hours(4)),
            ("bike_parking", "非机动车乱停放", "disorderly bicycle / e-bike parking", _hours(4)),
            ("car_parking", "机动车乱停放", "disorderly car parking", _hours(4)),
            ("scrap_collection", "占道废品收购", "scrap collection on the road", _hours(4)),
            ("material_piling", "乱堆物料", "materials piled in public space", _days(1)),
            ("commercial_noise", "商业噪音", "commercial noise", _hours(4)),
            ("outdoor_bbq", "露天烧烤", "open-air barbecue", _hours(2)),
            ("street_drying", "沿街晾挂", "laundry hung along the street", _days(1)),
            ("low_ac_unit", "空调室外机低挂", "air-conditioner unit mounted too low", _days(5)),
        ],
    ),
    (
        "city_appearance",
        "市容环境",
        "city appearance",
        [
            ("illegal_structure", "私搭乱建", "illegal structure", _days(5)),
            ("exposed_garbage", "暴露垃圾", "exposed garbage", _hours(4)),
            ("accumulated_waste", "积存垃圾渣土", "accumulated garbage or muck", _days(1)),
            ("dirty_road", "道路不洁", "dirty road", _hours(4)),
            ("abandoned_vehicle", "废弃车辆", "abandoned vehicle", _days(5)),
            ("burning_waste", "焚烧树叶垃圾", "burning leaves or rubbish", _hours(2)),
            ("cooking_fumes", "油烟污染", "cooking fume pollution", _days(3)),
        ],
    ),
    (
        "advertising",
        "宣传广告",
        "advertising",
        [
            ("illegal_flyers", "非法小广告", "illegal flyers", _days(1)),
            ("roadside_billboard", "占道广告牌", "billboard blocking the road", _days(1)),
            ("damaged_signboard", "广告招牌破损", "damaged shop sign", _days(2)),
        ],
    ),
    (
        "construction",
        "施工管理",
        "construction",
        [
            ("construction_disturbance", "施工扰民", "construction disturbing residents", _hours(4)),
            ("site_dust", "工地扬尘", "construction-site dust", _hours(4)),
            ("road_occupation", "施工占道", "construction occupying the road", _days(1)),
            ("unpermitted_excavation", "无证掘路", "road dug up without a permit", _hours(4)),
        ],
    ),
    (
        "emergency",
        "突发事件",
        "emergencies",
        [
            ("road_collapse", "路面塌陷", "road surface collapse", _hours(1)),
            ("gas_pipe_burst", "燃气管道破裂", "burst gas pipe", _hours(1)),
            ("road_flooding", "道路积水", "flooded road", _hours(2)),
            ("overhead_cable_damage", "架空线缆损坏", "damaged overhead cable", _hours(2)),
        ],
    ),
]

CITY_CASE_CATEGORIES: list[dict] = [
    {
        "code": code,
        "label": _label(zh, en),
        "subcategories": [
            {"code": f"{code}.{sub}", "label": _label(sub_zh, sub_en), "time_limit": limit}
            for sub, sub_zh, sub_en, limit in subs
        ],
    }
    for code, zh, en, subs in _CITY_CLASSES
]

HAZARD_CATEGORY_CODES = frozenset(item["code"] for item in HAZARD_CATEGORIES)
SEVERITY_CODES = frozenset(item["code"] for item in SEVERITIES)
CITY_SUBCATEGORIES: dict[str, dict] = {
    sub["code"]: dict(sub, class_code=top["code"], class_label=top["label"])
    for top in CITY_CASE_CATEGORIES
    for sub in top["subcategories"]
}


def city_class_of(subcategory: str) -> str:
    """The top class of a subcategory code: street_order.unlicensed_vendor → street_order."""
    return subcategory.split(".", 1)[0]
