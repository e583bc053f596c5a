"""Build a tiny random BERT and a matching WordPiece tokenizer on the fly (no network)."""

from __future__ import annotations

import re
from pathlib import Path

_SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_WORDS = (
    "the a an and or but not no is was are were be been good bad great terrible excellent "
    "awful love hate like movie film phone food service place great nice poor worst best "
    "i you it this that of to in on for with my very so too really just would could "
    "spam ham free win call now text reply stop prize claim urgent cash money"
).split()


def make_tiny_model(folder: str | Path, *, extra_text: str = "", num_labels: int = 2, seed: int = 0) -> Path:
    """Save a 2-layer, hidden-32 random BERT and its tokenizer to ``folder``; return it.

    The weights come from ``seed`` (the global random state is left as it was), so a test
    meets the same model on every run and a failure can be reproduced.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    words = list(dict.fromkeys(_WORDS + re.findall(r"[a-z]+", extra_text.lower())))[:2000]
    chars = [c for c in "abcdefghijklmnopqrstuvwxyz0123456789.,!?'\"-"]
    vocab = _SPECIAL + chars + [f"##{c}" for c in chars] + [w for w in words if w not in chars]
    vocab = list(dict.fromkeys(vocab))
    tokenizer = BertTokenizerFast(vocab={tok: i for i, tok in enumerate(vocab)}, do_lower_case=True)
    tokenizer.model_max_length = 128
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=num_labels,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = BertForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def make_tiny_gpt2(folder: str | Path) -> Path:
    """Save a 1-layer random GPT-2 and a byte-level BPE tokenizer that has no padding token."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2ForSequenceClassification, GPT2TokenizerFast

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    corpus = [" ".join(_WORDS[i:i + 8]) for i in range(len(_WORDS))] * 5
    bpe.train_from_iterator(corpus, vocab_size=400, min_frequency=1, special_tokens=["<|endoftext|>"])
    end = "<|endoftext|>"
    tokenizer = GPT2TokenizerFast(tokenizer_object=bpe._tokenizer, bos_token=end, eos_token=end,
                                  unk_token=end)
    tokenizer.model_max_length = 64
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=32, n_layer=1, n_head=2,
                        num_labels=2, bos_token_id=tokenizer.eos_token_id,
                        eos_token_id=tokenizer.eos_token_id)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = GPT2ForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
