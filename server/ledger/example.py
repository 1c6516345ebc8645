"""The bundled example ledger (docs/examples/ledger-example.xlsx): made-up people in the demo
street's grids, laid out as a street office's 居民底册 usually is, to show what the import takes.

Generated, never edited by hand: `python docs/examples/make_ledger_example.py` writes it again
from this module, and a test holds the bundled file to it. No real person: the names are drawn
from common characters and the ID numbers are built with a valid check character only.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from server.register.idcard import make_id_number

TITLE = "南浦街道居民底册（示例数据，人员均为虚构）"
NOTE = "说明：第 1 行为标题，第 2–3 行为表头（合并单元格），数据从第 4 行起；空行会被跳过。"
GROUPS = [("姓名", 1, 1), ("身份信息", 2, 5), ("联系方式", 6, 6), ("住址", 7, 11), ("人员情况", 12, 13)]
HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "社区",
    "网格",
    "楼栋",
    "单元",
    "门牌/房号",
    "与户主关系",
    "人员类别/标签",
]
# Where each household lives: (community, grid, building) in the demo street of `make run`.
PLACES = [
    ("蓼洲街社区", "第1网格", "1栋"),
    ("蓼洲街社区", "第1网格", "2栋"),
    ("蓼洲街社区", "第2网格", "5栋"),
    ("应天寺社区", "第1网格", "3栋"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡"
GIVEN_MALE = "建国志强伟军磊洋勇涛明超刚"
GIVEN_FEMALE = "秀英芳娜敏静丽艳娟兰霞桂"
CATEGORIES = [None, None, None, "独居", "高龄", "低保", "残疾、低保", "空巢"]
EXCEL_EPOCH = date(1899, 12, 30)
FIXED_TIME = datetime(2026, 1, 1)


def rows(seed: int = 13) -> list[list[Any]]:
    """The data rows, in sheet order (None for the empty row left between two households)."""
    rng = random.Random(seed)
    out: list[list[Any]] = []
    sequence = 0
    for place_index, (community, grid, building) in enumerate(PLACES):
        for h in range(3):
            unit, room = f"{h % 2 + 1}单元", f"{h + 1}0{place_index + 1}"
            surname = SURNAMES[rng.randrange(len(SURNAMES))]
            head_born = date(1938 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28))
            members = [("户主", "male" if h % 2 == 0 else "female", head_born)]
            if h != 2:
                members.append(("配偶", "female" if h % 2 == 0 else "male", head_born + timedelta(days=400)))
                members.append(("子女", "male", head_born + timedelta(days=365 * 27)))
            for relation, sex, born in members:
                sequence += 1
                given = GIVEN_MALE if sex == "male" else GIVEN_FEMALE
                name = (
                    surname + given[rng.randrange(len(given))]
                    if relation != "配偶"
                    else (SURNAMES[rng.randrange(len(SURNAMES))] + given[rng.randrange(len(given))])
                )
                number = make_id_number("360102", born, sequence * 2 + (1 if sex == "male" else 0))
                # Birth dates as a street office's sheet has them: date cells, text, Excel serials.
                shown: Any = [born, born.isoformat(), (born - EXCEL_EPOCH).days][sequence % 3]
                phone = f"13{rng.randrange(5, 10)}{rng.randrange(10**8):08d}" if relation != "子女" else None
                tags = CATEGORIES[rng.randrange(len(CATEGORIES))] if relation == "户主" else None
                out.append(
                    [
                        name,
                        number,
                        "男" if sex == "male" else "女",
                        shown,
                        "汉族",
                        phone,
                        community,
                        grid,
                        building,
                        unit,
                        room,
                        relation,
                        tags,
                    ]
                )
        out.append([None] * len(HEADERS))
    return out[:-1]


def write(path: Path) -> None:
    """Write the example workbook: the ledger sheet first (the import reads the first sheet),
    then 填表说明, the accepted layout."""
    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    sheet = book.active
    sheet.title = "居民底册"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([None] * len(HEADERS))
    sheet.append([None] * len(HEADERS))
    for title, first, last in GROUPS:
        sheet.cell(row=2, column=first, value=title)
        if last > first:
            sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)  # 姓名 spans both rows
    for column, header in enumerate(HEADERS[1:], start=2):
        sheet.cell(row=3, column=column, value=header)
    for row in (2, 3):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
    for data in rows():
        sheet.append(data)
        if isinstance(data[3], date):
            sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy-mm-dd"
        sheet.cell(row=sheet.max_row, column=2).number_format = "@"  # ID numbers as text
    for letter, width in zip("ABCDEFGHIJKLM", (8, 21, 6, 12, 6, 13, 12, 10, 8, 8, 10, 10, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B4"

    guide = book.create_sheet("填表说明")
    guide.append(["列名（任选其一）", "是否必填", "可填写的内容"])
    for line in GUIDE:
        guide.append(list(line))
    guide.append([])
    guide.append([NOTE])
    guide.column_dimensions["A"].width = 36
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 80
    book.save(path)


GUIDE = [
    ("姓名 / 居民姓名", "必填", "文字"),
    (
        "公民身份号码 / 身份证号 / 身份证号码",
        "必填",
        "18 位，最后一位可为 X；整列请设为“文本”格式，否则 Excel 会丢掉后几位",
    ),
    ("性别", "选填", "男 / 女；不填则按身份证号第 17 位"),
    ("出生日期", "选填", "日期，或 1950-03-08、1950/3/8、1950年3月8日、19500308；不填则按身份证号"),
    ("联系电话 / 手机号", "选填", "11 位手机号；户主的号码也作为住户的联系电话"),
    ("社区", "选填", "与网格一起用来确定网格（网格名称在各社区重复时）"),
    ("网格 / 所属网格", "必填", "网格名称（如 第1网格、蓼洲街社区第1网格）或网格编码"),
    ("楼栋", "选填", "楼栋名称，底册中没有的会新建"),
    ("单元", "选填", "如 2单元"),
    ("门牌/房号 / 房号 / 门牌号", "与现住址二选一", "如 301；同一网格内 楼栋+单元+门牌 相同的人为同一户"),
    ("现住址 / 居住地址", "与门牌二选一", "完整地址；同一网格内地址相同的人为同一户"),
    (
        "与户主关系",
        "选填",
        "户主、配偶、子女、儿媳/女婿、孙子女/外孙子女、父母、兄弟姐妹、其他亲属、租客、其他",
    ),
    (
        "人员类别/标签",
        "选填",
        "独居、空巢、高龄、残疾、失能、失独、低保、特困、优抚对象、现役军人家属、重病，多个用顿号或逗号分隔",
    ),
    ("居住状态", "选填", "在住、外出、迁出、去世"),
    ("住房性质", "选填", "自有、租住、群租"),
    ("户籍地址、民族、备注、序号 等", "—", "可以保留在表中，不导入"),
]
