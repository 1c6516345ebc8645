"""The built-in templates shipped with the app: 入户走访 household visit (the rest come later)."""

from __future__ import annotations


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

BUILTIN_TEMPLATES: list[dict] = [HOUSEHOLD_VISIT_V1]
