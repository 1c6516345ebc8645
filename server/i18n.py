"""Pick zh-CN or English for messages from the request's Accept-Language (zh-CN by default)."""

from flask import has_request_context, request


def wants_english() -> bool:
    """True when the caller prefers English over Chinese."""
    if not has_request_context():
        return False
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return best == "en"


def msg(zh: str, en: str) -> str:
    """Return the message in the caller's language."""
    return en if wants_english() else zh


# marshmallow/webargs speak English; a worker reads Chinese.
_FIELD_MESSAGES_ZH = {
    "Missing data for required field.": "必填项",
    "Field may not be null.": "不能为空",
    "Not a valid string.": "应为文字",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid boolean.": "应为是或否",
    "Not a valid list.": "应为列表",
    "Not a valid mapping type.": "格式不正确",
    "Not a valid UUID.": "不是有效的编号(UUID)",
    "Not a valid date.": "日期格式不正确",
    "Not a valid datetime.": "时间格式不正确",
    "Unknown field.": "未知字段",
    "Invalid input type.": "格式不正确",
    "Invalid value.": "取值无效",
    "Must be one of: {choices}.": "取值不在允许范围内",
    # U+0000 arrives from a paste or a broken client; the worker sees nothing there to delete.
    "May not contain the NUL character.": "含有无法保存的隐藏字符（NUL），请删除后重新输入",
}


def field_message(text: str) -> str:
    """Translate a validation message for the caller, leaving our own messages as they are."""
    if wants_english():
        return text
    if text in _FIELD_MESSAGES_ZH:
        return _FIELD_MESSAGES_ZH[text]
    if text.startswith("Must be one of:"):
        return "取值不在允许范围内"
    if text.startswith("Length must be") or text.startswith("Shorter than") or text.startswith("Longer than"):
        return "长度不符合要求"
    if text.startswith("Must be greater") or text.startswith("Must be less"):
        return "数值超出范围"
    return text
