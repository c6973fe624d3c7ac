"""One change of a text, told in the reader's language: the editors' own words, else what the site found changed."""

from __future__ import annotations

from ..config import Config
from ..source.history import Change, Edit

# Front-matter key -> the interface string readers know it by (the document page's labels where there is one);
# None: not shown to readers, so not named either.
FIELD_LABELS = {
    "title": "history_field_title", "type": "doc_type", "period": "doc_period", "date": "doc_date",
    "author": "doc_author", "status": "doc_status", "summary": "doc_summary", "themes": "doc_themes",
    "objectives": "history_field_objectives", "replaces": "doc_replaces", "replaced_by": "history_field_replaced_by",
    "source_hash": "history_field_source_hash", "editor_notes": None,
}


def describe(config: Config, change: Change, lang: str) -> str:
    """Never the commit's subject: that is written for developers, in English."""
    note = change.note(lang)
    if note:
        return note
    if change.first:
        return config.text(lang, "history_first")
    edit = change.edit or Edit(text=True)  # not computed: every language had a note, so it is not shown
    fields = ", ".join(_label(config, key, lang) for key in edit.fields if FIELD_LABELS.get(key, key))
    if edit.text:
        return config.text(lang, "history_text_and_fields").format(fields=fields) if fields else config.text(lang, "history_text")
    if fields:
        return config.text(lang, "history_fields").format(fields=fields)
    return config.text(lang, "history_moved" if edit.moved else "history_unchanged")


def _label(config: Config, key: str, lang: str) -> str:
    """Lower case, as it reads inside a sentence; a key the site no longer knows is named as it was written."""
    label = config.text(lang, FIELD_LABELS[key]) if key in FIELD_LABELS else key
    return label[:1].lower() + label[1:]
