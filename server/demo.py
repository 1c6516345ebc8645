"""Demo data for 南浦街道: the real community names from the work report, the rest marked 示例.

Everything here is demo data; the printed logins share one demo password.
"""

from __future__ import annotations

from sqlalchemy import func, select

from server.auth import service as auth_service
from server.auth.models import User
from server.cases import loop
from server.cases.models import Case
from server.cases.service import case_row, open_cases
from server.extensions import db
from server.forms.service import install_builtins
from server.org.models import Community, Department, Grid, Street
from server.register.care import age_on, effective_tier
from server.register.idcard import make_id_number
from server.register.models import Building, Household, Resident
from server.register.schedule import next_due
from server.tasks.models import Task
from server.timeutil import local_date, utcnow

DEMO_PASSWORD = "demo-gridwalk"
STREET_NAME = "南浦街道"
STREET_CODE = "360103-001"  # 西湖区 360103, street 001
REAL_COMMUNITIES = ["蓼洲街社区", "应天寺社区", "孺子路社区", "六眼井社区"]
DEPARTMENTS = [
    ("城管执法中队", "city_management"),
    ("社区居委会", "community"),
    ("物业服务中心", "property"),
    ("消防救援站", "fire"),
    ("市场监管所", "market"),
]


def community_names() -> list[str]:
    """18 communities: the four the report names, then 示例社区05 … 示例社区18."""
    return REAL_COMMUNITIES + [f"示例社区{n:02d}" for n in range(5, 19)]


def is_empty() -> bool:
    """True when no street exists yet (make run seeds only then)."""
    return not db.session.scalar(select(func.count()).select_from(Street))


def seed_org() -> Street:
    """The street, 18 communities with 3–5 grids each, and the handling departments."""
    street = Street(name=STREET_NAME, code=STREET_CODE)
    db.session.add(street)
    for index, name in enumerate(community_names(), start=1):
        community = Community(street=street, name=name, code=f"{STREET_CODE}-{index:03d}")
        for g in range(1, 3 + index % 3 + 1):
            community.grids.append(Grid(code=f"{community.code}-{g:03d}", name=f"{name}第{g}网格"))
        db.session.add(community)
    db.session.flush()
    for name, kind in DEPARTMENTS:
        db.session.add(Department(street_id=street.id, name=name, kind=kind))
    db.session.flush()
    return street


def seed_users() -> list[tuple[str, str, str]]:
    """One demo user per role plus a worker for every grid; returns (username, role, what)."""
    communities = db.session.scalars(select(Community).order_by(Community.code)).all()
    first = communities[0]
    city_team = db.session.scalar(select(Department).where(Department.kind == "city_management"))
    logins: list[tuple[str, str, str]] = []
    # Every demo account has the one published password: hashed once, not once per account
    # (scrypt costs about 0.2 s here, and the demo street has dozens of workers).
    shared_hash = auth_service.hash_password(DEMO_PASSWORD)

    def add(username: str, display: str, role: str, what: str, **assignment) -> None:
        auth_service.create_user(
            username=username,
            display_name=display,
            password=DEMO_PASSWORD,
            password_hash=shared_hash,
            role=role,
            **assignment,
        )
        logins.append((username, role, what))

    add("admin", "系统管理员（演示）", "admin", "全部")
    add("street", "街道值班长（演示）", "supervisor", f"{STREET_NAME}全街道", street_wide=True)
    add("supervisor", "社区受理员（演示）", "supervisor", first.name, community_id=first.id)
    add("handler", "城管队员（演示）", "handler", city_team.name, department_id=city_team.id)
    for c_index, community in enumerate(communities, start=1):
        for g_index, grid in enumerate(community.grids, start=1):
            username = "worker" if (c_index, g_index) == (1, 1) else f"w{c_index:02d}{g_index:02d}"
            add(
                username,
                f"网格员{c_index:02d}-{g_index}（演示）",
                "worker",
                grid.name,
                grid_ids=[grid.id],
            )
    return logins


def existing_logins() -> list[tuple[str, str, str]]:
    """The demo logins already in the database (for `make run` on a seeded database)."""
    users = db.session.scalars(
        select(User).where(User.display_name.like("%（演示）"), User.active.is_(True)).order_by(User.id)
    ).all()
    return [(u.username, u.role, _assignment(u)) for u in users]


def _assignment(user: User) -> str:
    if user.grids:
        return user.grids[0].name
    if user.community:
        return user.community.name
    if user.department:
        return user.department.name
    return "全街道" if user.role == "supervisor" else "全部"


def seed_forms() -> None:
    """The built-in form templates (入户走访, ...); the same ones `flask forms install-builtins` adds."""

    install_builtins()


# ---- the register: synthetic households and residents (all fictional, marked 演示数据) ----------

DEMO_NOTE = "演示数据（虚构）"
DEMO_REGION = "360103"  # 西湖区: every demo ID number says so
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志文德福荣海成新春"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美娅淑惠珠翠雅芝玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹"
# Household make-up of an old city district: about 2.6 people each, about 20 % aged 60 or more.
HOUSEHOLD_KINDS = (
    ("elder_alone", 0.11),
    ("elder_couple", 0.13),
    ("single", 0.11),
    ("couple", 0.15),
    ("family", 0.50),
)
UNITS_PER_BUILDING, FLOORS, ROOMS_PER_FLOOR = 2, 6, 2


class RegisterGenerator:
    """Deterministic fictional households for one grid: same grid code and seed, same people."""

    def __init__(self, grid_id: int, grid_code: str, grid_number: int, seed: int = 2026):
        import random

        self.rng = random.Random(f"{grid_code}:{seed}")
        self.grid_id = grid_id
        self.grid_number = grid_number

    def _uuid(self):
        import uuid

        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _name(self, gender: str, surname: str | None = None) -> str:
        pool = GIVEN_MALE if gender == "male" else GIVEN_FEMALE
        given = "".join(self.rng.choice(pool) for _ in range(self.rng.choice((1, 2, 2))))
        return (surname or self.rng.choice(SURNAMES)) + given

    def _birth(self, today, low: int, high: int):
        from datetime import timedelta

        age = self.rng.randint(low, high)
        return today.replace(year=today.year - age - 1, month=1, day=1) + timedelta(
            days=self.rng.randint(0, 364)
        )

    def _phone(self, share: float) -> str | None:
        return f"138{self.rng.randrange(10**8):08d}" if self.rng.random() < share else None

    def _members(self, kind: str, today) -> list[dict]:
        """(gender, birth date, relation, tags) of one household's people, head first."""
        rng = self.rng
        gender = rng.choice(("male", "female"))
        other = "female" if gender == "male" else "male"
        if kind == "elder_alone":
            return [
                {
                    "gender": gender,
                    "born": self._birth(today, 65, 95),
                    "relation": "head",
                    "tags": ["living_alone"],
                }
            ]
        if kind == "elder_couple":
            return [
                {
                    "gender": gender,
                    "born": self._birth(today, 60, 90),
                    "relation": "head",
                    "tags": ["empty_nest"],
                },
                {
                    "gender": other,
                    "born": self._birth(today, 60, 88),
                    "relation": "spouse",
                    "tags": ["empty_nest"],
                },
            ]
        if kind == "single":
            return [{"gender": gender, "born": self._birth(today, 20, 59), "relation": "head", "tags": []}]
        people = [
            {"gender": gender, "born": self._birth(today, 28, 58), "relation": "head", "tags": []},
            {"gender": other, "born": self._birth(today, 26, 56), "relation": "spouse", "tags": []},
        ]
        if kind == "family":
            for _ in range(1 if rng.random() < 0.6 else 2):
                people.append(
                    {
                        "gender": rng.choice(("male", "female")),
                        "born": self._birth(today, 0, 25),
                        "relation": "child",
                        "tags": [],
                    }
                )
            if rng.random() < 0.3:
                people.append(
                    {
                        "gender": rng.choice(("male", "female")),
                        "born": self._birth(today, 60, 90),
                        "relation": "parent",
                        "tags": [],
                    }
                )
        return people

    def _tags(self, person: dict, age: int, kind: str) -> list[str]:
        rng = self.rng
        tags = list(person["tags"])
        if age >= 80:
            tags.append("aged")
        odds = (
            ("disabled", 0.06 if age >= 60 else 0.01),
            ("disabled_care", 0.05 if age >= 75 else 0.0),
            ("low_income", 0.03),
            ("extreme_hardship", 0.01),
            ("lost_only_child", 0.02 if kind in ("elder_alone", "elder_couple") else 0.0),
            ("special_care", 0.01),
            ("military_family", 0.01 if kind == "family" else 0.0),
            ("critical_illness", 0.01 if age >= 70 else 0.0),
        )
        tags.extend(tag for tag, chance in odds if rng.random() < chance)
        return tags

    def generate(self, households: int, now) -> tuple[list[dict], list[dict], list[dict]]:
        """Rows for buildings, households and residents (ready for bulk insert)."""

        rng = self.rng
        today = local_date(now)
        per_building = UNITS_PER_BUILDING * FLOORS * ROOMS_PER_FLOOR
        kinds, weights = zip(*HOUSEHOLD_KINDS, strict=True)
        buildings: list[dict] = []
        household_rows: list[dict] = []
        resident_rows: list[dict] = []
        for n in range(households):
            if n % per_building == 0:
                number = len(buildings) + 1
                buildings.append(
                    {
                        "id": self._uuid(),
                        "grid_id": self.grid_id,
                        "name": f"示例小区{number}栋",
                        "address": f"示例路{self.grid_number}号示例小区{number}栋",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            building = buildings[-1]
            slot = n % per_building
            unit = slot // (FLOORS * ROOMS_PER_FLOOR) + 1
            floor = slot % (FLOORS * ROOMS_PER_FLOOR) // ROOMS_PER_FLOOR + 1
            room = f"{floor}0{slot % ROOMS_PER_FLOOR + 1}"
            kind = rng.choices(kinds, weights)[0]
            surname = rng.choice(SURNAMES)
            household_id = self._uuid()
            people = self._members(kind, today)
            for index, person in enumerate(people):
                name = self._name(person["gender"], None if person["relation"] == "spouse" else surname)
                age = age_on(person["born"], today)
                tags = self._tags(person, age, kind)
                status = rng.choices(("present", "away", "moved_out"), (0.95, 0.04, 0.01))[0]
                sequence = rng.randrange(500) * 2 + (1 if person["gender"] == "male" else 0)
                tier = effective_tier(person["born"], tags, status, None, today)
                if index == 0:
                    head_name = name
                resident_rows.append(
                    {
                        "id": self._uuid(),
                        "household_id": household_id,
                        "grid_id": self.grid_id,
                        "name": name,
                        "gender": person["gender"],
                        "birth_date": person["born"],
                        # Children under 16 often have no card yet; everyone else does.
                        "id_number": make_id_number(DEMO_REGION, person["born"], sequence)
                        if age >= 16
                        else None,
                        "phone": self._phone(0.5 if 18 <= age < 60 else 0.25 if age >= 60 else 0.0),
                        "relation": person["relation"],
                        "status": status,
                        "tags": tags,
                        "care_tier": tier,
                        "care_tier_override": None,
                        "care_tier_reason": None,
                        "last_visit_at": None,
                        "last_contact_method": None,
                        "not_reached_streak": 0,
                        "major_change_at": None,
                        "visit_flag": None,
                        "next_visit_due": next_due(
                            tier=tier, created_at=now, last_visit_at=None, major_change_at=None
                        ),
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                        "updated_by": None,
                    }
                )
            household_rows.append(
                {
                    "id": household_id,
                    "building_id": building["id"],
                    "grid_id": self.grid_id,
                    "unit": f"{unit}单元",
                    "room": room,
                    "address": f"{building['address']}{unit}单元{room}",
                    "housing_type": rng.choices(("own", "rent", "group_rental"), (0.7, 0.26, 0.04))[0],
                    "head_name": head_name,
                    "phone": self._phone(0.8),
                    "notes": DEMO_NOTE,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "updated_by": None,
                }
            )
        return buildings, household_rows, resident_rows


def seed_households(per_grid: int, seed: int = 2026, grids: list | None = None) -> tuple[int, int]:
    """Add `per_grid` fictional households (and their residents) to every grid; bulk inserts.

    No feed changes are written: phones take the register from their first snapshot.
    Returns (households, residents) added.
    """
    from sqlalchemy import insert

    if per_grid <= 0:
        return 0, 0
    now = utcnow()
    connection = db.session.connection()
    grids = grids if grids is not None else db.session.scalars(select(Grid).order_by(Grid.code)).all()
    households = residents = 0
    for number, grid in enumerate(grids, start=1):
        buildings, household_rows, resident_rows = RegisterGenerator(
            grid.id, grid.code, number, seed
        ).generate(per_grid, now)
        connection.execute(insert(Building.__table__), buildings)
        connection.execute(insert(Household.__table__), household_rows)
        for start in range(0, len(resident_rows), 5000):
            connection.execute(insert(Resident.__table__), resident_rows[start : start + 5000])
        households += len(household_rows)
        residents += len(resident_rows)
    return households, residents


def seed_cases() -> int:
    """A few demo cases (演示) along the loop in the first worker's grid, and one task; returns the case count."""
    import uuid
    from datetime import timedelta

    worker = db.session.scalar(select(User).where(User.username == "worker"))
    supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
    handler = db.session.scalar(select(User).where(User.username == "handler"))
    if worker is None or supervisor is None or handler is None or not worker.grids:
        return 0
    grid_id = worker.grids[0].id
    now = utcnow()
    samples = [
        ("street_order.unlicensed_vendor", "（演示）路口流动摊点占道经营", "general", "reported"),
        ("city_appearance.exposed_garbage", "（演示）小区门口暴露垃圾未清运", "serious", "dispatched"),
        ("street_order.bike_parking", "（演示）人行道非机动车乱停放", "general", "closed"),
    ]
    rows = [
        case_row(
            case_kind="city",
            answers={"subcategory": sub, "description": text, "severity": severity},
            submission_id=None,
            grid_id=grid_id,
            building_id=None,
            household_id=None,
            address="示例路1号（演示）",
            location={"lat": 28.6801 + n * 0.001, "lng": 115.8612, "accuracy": 10.0},
            photos=[],
            reporter_id=worker.id,
            reported_at=now - timedelta(hours=3),
            now=now - timedelta(hours=3),
        )
        for n, (sub, text, severity, _) in enumerate(samples)
    ]
    open_cases(rows)

    steps = {
        "dispatched": [(supervisor, "file"), (supervisor, "dispatch")],
        "closed": [
            (supervisor, "file"),
            (supervisor, "dispatch"),
            (handler, "handle"),
            (worker, "check"),
            (supervisor, "close"),
        ],
    }
    for row, (_, _, _, target) in zip(rows, samples, strict=True):
        case = db.session.get(Case, row["id"])
        for actor, action in steps.get(target, []):
            clean = {
                "action": action,
                "comment": "演示",
                "photos": [],
                "department_id": handler.department_id,
                "assignee_id": None,
                "deadline": None,
            }
            loop.apply(case, clean, actor, now, loop.TRANSITIONS[(case.state, action)])
    db.session.add(
        Task(
            id=uuid.uuid4(),
            kind="check_case",
            grid_id=grid_id,
            case_id=rows[1]["id"],
            assignee_id=worker.id,
            due_at=now + timedelta(days=2),
            status="open",
            note="（演示）处置后请到现场核查",
            created_by=supervisor.id,
            created_at=now,
            version=1,
        )
    )
    db.session.flush()
    return len(rows)
