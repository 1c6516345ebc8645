"""The built-in templates shipped with the app: 入户走访, 关爱巡访, 安全隐患排查, 城市管理问题.

A shipped version is never edited: a change is a new version (queued items name theirs).
"""

from __future__ import annotations

from server.cases.catalogue import CITY_CASE_CATEGORIES, HAZARD_CATEGORIES, SEVERITIES


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _choices(*pairs: tuple[str, str, str]) -> list[dict]:
    return [{"value": value, "label": _label(zh, en)} for value, zh, en in pairs]


_NEEDS = (
    ("medical", "就医/健康", "medical care / health"),
    ("eldercare", "养老照护", "elderly care"),
    ("financial", "生活困难/救助", "hardship / assistance"),
    ("employment", "就业", "employment"),
    ("housing_repair", "住房维修", "housing repair"),
    ("dispute", "矛盾纠纷调解", "dispute mediation"),
    ("other", "其他", "other"),
)
_HAZARDS = (
    ("electrical", "电气线路老化/插座过载", "old wiring / overloaded sockets"),
    ("ebike", "电动车室内充电或停放", "e-bike charged or parked indoors"),
    ("gas", "燃气使用不当", "unsafe gas use"),
    ("blocked_exit", "堵塞楼道/安全出口", "blocked stairway or exit"),
    ("group_rental", "群租", "overcrowded group rental"),
    ("dangerous_house", "房屋结构安全", "structural danger"),
    ("other", "其他", "other"),
)

HOUSEHOLD_VISIT_V1 = {
    "key": "household_visit",
    "version": 1,
    "kind": "household_visit",
    "title": _label("入户走访", "Household visit"),
    "fields": [
        {"name": "visit_date", "type": "date", "label": _label("走访日期", "Visit date"), "required": True},
        {
            "name": "anyone_home",
            "type": "yes_no",
            "label": _label("家中是否有人", "Anyone at home"),
            "required": True,
        },
        {
            "name": "people_met",
            "type": "number",
            "label": _label("见到的人数", "People met"),
            "required": True,
            "integer": True,
            "min": 1,
            "max": 30,
            "show_if": {"field": "anyone_home", "equals": True},
        },
        {
            "name": "housing",
            "type": "select_one",
            "label": _label("居住情况", "Occupancy"),
            "required": True,
            "choices": _choices(
                ("owner_occupied", "自住", "owner-occupied"),
                ("rented", "出租/租住", "rented"),
                ("group_rental", "群租", "group rental"),
                ("mixed_use", "住改商/“三合一”", "living mixed with business or storage"),
                ("vacant", "空置", "vacant"),
                ("unknown", "无法确认", "cannot tell"),
            ),
        },
        {
            "name": "special_groups",
            "type": "select_multiple",
            "label": _label("特殊群体", "Vulnerable members"),
            "hint": _label("没有则不选", "Leave empty if none"),
            "choices": _choices(
                ("living_alone", "独居老人", "older person living alone"),
                ("empty_nest", "空巢老人", "empty-nest elderly"),
                ("aged_80", "高龄(80岁以上)", "aged 80 or over"),
                ("disabled", "残疾人", "person with a disability"),
                ("low_income", "低保/特困", "minimum-income or extreme-hardship support"),
                ("special_care", "优抚对象", "special-care beneficiary"),
                ("lost_only_child", "失独家庭", "family who lost their only child"),
            ),
            "show_if": {"field": "anyone_home", "equals": True},
        },
        {
            "name": "needs",
            "type": "select_multiple",
            "label": _label("居民需求", "Needs raised"),
            "hint": _label("没有则不选", "Leave empty if none"),
            "choices": _choices(*_NEEDS),
            "show_if": {"field": "anyone_home", "equals": True},
        },
        {
            "name": "needs_detail",
            "type": "textarea",
            "label": _label("需求说明", "About the needs"),
            "required": True,
            "max": 500,
            "show_if": {"field": "needs", "in": [value for value, _, _ in _NEEDS]},
        },
        {
            "name": "hazards_seen",
            "type": "select_multiple",
            "label": _label("发现的安全隐患", "Hazards seen"),
            "hint": _label("没有则不选", "Leave empty if none"),
            "choices": _choices(*_HAZARDS),
        },
        {
            "name": "hazard_note",
            "type": "textarea",
            "label": _label("隐患说明", "About the hazards"),
            "required": True,
            "max": 500,
            "show_if": {"field": "hazards_seen", "in": [value for value, _, _ in _HAZARDS]},
        },
        {"name": "visit_photos", "type": "photo", "label": _label("照片", "Photos"), "max": 6},
        {"name": "notes", "type": "textarea", "label": _label("备注", "Notes"), "max": 1000},
    ],
}


# ---- 关爱巡访 welfare visit ----------------------------------------------------------------

_REACHED = ["home", "phone", "video"]
_AREA_STATUS = _choices(
    ("ok", "正常", "fine"),
    ("attention", "需关注", "needs watching"),
    ("problem", "有问题，需帮助", "a problem, needs help"),
)
# The five areas one district checks on every visit (domain README).
_AREAS = (
    ("health", "身体健康", "health"),
    ("finances", "经济状况", "finances"),
    ("family_care", "家庭赡养/照料责任落实", "family fulfilling care duties"),
    ("housing_safety", "住房及水电气安全", "housing and water / power / gas safety"),
    ("service_needs", "服务需求", "service needs"),
)


def _area_fields(name: str, zh: str, en: str) -> list[dict]:
    """A status for one area (when the resident was reached) and a note when it is not fine."""
    return [
        {
            "name": f"{name}_status",
            "type": "select_one",
            "label": _label(zh, en),
            "required": True,
            "choices": _AREA_STATUS,
            "show_if": {"field": "how_contacted", "in": _REACHED},
        },
        {
            "name": f"{name}_note",
            "type": "textarea",
            "label": _label(f"{zh}情况说明", f"About {en}"),
            "required": True,
            "max": 500,
            "show_if": {"field": f"{name}_status", "in": ["attention", "problem"]},
        },
    ]


WELFARE_VISIT_V1 = {
    "key": "welfare_visit",
    "version": 1,
    "kind": "welfare_visit",
    "title": _label("关爱巡访", "Welfare visit"),
    "fields": [
        {
            "name": "how_contacted",
            "type": "select_one",
            "label": _label("巡访方式", "How contacted"),
            "required": True,
            "choices": _choices(
                ("home", "上门探访", "home visit"),
                ("phone", "电话", "phone call"),
                ("video", "视频", "video call"),
                ("not_reached", "未联系上", "not reached"),
            ),
        },
        {
            "name": "not_reached_note",
            "type": "textarea",
            "label": _label("未联系上的情况", "What happened"),
            "hint": _label("如敲门无人应答、电话无人接听", "e.g. no answer at the door or on the phone"),
            "max": 500,
            "show_if": {"field": "how_contacted", "equals": "not_reached"},
        },
        *[field for area in _AREAS for field in _area_fields(*area)],
        {
            "name": "major_change",
            "type": "yes_no",
            "label": _label("是否有重大变化", "Major change in their life"),
            "hint": _label(
                "如住院、丧偶、子女离开、突发困难；24 小时内需再次探访",
                "e.g. hospital, bereavement, carer left; a visit is then due within 24 h",
            ),
            "required": True,
        },
        {
            "name": "major_change_note",
            "type": "textarea",
            "label": _label("重大变化说明", "About the change"),
            "required": True,
            "max": 500,
            "show_if": {"field": "major_change", "equals": True},
        },
        {
            "name": "referral_needed",
            "type": "yes_no",
            "label": _label("是否需要转介", "Referral needed"),
            "required": True,
        },
        {
            "name": "referral_target",
            "type": "select_one",
            "label": _label("转介对象", "Refer to"),
            "required": True,
            "choices": _choices(
                ("medical", "医疗机构/家庭医生", "clinic / family doctor"),
                ("eldercare", "养老服务中心", "elderly-care service centre"),
                ("civil_affairs", "民政救助", "civil-affairs assistance"),
                ("disability", "残联", "disabled persons' federation"),
                ("community", "社区居委会", "residents' committee"),
                ("property", "物业", "property management"),
                ("utilities", "水电气单位", "water / power / gas company"),
                ("other", "其他", "other"),
            ),
            "show_if": {"field": "referral_needed", "equals": True},
        },
        {
            "name": "referral_note",
            "type": "textarea",
            "label": _label("转介说明", "About the referral"),
            "max": 500,
            "show_if": {"field": "referral_needed", "equals": True},
        },
        {"name": "visit_photos", "type": "photo", "label": _label("照片", "Photos"), "max": 6},
        {"name": "notes", "type": "textarea", "label": _label("备注", "Notes"), "max": 1000},
    ],
}


# ---- 安全隐患排查 hazard inspection ---------------------------------------------------------


def _catalogue_choices(items: list[dict]) -> list[dict]:
    return [{"value": item["code"], "label": dict(item["label"])} for item in items]


HAZARD_INSPECTION_V1 = {
    "key": "hazard_inspection",
    "version": 1,
    "kind": "hazard_report",
    "title": _label("安全隐患排查", "Hazard inspection"),
    "fields": [
        {
            "name": "category",
            "type": "select_one",
            "label": _label("隐患类别", "Category"),
            "required": True,
            "choices": _catalogue_choices(HAZARD_CATEGORIES),
        },
        {
            "name": "severity",
            "type": "select_one",
            "label": _label("隐患等级", "Severity"),
            "required": True,
            "choices": _catalogue_choices(SEVERITIES),
        },
        {
            "name": "immediate_danger",
            "type": "yes_no",
            "label": _label("是否存在现实危险", "Immediate danger"),
            "required": True,
        },
        {
            "name": "danger_action",
            "type": "textarea",
            "label": _label("已采取的应急措施", "Emergency action taken"),
            "hint": _label("如已疏散、已报 119、已断电", "e.g. people moved out, 119 called, power cut"),
            "required": True,
            "max": 500,
            "show_if": {"field": "immediate_danger", "equals": True},
        },
        {
            "name": "description",
            "type": "textarea",
            "label": _label("隐患描述", "Description"),
            "required": True,
            "min": 4,
            "max": 1000,
        },
        {
            "name": "scene_photos",
            "type": "photo",
            "label": _label("现场照片", "Photos of the scene"),
            "required": True,
            "min": 1,
            "max": 9,
        },
        {
            "name": "address",
            "type": "text",
            "label": _label("地点", "Address"),
            "hint": _label("楼栋、门牌或位置描述", "building, door number or a description"),
            "max": 200,
        },
    ],
}


# ---- 城市管理问题 city case ----------------------------------------------------------------

_CITY_SUBCATEGORY = {
    "name": "subcategory",
    "type": "select_one",
    "label": _label("问题类别", "Category"),
    "required": True,
    # Labelled "大类 · 小类"; the top class is the code before the dot.
    "choices": [
        {
            "value": sub["code"],
            "label": _label(
                f"{top['label']['zh']} · {sub['label']['zh']}",
                f"{top['label']['en']} · {sub['label']['en']}",
            ),
        }
        for top in CITY_CASE_CATEGORIES
        for sub in top["subcategories"]
    ],
}
_CITY_DETAILS = [
    {
        "name": "description",
        "type": "textarea",
        "label": _label("问题描述", "Description"),
        "required": True,
        "min": 4,
        "max": 1000,
    },
    {
        "name": "scene_photos",
        "type": "photo",
        "label": _label("现场照片", "Photos of the scene"),
        "required": True,
        "min": 1,
        "max": 9,
    },
    {
        "name": "address",
        "type": "text",
        "label": _label("地点", "Address"),
        "hint": _label("路名门牌或位置描述", "street and number, or a description"),
        "max": 200,
    },
]

# Still installed: phones that pulled it before v2 may have reports queued under it.
CITY_CASE_V1 = {
    "key": "city_case",
    "version": 1,
    "kind": "city_case",
    "title": _label("城市管理问题", "City-management problem"),
    "fields": [_CITY_SUBCATEGORY, *_CITY_DETAILS],
}

# v2: a city report carries a severity like a hazard report (issue 4, build item 5).
CITY_CASE_V2 = {
    "key": "city_case",
    "version": 2,
    "kind": "city_case",
    "title": _label("城市管理问题", "City-management problem"),
    "fields": [
        _CITY_SUBCATEGORY,
        {
            "name": "severity",
            "type": "select_one",
            "label": _label("问题等级", "Severity"),
            "required": True,
            "choices": _catalogue_choices(SEVERITIES),
        },
        *_CITY_DETAILS,
    ],
}

# In version order per key: install_builtins adds the missing ones oldest first.
BUILTIN_TEMPLATES: list[dict] = [
    HOUSEHOLD_VISIT_V1,
    WELFARE_VISIT_V1,
    HAZARD_INSPECTION_V1,
    CITY_CASE_V1,
    CITY_CASE_V2,
]
