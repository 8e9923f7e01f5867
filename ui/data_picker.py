"""The sequence picker shared by every page: a bundled dataset with its parameters, or a CSV.

The choice lives in the session (and the URL), so the Windows and Train pages start from
the sequence a student picked on the Sequence data page.
"""

from __future__ import annotations

import hashlib
import io

import streamlit as st

from rnn_core import data
from rnn_core.config import PRESETS, DataConfig
from rnn_core.errors import PlaygroundError
from ui.setup import choices_help, plain, show_error

UPLOAD = "upload"
DEFAULT = PRESETS["default"].data.name  # the Train page's default preset trains on it
_UPLOAD_STATE = "uploaded_csv"  # (file name, bytes) kept for the session, not in the URL


@st.cache_data(max_entries=64, show_spinner=False)
def load_dataset(name: str, params: tuple) -> data.Series:
    return data.load(name, **dict(params))


@st.cache_data(max_entries=8, show_spinner=False)
def load_csv(content: bytes, value_column: str | None, time_column: str | None, file_name: str) -> data.Series:
    upload = io.BytesIO(content)
    upload.name = file_name  # so the series says which file it came from
    return data.from_csv(upload, value_column=value_column, time_column=time_column)


@st.cache_data(max_entries=8, show_spinner=False)
def inspect_csv(content: bytes) -> data.CsvInfo:
    return data.inspect_csv(content)


def _label(name: str) -> str:
    return "Upload a CSV file…" if name == UPLOAD else data.DATASETS[name].label


def _params_widgets(name: str) -> tuple:
    """A number input per dataset parameter; returns the (key, value) pairs."""
    spec = data.DATASETS[name]
    values = []
    for key, p in spec.params.items():
        step = 1 if p.kind is int else None
        value = st.number_input(
            p.label, min_value=p.kind(p.min), max_value=p.kind(p.max), value=p.kind(p.default),
            step=step, help=p.help or None, key=f"{name}_{key}", bind="query-params", persist_state="session",
        )
        values.append((key, p.kind(value)))
    return tuple(values)


def _upload_widgets() -> data.Series | None:
    file = st.file_uploader("CSV file", type=["csv", "txt"], key="csv_file",
                            help=f"At most {data.MAX_UPLOAD_BYTES // 2**20} MB, one row per time step.")
    if file is not None:
        st.session_state[_UPLOAD_STATE] = (file.name, file.getvalue())
    if _UPLOAD_STATE not in st.session_state:
        st.info("Upload a CSV with at least one numeric column (a time column is optional).")
        return None
    file_name, content = st.session_state[_UPLOAD_STATE]
    try:
        info = inspect_csv(content)
        value_column = st.selectbox(
            "Value column", info.numeric_columns, key="csv_value_column", persist_state="session",
            index=info.numeric_columns.index(info.default_value_column) if info.default_value_column else 0,
        )
        if value_column is not None and value_column == info.default_value_column:
            st.caption(f"ℹ️ {plain(f'Started on {value_column!r}: {info.default_value_reason}. Pick another above.')}")
        time_options = ("(none: use row order)",) + tuple(info.time_columns)
        time_choice = st.selectbox(
            "Time column", time_options, key="csv_time_column", persist_state="session",
            index=time_options.index(info.default_time_column) if info.default_time_column else 0,
            format_func=lambda c: f"{c} (shown in UTC)" if c in info.utc_columns else c,
            help="Times with zones (such as MST) and unix times are shown in UTC." if info.utc_columns else None,
        )
        time_column = "" if time_choice == time_options[0] else time_choice  # "": row order, not auto-pick
        digest = hashlib.sha256(content).hexdigest()  # the whole hash: two files never share a cache entry
        st.session_state["upload_params"] = (("file", file_name), ("sha256", digest),
                                             ("value_column", value_column), ("time_column", time_column))
        return load_csv(content, value_column, time_column, file_name)
    except PlaygroundError as err:
        show_error(err)
        return None


def pick_series(container=None) -> data.Series | None:
    """Draw the picker (in the sidebar by default) and return the chosen Series, or None.

    Bad uploads and bad parameters show a message and return None; nothing raises.
    """
    container = container if container is not None else st.sidebar
    with container:
        st.subheader("Sequence")
        options = [*data.DATASETS, UPLOAD]
        name = st.selectbox("Dataset", options, key="dataset", index=options.index(DEFAULT),
                            help=choices_help({n: _label(n) for n in options}),
                            bind="query-params", persist_state="session")
        if name == UPLOAD:
            series = _upload_widgets()
        else:
            st.caption(data.DATASETS[name].description)
            try:
                series = load_dataset(name, _params_widgets(name))
            except PlaygroundError as err:
                show_error(err)
                series = None
        if series is not None:
            for note in series.notes:
                st.caption(f"ℹ️ {plain(note)}")
    return series


def data_config() -> DataConfig:
    """The picker's current choice as a config section (an upload is named by its content hash)."""
    name = st.session_state.get("dataset", DEFAULT)
    if name == UPLOAD or name not in data.DATASETS:
        return DataConfig(UPLOAD, st.session_state.get("upload_params", ()))
    spec = data.DATASETS[name]
    return DataConfig(name, tuple((k, st.session_state.get(f"{name}_{k}", p.default)) for k, p in spec.params.items()))
