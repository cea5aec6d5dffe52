"""Fields of work (领域) a suggestion belongs to: stable codes, Chinese labels."""

FIELDS: dict[str, str] = {
    "economy": "经济发展",
    "urban_management": "城市建设与管理",
    "health": "医疗卫生",
    "education": "教育",
    "agriculture": "农业农村",
    "transport": "交通运输",
    "environment": "生态环境",
    "social_security": "社会保障",
    "culture_tourism": "文化旅游",
    "public_safety": "公共安全",
    "governance": "政府治理",
    "other": "其他",
}

_BY_LABEL = {label: code for code, label in FIELDS.items()}
_SHORT_LABELS = {"经济": "economy", "城市管理": "urban_management", "城建": "urban_management", "卫生": "health",
                 "农业": "agriculture", "交通": "transport", "环保": "environment", "社保": "social_security",
                 "文旅": "culture_tourism", "安全": "public_safety"}


def field_code(value: str) -> str | None:
    """The field's code from a code or a Chinese label, as offices write them; None if unknown."""
    value = value.strip()
    if value in FIELDS:
        return value
    return _BY_LABEL.get(value) or _SHORT_LABELS.get(value)
