"""The register's code lists with zh/en labels: housing types, relations, statuses, tags, care tiers."""

from __future__ import annotations


def _items(*rows: tuple[str, str, str]) -> list[dict]:
    return [{"code": code, "label": {"zh": zh, "en": en}} for code, zh, en in rows]


HOUSING_TYPES = _items(
    ("own", "自有", "owner-occupied"),
    ("rent", "租住", "rented"),
    ("group_rental", "群租", "group rental"),
)
GENDERS = _items(("male", "男", "male"), ("female", "女", "female"))
RELATIONS = _items(
    ("head", "户主本人", "head of household"),
    ("spouse", "配偶", "spouse"),
    ("child", "子女", "child"),
    ("child_in_law", "儿媳/女婿", "child-in-law"),
    ("grandchild", "孙子女/外孙子女", "grandchild"),
    ("parent", "父母", "parent"),
    ("sibling", "兄弟姐妹", "sibling"),
    ("other_relative", "其他亲属", "other relative"),
    ("tenant", "租客", "tenant"),
    ("other", "其他", "other"),
)
STATUSES = _items(
    ("present", "在住", "living here"),
    ("away", "外出", "away"),
    ("moved_out", "迁出", "moved out"),
    ("deceased", "去世", "deceased"),
)
# Residents no longer living here are off the visit list.
OFF_REGISTER_STATUSES = frozenset({"moved_out", "deceased"})
RESIDENT_TAGS = _items(
    ("living_alone", "独居", "living alone"),
    ("empty_nest", "空巢", "empty nest"),
    ("aged", "高龄", "advanced age (80+)"),
    ("disabled", "残疾", "disability"),
    ("disabled_care", "失能", "loss of self-care ability"),
    ("lost_only_child", "失独", "lost their only child"),
    ("low_income", "低保", "minimum living allowance"),
    ("extreme_hardship", "特困", "extreme hardship support"),
    ("special_care", "优抚对象", "special-care beneficiary"),
    ("military_family", "现役军人家属", "family of active serviceman"),
    # The high-risk tier includes life-threatening illness (the 2022 local rule): a tag carries it.
    ("critical_illness", "重病", "life-threatening illness"),
)
CARE_TIERS = _items(
    ("high", "重点高风险", "high risk"),
    ("key", "重点", "key"),
    ("general", "一般", "general"),
    ("none", "无需巡访", "not on the visit list"),
)

HOUSING_TYPE_CODES = frozenset(item["code"] for item in HOUSING_TYPES)
GENDER_CODES = frozenset(item["code"] for item in GENDERS)
RELATION_CODES = frozenset(item["code"] for item in RELATIONS)
STATUS_CODES = frozenset(item["code"] for item in STATUSES)
TAG_CODES = frozenset(item["code"] for item in RESIDENT_TAGS)
CARE_TIER_CODES = frozenset(item["code"] for item in CARE_TIERS)
