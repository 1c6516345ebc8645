"""The form kinds: one descriptor per kind of submission, the only place a kind is declared.

Adding a kind touches this module (one FormKind in KINDS) and one template of that kind (a
built-in in server/forms/builtins.py, or an admin's POST /forms). Everything else reads the
descriptors: the template check (schemas.py), the push (submissions/service.py), the case a
report opens (cases/service.py), 我的上报's filters, and the phone, through the pulled
"form_kinds" catalogue (server/sync/pull.py). tests/api/test_form_kinds.py adds a made-up kind
that way and pushes a submission of it.

Behaviour a descriptor cannot say stays with its feature: a welfare visit names its resident and
moves the visit schedule (submissions, visits); a case's category comes from its kind's
answers (cases/service.py case_row knows "hazard" and "city").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.i18n import msg

# Every kind may name the returned submission it fixes (resubmits), the task it completes and the
# campaign target it closes (server/submissions/events.py).
LINK_KEYS = ("resubmits", "task_id", "campaign_target_id")


@dataclass(frozen=True)
class FormKind:
    """What the server and the phone need to know about one kind of submission."""

    kind: str
    label_zh: str
    label_en: str
    # The payload keys the kind records beside LINK_KEYS; any other key is rejected.
    payload_keys: tuple[str, ...]
    # The built-in template of this kind (the one a new phone's home screen opens).
    template_key: str
    # The kind of Case a submission opens (state `reported`); None: it opens no case.
    case_kind: str | None = None
    # Photos the whole submission carries (every photo field and the item's own list).
    min_photos: int = 0
    max_photos: int | None = None  # None: only the push's per-item cap

    @property
    def opens_case(self) -> bool:
        return self.case_kind is not None

    @property
    def review(self) -> str:
        """Where a supervisor reviews it: a report on its case, a visit as a submission."""
        return "case" if self.opens_case else "submission"

    @property
    def accepted_keys(self) -> tuple[str, ...]:
        return (*self.payload_keys, *LINK_KEYS)

    def photo_count_problem(self, count: int) -> str | None:
        """What is wrong with a submission of this kind carrying `count` photos (None: nothing).

        The phone says the same words before saving (pwa/src/register/kinds.ts).
        """
        low, high = self.min_photos, self.max_photos
        if count >= low and (high is None or count <= high):
            return None
        if high is None:
            zh, en = f"至少 {low} 张照片", f"at least {low}"
        elif low:
            zh, en = f"需要 {low}–{high} 张照片", f"{low}–{high}"
        else:
            zh, en = f"最多 {high} 张照片", f"at most {high}"
        return msg(
            f"{self.label_zh}：{zh}（现有 {count} 张）",
            f"A {self.label_en.lower()} takes {en} photos (this one has {count})",
        )

    def catalogue_item(self) -> dict[str, Any]:
        """The descriptor as the phone reads it from the "form_kinds" catalogue."""
        return {
            "code": self.kind,
            "label": {"zh": self.label_zh, "en": self.label_en},
            "payload_keys": list(self.payload_keys),
            "link_keys": list(LINK_KEYS),
            "opens_case": self.opens_case,
            "case_kind": self.case_kind,
            "min_photos": self.min_photos,
            "max_photos": self.max_photos,
            "review": self.review,
            "template_key": self.template_key,
        }


# duplicate_of: the open case the worker answered 「同一问题，补充到该案件」 to (offline, from the
# pulled cases); the new case carries it to the supervisor as a merge suggestion.
_REPORT_KEYS = ("grid_id", "household_id", "building_id", "address", "answers", "duplicate_of")

KINDS: dict[str, FormKind] = {
    k.kind: k
    for k in (
        FormKind(
            "household_visit",
            "入户走访",
            "Household visit",
            payload_keys=("grid_id", "household_id", "answers"),
            template_key="household_visit",
        ),
        FormKind(
            "welfare_visit",
            "关爱巡访",
            "Welfare visit",
            payload_keys=("grid_id", "household_id", "resident_id", "answers"),
            template_key="welfare_visit",
        ),
        FormKind(
            "hazard_report",
            "安全隐患排查",
            "Hazard inspection",
            payload_keys=_REPORT_KEYS,
            template_key="hazard_inspection",
            case_kind="hazard",
            min_photos=1,
            max_photos=9,
        ),
        FormKind(
            "city_case",
            "城市管理问题",
            "City management case",
            payload_keys=_REPORT_KEYS,
            template_key="city_case",
            case_kind="city",
            min_photos=1,
            max_photos=9,
        ),
    )
}


def form_kind(kind: str) -> FormKind | None:
    """The descriptor of a kind; None for a kind no form records (a register edit, a case action)."""
    return KINDS.get(kind)


def opens_case(kind: str) -> bool:
    found = KINDS.get(kind)
    return found is not None and found.opens_case


def form_kinds_catalogue() -> list[dict[str, Any]]:
    """Every descriptor, in declaration order, as the pulled catalogue's items."""
    return [k.catalogue_item() for k in KINDS.values()]
