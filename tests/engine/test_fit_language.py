"""Issue 11 item 4: the fit check names models that know the data's language, or offline a local folder."""

from __future__ import annotations

import csv

import pytest

from tlstudio.core.models.catalog import OFFLINE_VARS

CHINESE = ["这家店的外卖很好吃", "送餐太慢了，菜都凉了"] * 10


@pytest.fixture
def online(monkeypatch):
    for var in OFFLINE_VARS:
        monkeypatch.delenv(var, raising=False)


def test_chinese_text_gets_chinese_model_ids_when_online(tiny_model_dir, online):
    from tlstudio.core.models.fit import model_fit
    from tlstudio.core.models.fit_check import OFFLINE_HINT, fit_messages
    from tlstudio.core.models.loading import load_tokenizer

    tokenizer = load_tokenizer(tiny_model_dir)
    report = model_fit(CHINESE, tokenizer)
    assert "The text looks Chinese: choose a Chinese or multilingual model" in report.warnings[0]
    assert "bert-base-chinese" in report.warnings[0]
    assert fit_messages(report)[-1] == OFFLINE_HINT  # the GUI adds the way without internet
    greek = model_fit(["Η ταινία ήταν υπέροχη", "απαίσια ταινία"] * 10, tokenizer)
    assert "If the text is not English, choose a multilingual model (e.g." in greek.warnings[0]


def test_offline_the_warning_names_a_local_folder_not_a_download(tiny_model_dir, monkeypatch):
    from tlstudio.core.models.fit import model_fit
    from tlstudio.core.models.fit_check import fit_messages
    from tlstudio.core.models.loading import load_tokenizer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    report = model_fit(CHINESE, load_tokenizer(tiny_model_dir))
    assert "Offline mode is on, so use a local folder of one" in report.warnings[0]
    assert "bert-base-chinese" not in report.warnings[0]
    assert fit_messages(report) == report.warnings  # said once


def test_the_data_pages_token_survey_knows_the_language_too(tiny_model_dir, tmp_path, online):
    from tlstudio.core.data.split import SplitConfig
    from tlstudio.core.data.summary import inspect_summary
    from tlstudio.core.models.counting import load_counter
    from tlstudio.core.models.token_survey import survey_tokens

    path = tmp_path / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i, text in enumerate(CHINESE * 3):
            writer.writerow([f"{text}{i}", i % 2])
    report = inspect_summary(str(path)).report
    survey = survey_tokens(report.loaded, report.roles, SplitConfig(), load_counter(tiny_model_dir))
    assert survey.language == "Chinese"
    assert "bert-base-chinese" in survey.fit_report(None).warnings[0]
