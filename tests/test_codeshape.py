"""Code pasted as plain text: found by shape, in both Telegram readers and in text dumps."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notelingo.readers.codeshape import classify_line, is_code, split_code
from notelingo.readers.telegram_html import read_telegram_html
from notelingo.readers.telegram_json import read_telegram_json
from notelingo.readers.text import read_text_dump


@pytest.mark.parametrize(
    "line, kind",
    [
        ("from transformers import AutoModel", "code"),
        ("import torch.nn as nn", "code"),
        ("def forward(self, x):", "code"),
        ("class Net(nn.Module):", "code"),
        ("for batch in loader:", "code"),
        ("    loss.backward()", "code"),
        ("model = AutoModel.from_pretrained('bert-base')", "code"),
        ("batch_size = 32", "code"),
        ("lr = 3e-4", "code"),
        ("return x", "code"),
        (">>> torch.zeros(2)", "code"),
        ("$ pip install -U transformers", "code"),
        ("git clone https://github.com/huggingface/peft.git", "code"),
        ("cd peft && pip install -e .", "code"),
        ('  "learning_rate": 0.0002,', "code"),
        ('{"lr": 0.001, "epochs": 3}', "code"),
        ("console.log(x);", "code"),
        ("pip install transformers", "code"),
        ("sudo apt-get install -y chromium", "code"),
        ("python train.py --lr 3e-4", "code"),
        ("export HF_HOME=/data", "code"),
        ("python is great", "prose"),
        ("docker is everywhere now", "prose"),
        ('print("Привет, мир")', "code"),
        ("Вот пример:", "prose"),
        ("Note: run it first.", "prose"),
        ("If you want to know more:", "prose"),
        ("for example, we used 42:", "prose"),
        ("return to sender", "prose"),
        ("import tariffs are high", "prose"),
        ("cat feature to cat image", "prose"),
        ("make sure you read it", "prose"),
        ("- second item", "prose"),
        ("1. первый пункт", "prose"),
        ("PMI = p(ab) / (p(a) p(b))", "prose"),
        ("ReLU(x) = max(0, x)", "prose"),
        ("$5M to train", "prose"),
        ("We tried three things (see below);", "prose"),
        ("y = Wx + b", "neutral"),
        ("#ml #nlp", "neutral"),
        ("@addmeto", "neutral"),
        ("}", "neutral"),
    ],
)
def test_lines_are_judged_by_shape(line, kind):
    assert classify_line(line) == kind


PYTHON = (
    'Вот как загрузить модель:\nfrom transformers import AutoModel\n\nmodel = AutoModel.from_pretrained("bert-base")\n'
    "for batch in loader:\n    loss = model(**batch).loss\n    loss.backward()\nИ всё, дальше обычный цикл."
)
SHELL = ("Ставим так:\n$ pip install -U transformers accelerate\n$ huggingface-cli login\n"
         "git clone https://github.com/huggingface/peft.git\nПотом перезапустите ноутбук.")
JSON = ('Конфиг, который у нас сработал:\n{\n  "learning_rate": 0.0002,\n  "lora_r": 16,\n'
        '  "target_modules": ["q_proj", "v_proj"]\n}')
REPL = "Quick check in the REPL:\n>>> import torch\n>>> torch.cuda.is_available()\nTrue\nSo the GPU is visible."

# (post text, expected (kind, text) blocks)
CASES = [
    (PYTHON, [("paragraph", "Вот как загрузить модель:"), ("code", "\n".join(PYTHON.split("\n")[1:7])),
              ("paragraph", "И всё, дальше обычный цикл.")]),
    (SHELL, [("paragraph", "Ставим так:"), ("code", "\n".join(SHELL.split("\n")[1:4])),
             ("paragraph", "Потом перезапустите ноутбук.")]),
    (JSON, [("paragraph", "Конфиг, который у нас сработал:"), ("code", "\n".join(JSON.split("\n")[1:]))]),
    (REPL, [("paragraph", "Quick check in the REPL:"), ("code", "\n".join(REPL.split("\n")[1:4])),
            ("paragraph", "So the GPU is visible.")]),
]
PROSE = [
    "Итоги недели:\n1. вышла Llama 3\n2. OpenAI показали GPT-4o\n- и ещё пара статей про RLHF",
    "Формула простая: y = Wx + b, а лосс считаем как L = -log p(y|x).\nДальше всё как обычно.",
    "Note: the results are preliminary.\nIf you want to reproduce them: use the same seed.\nfor example, we used 42.",
    "Attention(Q, K, V) = softmax(QK^T / sqrt(d)) V\nгде d — размерность ключей.",
    "y = Wx + b\nE = mc^2",
    "#ml #nlp\n@addmeto спасибо за наводку",
    "Ребята, кто в Москве: приходите в четверг.\nБудет пицца; и доклады про RLHF.",
]


@pytest.mark.parametrize("text", PROSE)
def test_prose_lists_and_formulas_are_never_code(text):
    assert not any(code for code, _ in split_code(text))
    assert not is_code(text)


@given(st.lists(st.sampled_from([*PYTHON.split("\n"), *PROSE[0].split("\n"), "", "  ", "}", "#x"]), max_size=12))
def test_split_code_loses_and_reorders_nothing(lines):
    text = "\n".join(lines)
    pieces = [line for _, part in split_code(text) for line in part.split("\n")]
    assert [line for line in pieces if line.strip()] == [line for line in lines if line.strip()]


@pytest.mark.parametrize("text, blocks", CASES)
def test_split_code_cuts_runs_out_of_prose(text, blocks):
    pieces = [(code, part.strip("\n")) for code, part in split_code(text)]
    assert [part for code, part in pieces if code] == [t for kind, t in blocks if kind == "code"]
    assert is_code(blocks[1][1])


def _json_post(text: str, entities: bool):
    message = {"id": 1, "type": "message", "date": "2024-01-01T10:00:00", "from": "ch"}
    if entities:
        message.update(text="", text_entities=[{"type": "plain", "text": text}])
    else:
        message["text"] = text
    [post] = read_telegram_json({"name": "ch", "type": "public_channel", "messages": [message]}, "result.json")
    return post


def _html_post(text: str):
    body = html.escape(text, quote=True).replace("\n", "<br>")
    page = ('<html><body><div class="history"><div class="message default clearfix" id="message1"><div class="body">'
            f'<div class="from_name">ch</div><div class="text">{body}</div></div></div></div></body></html>')
    [post] = read_telegram_html(page, "messages.html")
    return post


READERS = {
    "telegram-json": lambda text: _json_post(text, entities=False),
    "telegram-json-entities": lambda text: _json_post(text, entities=True),
    "telegram-html": _html_post,
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("text, blocks", CASES)
def test_telegram_readers_make_pasted_code_a_code_block(reader, text, blocks):
    post = READERS[reader](text)
    assert [(b.kind, b.text) for b in post.blocks] == blocks


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("text", PROSE)
def test_telegram_readers_keep_prose_as_prose(reader, text):
    assert "code" not in [b.kind for b in READERS[reader](text).blocks]


@pytest.mark.parametrize("text, blocks", CASES)
def test_text_dumps_make_pasted_code_a_code_block(text, blocks):
    [post] = read_text_dump(text, "notes.txt", "text")
    assert [(b.kind, b.text) for b in post.blocks if b.kind == "code"] == [b for b in blocks if b[0] == "code"]
    assert post.blocks[0].kind == "paragraph"


def test_text_dumps_leave_fences_formulas_and_headings_to_the_reader():
    text = "# Setup\npip install -U peft\n\n```python\nx = 1\n```\n\n$$\nloss = -log p\n$$\n\nКонец."
    [post] = read_text_dump(text, "notes.md", "markdown")
    assert [(b.kind, b.text) for b in post.blocks] == [
        ("heading", "Setup"), ("code", "pip install -U peft"), ("code", "x = 1"),
        ("formula", "$$\nloss = -log p\n$$"), ("paragraph", "Конец.")]


def test_text_dumps_dedent_indented_code():
    [post] = read_text_dump("Пример:\n\n    def f(x):\n        return x\n\nГотово.", "notes.txt", "text")
    assert [(b.kind, b.text) for b in post.blocks] == [
        ("paragraph", "Пример:"), ("code", "def f(x):\n    return x"), ("paragraph", "Готово.")]
