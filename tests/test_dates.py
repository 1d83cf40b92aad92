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


@pytest.mark.parametrize(
    ("front_matter_date", "file_name", "expected"),
    [
        # impossible or unreadable dates never reach the note's date (ISO 8601 promised); the file name's stands
        ("2024-02-30", "2024-02-29-post.md", "2024-02-29"),
        ("2024-13-45", "2024-02-29-post.md", "2024-02-29"),
        ("0000-00-00", "post.md", None),
        ("30.02.2024", "post.md", None),
        ("TBD", "2024-02-29-post.md", "2024-02-29"),
        # real dates are read as before
        ("25.12.2024", "post.md", "2024-12-25"),
        ("2019-04-25 09:00:00 -0700", "post.md", "2019-04-25T09:00:00-07:00"),
        ("2024-03-01T10:00:00.000Z", "post.md", "2024-03-01T10:00:00.000Z"),
    ],
)
def test_front_matter_dates_are_iso_or_nothing(tmp_path, front_matter_date, file_name, expected):
    import notelingo

    path = tmp_path / file_name
    path.write_text(f"---\ntitle: Заметка\ndate: {front_matter_date}\n---\n\n"
                    "Трансформеры используют механизм внимания для обработки последовательностей.\n", encoding="utf-8")
    (note,) = notelingo.ingest(str(path))
    assert note.date == expected
