"""Inputs in shapes the first fixtures did not cover (tests/fixtures/unseen), end to end.

Each row pins what a reader should get from one input: how many notes, their
titles, languages, refs and source metadata. The texts were written for these
tests (see tests/fixtures/unseen); no rule in src/ knows their strings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from notelingo.api import collect_notes as ingest

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"

LORA, RLHF, DPO, MAMBA, MIXTRAL = "2106.09685", "2203.02155", "2305.18290", "2312.00752", "2401.04088"

CHANNEL_NOTES = [  # (title, lang, refs, forwarded_from, reply_to)
    ("LoRA: Low-Rank Adaptation of Large Language Models", "ru", [LORA], None, None),
    (
        "Почему RLHF вообще работает? Хороший разбор InstructGPT: reward model учится на попарных сравнениях, а "
        "потом политику…",
        "ru",
        [RLHF],
        "Сиолошная",
        None,
    ),
    (
        "UPD: забыл ссылку на код — Спасибо @ml_reader за напоминание!",
        "ru",
        ["https://github.com/microsoft/LoRA"],
        None,
        2,
    ),
    (
        "DPO вместо PPO: Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
        "ru",
        [DPO],
        None,
        None,
    ),
    (
        "Mamba: линейные по длине state space models, которые на языковом моделировании догоняют трансформеры.",
        "ru",
        [MAMBA, "https://github.com/state-spaces/mamba"],
        None,
        None,
    ),
    ("Кто едет на ICLR в Вене? Давайте встретимся 🙌", "ru", [], None, None),
    ("Промпты для оценки LLM-as-a-judge, которые я использую", "ru", [], None, None),
    # a bare link has no words: it takes its channel's language
    ("https://arxiv.org/abs/2401.04088", "ru", [MIXTRAL], None, None),
    (
        "Mixtral of Experts — sparse MoE, 8 экспертов, на каждый токен активны 2. По качеству на уровне Llama 2 70B "
        "при 13B…",
        "ru",
        [],
        None,
        None,
    ),
]


def notes_of(*names: str):
    notes, report = ingest([str(UNSEEN / name) for name in names])
    assert not report.failures
    return notes


def summary(notes):
    return [(n.title, n.lang, [r.id for r in n.refs], n.source.forwarded_from, n.source.reply_to) for n in notes]


@pytest.mark.parametrize("name", ["ml_channel.json", "ml_channel_html"])
def test_channel_export_json_and_html_give_the_same_notes(name):
    notes = notes_of(name)
    # service messages, the poll and the sticker have no text: no notes
    assert summary(notes) == CHANNEL_NOTES
    assert {n.source.channel for n in notes} == {"Нейронки и пейперы"}
    assert [n.source.message_id for n in notes] == [2, 3, 4, 7, 9, 10, 11, 12, 13]


def test_json_and_html_of_one_channel_are_kept_once():
    notes, report = ingest([str(UNSEEN / "ml_channel.json"), str(UNSEEN / "ml_channel_html")])
    assert len(notes) == len(CHANNEL_NOTES) and report.duplicates_dropped == len(CHANNEL_NOTES)
    assert all(len(n.also_in) == 1 and n.also_in[0].kind == "telegram-html" for n in notes)


def test_channel_post_blocks_keep_code_english_titles_and_quotes():
    lora, _, _, dpo, mamba, *_ = notes_of("ml_channel.json")
    assert [(b.kind, b.lang) for b in lora.blocks] == [
        ("paragraph", "en"),
        ("paragraph", "ru"), ("paragraph", "ru"), ("code", None), ("paragraph", "ru"),
    ]
    assert lora.blocks[3].attrs == {"language": "python"}
    assert "r=8, lora_alpha=16" in lora.blocks[3].original()
    assert dpo.blocks[0].lang == "en"
    assert [(b.kind, b.lang) for b in mamba.blocks][1] == ("quote", "en")


FULL_ACCOUNT = [  # (channel, author, lang, refs, reply_to)
    (None, "Anna", "ru", ["2305.14314"], None),  # saved messages have no chat name
    ("Ivan", "Ivan", "ru", [], None),
    ("Ivan", "Anna", "ru", ["https://github.com/huggingface/trl/tree/main/examples"], 200),
    ("Papers with Code Daily", "Papers with Code Daily", "en", ["2310.16944"], None),
    ("Papers with Code Daily", "Papers with Code Daily", "en", ["2310.06825"], None),
    ("ODS Chat — NLP", "Petr", "ru", [], None),
    ("ODS Chat — NLP", "Olga", "ru", [], 500),
    ("Old ML Memes", "Old ML Memes", "en", [], None),  # from left_chats
]


def test_full_account_export_reads_every_chat():
    notes = notes_of("full_account_result.json")
    got = [(n.source.channel, n.source.author, n.lang, [r.id for r in n.refs], n.source.reply_to) for n in notes]
    assert got == FULL_ACCOUNT


@pytest.mark.parametrize(
    ("name", "titles", "refs"),
    [
        (
            "paper_notes.html",
            [
                "Paper notes: preference optimization, January 2024",  # the intro goes under the page title
                "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
                "A General Theoretical Paradigm to Understand Learning from Human Preferences (IPO)",
                "KTO: Model Alignment as Prospect Theoretic Optimization",
                "Self-Rewarding Language Models",
            ],
            [[], [DPO], ["2310.12036"], ["2402.01306"], ["2401.10020"]],
        ),
        (
            "substack_post.html",
            ["Why LoRA Works: Intrinsic Dimension and the Low-Rank Update"],
            [["2012.13255", LORA, "https://github.com/microsoft/LoRA"]],
        ),
        (
            "newsletter_dump.txt",
            [
                "The Weekly Gradient — Issue #87",
                "Gemma: Open Models Based on Gemini Research and Technology",
                "ORPO: Monolithic Preference Optimization without Reference Model",
                "The Pile is dead, long live Dolma",
                "Quick links",
                "That's it for this week. If you liked this issue, forward it to a friend.",
            ],
            [
                [],
                ["2403.08295"],
                ["2403.07691"],
                ["2402.00159", "https://github.com/allenai/dolma"],
                [
                    "https://newsletter.maartengrootendorst.com/p/a-visual-guide-to-quantization",
                    "https://github.com/karpathy/minbpe",
                ],
                [],
            ],
        ),
        # one Obsidian note: its sections are parts of it, not papers of their own
        (
            "obsidian_rlhf.md",
            ["RLHF reading notes"],
            [[RLHF, "2212.08073", "https://lilianweng.github.io/posts/2024-11-28-reward-hacking/"]],
        ),
        ("seminar_cp1251_crlf.txt", ["Конспект семинара: промпт-инжиниринг и RAG"], [["2307.03172"]]),
        ("tokenizers_bom.md", ["Токенизация: BPE против Unigram"], [["1804.10959"]]),
        (
            "tme_preview_ru.txt",
            [
                "Вышла Llama 3: 8B и 70B, контекст 8K, токенизатор на 128K токенов. Обучали на 15T токенов — в семь "
                "раз больше, чем…",
                "Как зафайнтюнить Llama 3 8B на своём датасете за вечер: LoRA r=16, lr 2e-4, 3 эпохи, batch 16 с "
                "gradient accumulation.…",
                "Новый бенчмарк для русскоязычных LLM — MERA. Промпты на 21 задачу, закрытый лидерборд, чтобы модели "
                "не учились на тесте.",
            ],
            [["https://ai.meta.com"], ["https://github.com/unslothai/unsloth"], ["https://github.com"]],
        ),
    ],
)
def test_documents_split_into_titled_notes_with_their_refs(name, titles, refs):
    notes = notes_of(name)
    assert [n.title for n in notes] == titles
    assert [[r.id for r in n.refs] for n in notes] == refs


CHROME = ["Subscribe", "Sign in", "Type your email", "Comments", "Reply", "Ready for more", "RLHF, explained",
          "© 2024", "Privacy", "Unsubscribe", "You are receiving", "views", "subscribers", "edited",
          "VIEW IN TELEGRAM", "Please open Telegram", "Apr 1", "@data_secrets", "Theme by", "Get new notes by email"]


@pytest.mark.parametrize(
    "name", ["substack_post.html", "paper_notes.html", "newsletter_dump.txt", "tme_preview_ru.txt"]
)
def test_no_site_chrome_left(name):
    text = "\n".join(b.original() for n in notes_of(name) for b in n.blocks)
    assert [marker for marker in CHROME if marker in text] == []


def test_page_copy_posts_keep_channel_forward_and_preview_cards():
    llama, finetune, mera = notes_of("tme_preview_ru.txt")
    assert {n.source.channel for n in (llama, finetune, mera)} == {"Data Secrets"}
    assert (llama.source.forwarded_from, finetune.source.forwarded_from) == ("Сиолошная", None)
    assert [b.kind for b in llama.blocks] == ["paragraph", "paragraph", "link_preview"]
    assert llama.blocks[-1].attrs["site"] == "ai.meta.com"
    assert [b.kind for b in mera.blocks] == ["paragraph", "link_preview"]
    assert mera.lang == "ru" and mera.blocks[-1].lang == "en"  # a quoted card does not outvote the post
    assert finetune.blocks[-1].original().startswith("UPD: ")


def test_obsidian_markup_is_read_as_what_it_shows():
    (note,) = notes_of("obsidian_rlhf.md")
    texts = [b.original() for b in note.blocks]
    assert texts[1] == "Links: PPO, reward models, DPO > Loss."
    assert not any("[[" in text or "[!" in text for text in texts)
    callouts = [b.attrs.get("callout") for b in note.blocks if b.kind == "quote"]
    assert callouts == ["summary", "note"]
    assert [b.attrs.get("task") for b in note.blocks if b.kind == "list_item"] == ["todo", "done"]
    assert note.date == "2024-03-02"
    formula = next(b for b in note.blocks if b.kind == "formula")
    assert r"\beta \log \frac{\pi_\phi^{RL}(y|x)}{\pi^{SFT}(y|x)}" in formula.original()


@pytest.mark.parametrize(("name", "first_words"), [
    ("seminar_cp1251_crlf.txt", "Сегодня разобрали, почему few-shot промпты"),
    ("tokenizers_bom.md", "Коротко о том, чем отличаются токенизаторы"),
])
def test_encodings_and_line_ends_decoded(name, first_words):
    (note,) = notes_of(name)
    text = "\n".join(b.original() for b in note.blocks)
    assert first_words in text and "\r" not in text and "\ufeff" not in text and "\ufffd" not in text
    assert note.lang == "ru"
