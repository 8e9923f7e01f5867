"""Live charts: rebuilt only when what they show changed, throttled and static while training runs."""

from streamlit.testing.v1 import AppTest


def _app():
    import streamlit as st

    from ui import live

    class Run:  # stands in for a trainer: an object to hold a weak reference to, not finished
        finished = False

    if "run" not in st.session_state:
        st.session_state.run, st.session_state.builds = Run(), 0
    st.session_state.trainer = st.session_state.run  # live.is_running() looks at the Train page's slot

    def build():
        import plotly.graph_objects as go

        st.session_state.builds += 1
        return go.Figure(go.Scatter(y=[1, 2, st.session_state.version]))

    live.chart("c", build, st.session_state.run, (st.session_state.version,), every_s=st.session_state.every_s)


def _run(at, version, running=False, every_s=0.0):
    at.session_state["version"], at.session_state["every_s"] = version, every_s
    at.session_state["train_running"] = running
    at.run()
    assert not at.exception
    return at.session_state["builds"]


def _config(at) -> str:
    return at.get("plotly_chart")[0].proto.config


def test_a_chart_is_rebuilt_only_when_its_version_changes():
    at = AppTest.from_function(_app)
    assert _run(at, 1) == 1
    assert _run(at, 1) == 1, "same run, same version: the figure is reused, the browser redraws nothing"
    assert _run(at, 2) == 2


def test_while_training_a_changed_chart_waits_for_its_interval_and_is_static():
    at = AppTest.from_function(_app)
    _run(at, 1)
    assert "staticPlot" not in _config(at), "paused: hover and zoom work"
    assert _run(at, 2, running=True, every_s=60) == 1, "changed, but rebuilt at most once a minute here"
    assert "staticPlot" in _config(at), "while training the chart is redrawn static"
    assert _run(at, 2, running=False, every_s=60) == 2, "paused: the latest figure at once"


def test_a_new_run_is_never_shown_the_old_runs_figure():
    at = AppTest.from_function(_app)
    _run(at, 1)
    at.session_state["run"] = type("Other", (), {"finished": False})()
    assert _run(at, 1) == 2, "same version number, other run: rebuilt"


def _app_with_update():
    import streamlit as st

    from ui import live

    class Run:
        finished = False

    if "run" not in st.session_state:
        st.session_state.run, st.session_state.builds, st.session_state.updates = Run(), 0, 0

    def build():
        import plotly.graph_objects as go

        st.session_state.builds += 1
        return go.Figure(go.Scatter(y=[0, st.session_state.version]))

    def update(fig):
        st.session_state.updates += 1
        fig.data[0].y = [0, st.session_state.version]
        return fig

    live.chart("c", build, st.session_state.run, (st.session_state.version,), update=update)


def test_the_same_run_is_updated_in_place_and_a_new_run_is_built():
    import json

    at = AppTest.from_function(_app_with_update)
    at.session_state["version"] = 1
    at.run()
    at.session_state["version"] = 2
    at.run()
    assert (at.session_state["builds"], at.session_state["updates"]) == (1, 1)
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"] == [0, 2]
    at.session_state["run"] = type("Other", (), {"finished": False})()
    at.run()
    assert (at.session_state["builds"], at.session_state["updates"]) == (2, 1)
