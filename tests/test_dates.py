"""dates: lines that are only a date or date-time, read into ISO 8601."""

import pytest

from notelingo.notes.dates import parse_date_line


@pytest.mark.parametrize(("line", "iso"), [
    ("**Mon, 24 Nov 2025 09:46:32 +0000**", "2025-11-24T09:46:32+00:00"),
    ("2025-06-01T07:30:00+02:00", "2025-06-01T07:30:00+02:00"),
    ("2025-11-24 09:46:32 +00:00", "2025-11-24T09:46:32+00:00"),
    ("## 2025-11-24 09:46 UTC", "2025-11-24T09:46+00:00"),
    ("24.11.2025 09:46", "2025-11-24T09:46"),
    ("### 24 ноября 2025, 09:46", "2025-11-24T09:46"),
    ("24 ноября 2025 г., 09:46 МСК", "2025-11-24T09:46+03:00"),
    ("Nov 24, 2025 9:46 PM", "2025-11-24T21:46"),
    ("Mon, 18 Mar 2024", "2024-03-18"),
    ("2025-11-25", "2025-11-25"),
    ("Apr 18 at 19:05", None),  # no year: a chat footer
    ("31.02.2025", None),
    ("GPT3", None),
    ("Exported 2025-06-03.", None),
    ("May 2024", None),
])
def test_parse_date_line(line, iso):
    assert parse_date_line(line) == iso
