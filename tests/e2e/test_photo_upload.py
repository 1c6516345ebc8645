"""A 12 MP phone photo through the whole path in Chromium: downscaled on the phone, sized in the
form, uploaded by the sync, and stored upright and clean by the server."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

from bench.photos import make_photo
from tests.e2e.conftest import Phone, login, query, wait_until_synced
from tests.e2e.test_field_work import as_json, locate_and_save, pick

DESCRIPTION = "配电箱门锈蚀脱落，线路外露"


def is_red(rgb) -> bool:
    red, green, blue = rgb[:3]
    return red > 180 and green < 80 and blue < 80


def stored_full(server, sha256: str) -> bytes:
    """The full variant the server keeps on its local disk (the default backend)."""
    photos = Path(server.env.get("PHOTOS_DIR") or server.instance / "photos")
    return (photos / sha256[:2] / sha256[2:4] / f"{sha256}.jpg").read_bytes()


def test_a_12_mp_photo_is_sized_in_the_form_and_stored_upright_1600_px_without_exif(
    server, playwright_driver, tmp_path
):
    # The bench's camera photo: 4032×3024, EXIF orientation 6 (held upright), GPS, and a red
    # mark in the sensor's top-left corner, which an upright view shows top-right.
    camera = tmp_path / "IMG_0412.jpg"
    camera.write_bytes(make_photo())
    phone = Phone(
        playwright_driver,
        tmp_path / "camera-profile",
        geolocation={"latitude": 28.6772, "longitude": 115.8921, "accuracy": 12},
        permissions=["geolocation"],
    )
    try:
        page = phone.open().new_page()
        login(page, server.url, "worker")
        page.get_by_role("button", name="上报隐患").first.click()
        page.get_by_role("radiogroup", name="隐患类别").get_by_role("radio").first.click()
        pick(page, "隐患等级", "一般")
        pick(page, "是否存在现实危险", "否")
        page.get_by_label("隐患描述").fill(DESCRIPTION)
        page.locator("input[type=file]").first.set_input_files(str(camera))
        page.locator("img[src^='blob:']").first.wait_for(timeout=60000)

        # Before submitting: the thumbnail says how big the photo the phone will send is, and
        # the field says what waits to upload (this form's photo is all there is).
        size = page.get_by_test_id("photo-size").first
        size.wait_for()
        shown = size.inner_text().strip()
        match = re.fullmatch(r"(\d+) KB", shown)
        assert match, shown
        assert 20 <= int(match.group(1)) <= 400, f"{shown}: the phone's downscale should make 20–400 KB"
        assert (
            page.get_by_test_id("photo-waiting").inner_text().strip() == f"待上传照片共 {shown}（含本表单）"
        )

        locate_and_save(page)
        wait_until_synced(page)
    finally:
        phone.close()

    [sha256] = as_json(query(server, f"SELECT photos FROM \"case\" WHERE description = '{DESCRIPTION}'"))
    data = stored_full(server, sha256)
    image = Image.open(io.BytesIO(data))
    image.load()
    # Upright portrait at the phone's 1600 px: the server keeps it as it came (≤ 2048 px).
    assert image.size == (1200, 1600)
    assert is_red(image.getpixel((1200 - 20, 20))), "the mark should be top-right when upright"
    assert not is_red(image.getpixel((20, 20)))
    assert not is_red(image.getpixel((20, 1600 - 20))) and not is_red(image.getpixel((1200 - 20, 1600 - 20)))
    # Nothing of the camera's metadata survives: no EXIF (so no GPS, no orientation) at all.
    assert not image.getexif() and "exif" not in image.info
    assert b"Exif\0\0" not in data
