"""normalize: cleanup, chrome, splitting into notes, repeats, duplicates, refs."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import notelingo
from notelingo.notes.build import normalize_posts, normalize_text
from notelingo.readers.text import read_text_dump
from notelingo.schema import Post, RawBlock, Ref, Source

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus" / "text"
S000 = CORPUS / "000_7a8b3d789364741e.txt"
S001 = CORPUS / "001_41bcbe830a1a4b01.txt"
S004 = CORPUS / "004_579db69af2cfe4c6.txt"


def dump(*paths, kind="text"):
    return [post for path in paths for post in read_text_dump(Path(path).read_text(), str(path), kind)]


def all_text(note):
    return [b.text["und"] for b in note.blocks]


@pytest.fixture(scope="module")
def blog():
    return normalize_posts(dump(S000, S001))


@pytest.fixture(scope="module")
def channel():
    return normalize_posts(dump(S004))


# ---------------------------------------------------------------- normalize_text

@pytest.mark.parametrize(
    "raw, clean",
    [
        ("e\u0301te\u0301", "\u00e9t\u00e9"),
        ("a  b\u00a0 c  \n\n\n\nd \r\n", "a b c\n\nd"),
        ("\u200bzero\ufeffwidth", "zerowidth"),
        ("\n\n  • indented  item", "  • indented item"),
        ("see  `x  =  1`  here", "see `x  =  1` here"),
        ("url https://a.b/c?q=1&x=2  end", "url https://a.b/c?q=1&x=2 end"),
        (
            "```\ncode   with  \n\n\n  spaces\u00a0\n```\ntext  here",
            "```\ncode   with  \n\n\n  spaces\u00a0\n```\ntext here",
        ),
        ("👩\u200d💻 dev", "👩\u200d💻 dev"),
    ],
)
def test_normalize_text(raw, clean):
    assert normalize_text(raw) == clean


@pytest.mark.parametrize("protected", [
    r"\Delta w_{i,j} = \eta_w (A_w o_i o_j + B_w o_i +C_w o_j + D_w)",
    r"where \Delta {\bf h}_i \sim  \mathcal{N} ({\bf 0}, \sigma{\bf I}) and  F_i",
    "https://arxiv.org/abs/2010.01825v2",
    "arXiv:2110.08207",
    "$x  +  y$",
])
def test_normalize_text_keeps_urls_ids_and_latex(protected):
    assert protected in normalize_text(f"text  before {protected}  after")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("ab é\u0301\u00a0\t\n\r`$\\x:/.-") + ["```", "http://", "    ", "\\frac"]), max_size=40
    ).map("".join)
)
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60).filter(lambda t: "```" not in t and "~~~" not in t))
def test_normalize_text_never_changes_words(text):
    assert normalize_text(text).split() == [w for w in _nfc_words(text)]


def _nfc_words(text):
    import re
    import unicodedata
    # invisible characters and soft hyphens go; so do controls and terminal colour codes
    invisible = "\u200b\u2060\ufeff\u00ad"
    controls = [chr(c) for c in [*range(0, 9), *range(14, 28), *range(0x7F, 0x85), *range(0x86, 0xA0)]]
    table = dict.fromkeys(map(ord, invisible + "".join(controls)), None)
    text = re.sub("\x1b\\[[0-9;?]*[A-Za-z]", "", text)
    return unicodedata.normalize("NFC", text.translate(table)).split()


# ---------------------------------------------------------------- blog dumps 000 + 001

def test_blog_dumps_give_seven_unique_notes(blog):
    assert [n.title for n in blog.notes] == [
        "GPT3", "Supervised contrastive learning", "Radioactivate data tracing through training",
        "Meta-Learning through Hebbian Plasticity in Random Networks", "Reformer", "BYOL", "Linformer",
    ]
    assert blog.duplicates_dropped == 3
    assert [len(n.also_in) for n in blog.notes] == [1, 1, 1, 0, 0, 0, 0]
    assert blog.notes[0].also_in[0].path.endswith("001_41bcbe830a1a4b01.txt")


def test_blog_footer_is_gone(blog):
    text = "\n".join(t for n in blog.notes for t in all_text(n) + [n.title])
    assert "Copyright" not in text and "Siteturner" not in text


def test_subheadings_stay_inside_their_note(blog):
    radio = blog.notes[2]
    assert [b.text["und"] for b in radio.blocks if b.kind == "heading"] == [
        "Radioactivate data tracing through training", "Motivation", "Idea", "Comments"]


def test_latex_survives_normalize_byte_for_byte(blog):
    hebbian = blog.notes[3]
    assert any(r"\Delta w_{i,j} = \eta_w (A_w o_i o_j + B_w o_i +C_w o_j + D_w)" in t for t in all_text(hebbian))
    assert any(r"\sim  \mathcal{N}" in t for t in all_text(hebbian))


def test_note_shape(blog):
    note = blog.notes[4]
    assert (note.lang, note.lang_confidence, note.terms) == ("und", 0.0, [])
    assert note.signature.notelingo == notelingo.__version__
    assert [b.id for b in note.blocks] == [f"b{i}" for i in range(len(note.blocks))]
    assert all(b.lang is None and list(b.text) == ["und"] for b in note.blocks)
    assert len({n.id for n in blog.notes}) == 7


def test_ids_are_stable():
    first = [n.id for n in normalize_posts(dump(S000, S001)).notes]
    assert first == [n.id for n in normalize_posts(dump(S000, S001)).notes]


# ---------------------------------------------------------------- Telegram web dump 004

def test_channel_dump_one_note_per_post(channel):
    assert len(channel.notes) == 11
    assert channel.notes[0].title == "PMI-Masking Principled Masking of Correlated Spans"
    assert channel.notes[9].title == "Fast Model Editing at Scale"
    assert channel.paragraphs_dropped >= 30


def test_channel_dump_no_paragraph_twice(channel):
    texts = [t for n in channel.notes for t in all_text(n)]
    assert len(texts) == len(set(texts))


def test_channel_dump_refs(channel):
    ids = [r.id for n in channel.notes for r in n.refs]
    assert "2010.01825" in ids and "2110.08207" in ids
    assert "https://huggingface.co/spaces/akhaliq/T0pp" in ids


def test_channel_dump_forwarded_and_artefacts(channel):
    forwarded = [n.title for n in channel.notes if n.source.forwarded_from == "Мишин Лернинг 🇺🇦🇮🇱"]
    assert forwarded == ["👾 arXiv DOOM: BFG1000 Rejected", channel.notes[8].title]
    text = "\n".join(t for n in channel.notes for t in all_text(n))
    for gone in ("VIEW IN TELEGRAM", "not supported in your browser", "Forwarded from"):
        assert gone not in text


def test_channel_dump_link_previews(channel):
    cards = [(b.attrs["site"], b.attrs["title"]) for n in channel.notes for b in n.blocks if b.kind == "link_preview"]
    assert [site for site, _ in cards] == ["huggingface.co", "Google Docs", "Meduza", "Coursera", "Microsoft"]
    assert cards[0][1] == "bigscience/T0pp · Hugging Face"


# ---------------------------------------------------------------- other shapes

@pytest.mark.parametrize(
    "name, kind, titles",
    [
        (
            "markdown_notes.md",
            "markdown",
            ["Attention Is All You Need", "BERT: Pre-training of Deep Bidirectional Transformers"],
        ),
        (
            "numbered_sections.txt",
            "text",
            [
                "Denoising Diffusion Probabilistic Models",
                "Score-Based Generative Modeling through SDEs",
                "Classifier-Free Diffusion Guidance",
            ],
        ),
        (
            "bulleted_papers.txt",
            "text",
            [
                "LoRA: Low-Rank Adaptation of Large Language Models",
                "QLoRA: Efficient Finetuning of Quantized LLMs",
                "Prefix-Tuning: Optimizing Continuous Prompts for Generation",
            ],
        ),
        (
            "telegram_web_other.txt",
            "text",
            [
                "Chinchilla scaling laws, revisited",
                "Short one today: the reading group moves to Thursday.",
                "New benchmark for long-context retrieval",
                "A robot folds laundry in real time 🧺",
                "Mixture of Experts explained",
            ],
        ),
    ],
)
def test_split_other_shapes(name, kind, titles):
    assert [n.title for n in normalize_posts(dump(FIXTURES / "text" / name, kind=kind)).notes] == titles


def test_markdown_code_and_formula_untouched():
    note = normalize_posts(dump(FIXTURES / "text" / "markdown_notes.md", kind="markdown")).notes[0]
    code = next(b for b in note.blocks if b.kind == "code")
    assert (
        code.text["und"]
        == "def attention(q, k, v):\n    scores = q @ k.T  /  math.sqrt(k.shape[-1])\n    return softmax(scores)   @ v"
    )
    assert code.attrs == {"language": "python"}
    assert any(b.kind == "formula" and r"\sqrt{d_k}" in b.text["und"] for b in note.blocks)
    assert [r.id for r in note.refs] == ["1706.03762"]


def test_other_channel_forwarded_and_card():
    notes = normalize_posts(dump(FIXTURES / "text" / "telegram_web_other.txt")).notes
    assert [n.source.forwarded_from for n in notes] == [None, None, "Data Science Weekly", "Data Science Weekly", None]
    card = next(b for b in notes[2].blocks if b.kind == "link_preview")
    assert card.attrs["site"] == "GitHub"


def test_footer_shared_by_pages_of_one_site_is_dropped():
    notes = normalize_posts(dump(*sorted((FIXTURES / "text" / "site").glob("*.txt")))).notes
    assert [n.title for n in notes] == ["Sparse autoencoders", "Grokking"]
    assert all("Berlin" not in t and "Mastodon" not in t for n in notes for t in all_text(n))


def _html_post(sections):
    blocks = [RawBlock("heading", "My reading", {"level": "1"})]
    for heading, body in sections:
        blocks += [RawBlock("heading", heading, {"level": "2"}), RawBlock("paragraph", body)]
    return Post(source=Source(kind="html", path="page.html"), blocks=blocks, title="My reading", splittable=True)


def test_blog_article_with_sections_stays_one_note():
    post = _html_post([("Details", "We run the thing in a container."), ("Software", "Python 3.11 and Docker.")])
    notes = normalize_posts([post]).notes
    assert len(notes) == 1 and notes[0].title == "My reading"


def test_blog_page_of_paper_notes_is_split():
    post = _html_post(
        [("LoRA", "Low rank updates, arXiv:2106.09685."), ("QLoRA", "Quantized base, arxiv.org/abs/2305.14314.")]
    )
    assert [n.title for n in normalize_posts([post]).notes] == ["LoRA", "QLoRA"]


def test_telegram_messages_are_never_split():
    source = Source(kind="telegram-json", path="result.json", channel="ch", message_id=7)
    post = Post(source=source, blocks=[RawBlock("paragraph", "Title line"), RawBlock("paragraph", "Body text here."),
                                       RawBlock("paragraph", "Another title"), RawBlock("paragraph", "More body.")],
                refs=[Ref(kind="url", id="https://arxiv.org/abs/2010.01825v2", url="https://arxiv.org/abs/2010.01825v2")])
    notes = normalize_posts([post]).notes
    assert len(notes) == 1 and notes[0].title == "Title line"
    assert [(r.kind, r.id) for r in notes[0].refs] == [("arxiv", "2010.01825")]


@pytest.mark.parametrize("line", [
    "Copyright © 2021 Some Lab", "© Example Inc.", "Powered by WordPress", "Theme by Anders Noren",
    "Subscribe", "Share on Twitter", "1.2K views", "👁 534", "VIEW IN TELEGRAM", "All rights reserved.",
    "Unsubscribe | View in browser | Update your preferences", "Home · Archive · About", "45.3K subscribers",
    "1200 подписчиков", "edited",
    "You are receiving this email because you signed up for Deep Notes.",
])
def test_chrome_lines_dropped(line):
    post = Post(
        source=Source(kind="text", path="a.txt"),
        blocks=[RawBlock("paragraph", "Real note text."), RawBlock("paragraph", line)],
        splittable=True,
    )
    assert [all_text(n) for n in normalize_posts([post]).notes] == [["Real note text."]]


@pytest.mark.parametrize(
    "line",
    [
        "Copyright law and model weights",
        "Share of compute went up.",
        "2021 was the year of CLIP.",
        "Model | Score | Params",
        "About 300 members of the lab",
        "Home is where the GPU is",
    ],
)
def test_prose_that_looks_like_chrome_is_kept(line):
    post = Post(source=Source(kind="text", path="a.txt"), blocks=[RawBlock("paragraph", line)], splittable=True)
    assert [all_text(n) for n in normalize_posts([post]).notes] == [[line]]


def test_same_text_twice_in_one_export_is_two_notes():
    posts = [
        Post(
            source=Source(kind="telegram-html", path="messages.html", message_id=i),
            blocks=[RawBlock("paragraph", "Hunting for bugs in animated stickers, a long enough post.")],
        )
        for i in (1, 2)
    ]
    assert len(normalize_posts(posts).notes) == 2


def test_section_repeated_inside_a_dump_is_kept_once():
    # Title lines split a dump when they name papers (title case here); see test_layouts for the rule.
    text = "Alpha Nets\n\nA body paragraph that is long enough to count.\n\nBeta Nets\n\n" \
           "Another body paragraph, also long enough.\n\nAlpha Nets\n\nA body paragraph that is long enough to count.\n"
    result = normalize_posts(read_text_dump(text, "d.txt", "text"))
    assert [n.title for n in result.notes] == ["Alpha Nets", "Beta Nets"]
    assert (result.duplicates_dropped, result.paragraphs_dropped) == (1, 1)


def page_copy(*lines):
    return Post(source=Source(kind="text", path="copy.txt"), blocks=[RawBlock("paragraph", line) for line in lines],
                splittable=True)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # footers (views, time, 'edited') close posts; the name opening every post is the channel
        (
            [
                "Chan",
                "First post about LoRA.",
                "1.1K views",
                "10:00",
                "Chan",
                "Second post about DPO.",
                "900 views",
                "edited",
                "Apr 2 at 11:00",
            ],
            [["First post about LoRA."], ["Second post about DPO."]],
        ),
        (
            [
                "Chan",
                "@chan",
                "Chan",
                "Пост про RLHF.",
                "Подробности внутри.",
                "12 просмотров",
                "Chan",
                "Второй пост.",
                "18.04.2024 19:05",
            ],
            [["Пост про RLHF.", "Подробности внутри."], ["Второй пост."]],
        ),
        # a post body closed by a preview card (domain, title, description)
        (
            [
                "Post one text here.",
                "github.com",
                "org/repo: a tool",
                "It does things.",
                "5 views",
                "Post two text.",
                "6 views",
            ],
            [["Post one text here.", "org/repo: a tool\nIt does things."], ["Post two text."]],
        ),
        # one footer is not a page copy: the line is chrome, the text stays one note
        (
            ["Title of the note", "Body of the note, long enough.", "1.2K views"],
            [["Title of the note", "Body of the note, long enough."]],
        ),
    ],
)
def test_page_copy_split_at_post_footers(lines, expected):
    assert [all_text(n) for n in normalize_posts([page_copy(*lines)]).notes] == expected


def test_page_copy_channel_name_becomes_metadata():
    notes = normalize_posts([page_copy("Chan", "One.", "1 view", "Chan", "Two.", "2 views")]).notes
    assert [n.source.channel for n in notes] == ["Chan", "Chan"]


@pytest.mark.parametrize(("line", "title"), [
    ("Gemma: Open Models (arXiv:2403.08295)", "Gemma: Open Models"),
    ("Mamba [doi:10.1000/xyz123]", "Mamba"),
    ("UPD: ссылка на код — https://github.com/a/b. Спасибо!", "UPD: ссылка на код — Спасибо!"),
])
def test_title_without_links(line, title):
    post = Post(
        source=Source(kind="telegram-json", path="r.json"),
        blocks=[RawBlock("paragraph", line), RawBlock("paragraph", "Body text.")],
    )
    assert normalize_posts([post]).notes[0].title == title


def test_lead_section_takes_the_document_title_and_only_its_own_refs():
    blocks = [RawBlock("paragraph", "Notes on two papers."),
              RawBlock("heading", "Paper A", {"level": "2"}), RawBlock("paragraph", "arXiv:2101.00001 text about A."),
              RawBlock("heading", "Paper B", {"level": "2"}), RawBlock("paragraph", "arXiv:2101.00002 text about B.")]
    post = Post(source=Source(kind="html", path="p.html"), blocks=blocks, title="Monthly notes", splittable=True,
                refs=[Ref(kind="url", id=u, url=u) for u in ("https://arxiv.org/abs/2101.00001", "https://arxiv.org/abs/2101.00002")])
    notes = normalize_posts([post]).notes
    assert [(n.title, [r.id for r in n.refs]) for n in notes] == [
        ("Monthly notes", []), ("Paper A", ["2101.00001"]), ("Paper B", ["2101.00002"])]


def test_block_links_follow_their_section():
    blocks = [RawBlock("heading", "Paper A", {"level": "2"}), RawBlock("paragraph", "arXiv:2101.00001 read it",
                                                                     {"_links": "https://github.com/a/a"}),
              RawBlock("heading", "Paper B", {"level": "2"}), RawBlock("paragraph", "arXiv:2101.00002 code",
                                                                     {"_links": "https://github.com/b/b"})]
    post = Post(source=Source(kind="html", path="p.html"), blocks=blocks, splittable=True)
    notes = normalize_posts([post]).notes
    assert [[r.id for r in n.refs] for n in notes] == [
        ["https://github.com/a/a", "2101.00001"],
        ["https://github.com/b/b", "2101.00002"],
    ]
    assert all("_links" not in b.attrs for n in notes for b in n.blocks)


def test_article_citing_papers_deep_in_sections_stays_one_note():
    blocks = [
        RawBlock("heading", "My notes", {"level": "1"}),
        RawBlock("paragraph", "Intro."),
        RawBlock("heading", "Part one", {"level": "2"}),
        RawBlock("paragraph", "Text."),
        RawBlock("paragraph", "More."),
        RawBlock("paragraph", "See arXiv:2101.00001."),
        RawBlock("heading", "Part two", {"level": "2"}),
        RawBlock("paragraph", "Text."),
        RawBlock("paragraph", "More."),
        RawBlock("paragraph", "See arXiv:2101.00002."),
    ]
    post = Post(source=Source(kind="markdown", path="n.md"), blocks=blocks, splittable=True)
    assert len(normalize_posts([post]).notes) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # C0/C1 controls and terminal colour codes pasted from a console: gone (HTML and XML cannot carry them)
        ("loss\x00 fell\x01 to 0.1\x7f", "loss fell to 0.1"),
        ("\x1b[31mERROR\x1b[0m: CUDA out of memory", "ERROR: CUDA out of memory"),
        ("модель\x08 обучена\x9b", "модель обучена"),
        # vertical tab, form feed, NEL and U+2028 end a line; U+2029 ends a paragraph
        ("первая\u2028вторая\x85третья\x0cчетвёртая\x0bпятая", "первая\nвторая\nтретья\nчетвёртая\nпятая"),
        ("абзац один\u2029абзац два", "абзац один\n\nабзац два"),
        ("record\x1eunit\x1fend", "record unit end"),
        # soft hyphens are invisible; bidi controls are data (Arabic, Hebrew) and stay
        ("\u2066attention\u2069\u200f", "\u2066attention\u2069\u200f"),
        ("пере\u00adнос сло\u00adва", "перенос слова"),
        # emoji sequences keep their joiners
        ("👨\u200d👩\u200d👧 семья", "👨\u200d👩\u200d👧 семья"),
    ],
)
def test_invisible_and_control_characters(raw, expected):
    assert normalize_text(raw) == expected
    assert normalize_text(expected) == expected


@pytest.mark.parametrize(
    ("front_matter_title", "expected"),
    [
        ('"Заметка\x01 про\u2028attention"', "Заметка про attention"),
        ('"Notes on\x1b[1m LoRA\x1b[0m"', "Notes on LoRA"),
    ],
)
def test_a_readers_title_gets_the_same_cleanup(tmp_path, front_matter_title, expected):
    path = tmp_path / "post.md"
    path.write_text(f"---\ntitle: {front_matter_title}\ndate: 2024-02-01\n---\n\n"
                    "Трансформеры используют механизм внимания для обработки последовательностей.\n", encoding="utf-8")
    (note,) = notelingo.ingest(str(path))
    assert note.title == expected
