"""The lecture's ARMA equation written with a fitted ARIMA's own numbers, and one forecast worked by hand.

:func:`arma_formula` takes a fit from :mod:`rnn_core.forecasting.arima` and returns the
equation (LaTeX), the lecture's symbols mapped to statsmodels' parameter names, and the
forecast of the last training value computed from the equation beside statsmodels' own,
with the reason when the two differ (an MA part at the edge of invertibility).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rnn_core._checks import as_values as _values
from rnn_core.errors import ConfigError

if TYPE_CHECKING:
    from rnn_core.forecasting.arima import ArimaFit


@dataclass(frozen=True)
class ArmaFormula:
    """The lecture's ARMA equation with a fit's own numbers, and one forecast worked out by hand.

    ``latex``: the equation; ``by_hand``: the one-step forecast of the last training value
    computed from that equation, the fitted coefficients and statsmodels' residuals;
    ``statsmodels``: statsmodels' own one-step forecast of the same value.
    """

    latex: str
    by_hand: float
    statsmodels: float
    terms: dict  # lecture symbol -> (statsmodels parameter name, value)
    ma_root: float = float("inf")  # the smallest modulus of the MA polynomial's roots (inf without MA terms)

    @property
    def agrees(self) -> bool:
        """The hand-worked forecast is statsmodels' (to a millionth of its size)."""
        return abs(self.by_hand - self.statsmodels) <= 1e-6 * max(1.0, abs(self.statsmodels))

    def why_not(self) -> str:
        """Why the two forecasts differ, in plain words ("" when they agree)."""
        if self.agrees:
            return ""
        if self.ma_root < 1.01:
            return (f"The fitted MA part sits on the edge of invertibility (a root of modulus {self.ma_root:.4f}, "
                    "where 1 is the edge): old errors then never fade, and statsmodels' Kalman filter, which "
                    "weighs them by how sure it is of them, never settles onto the plain equation. Such a fit "
                    "usually means the series was differenced more than it needed, or has a pattern "
                    "(a season) the order cannot describe.")
        return ("statsmodels' Kalman filter has not yet settled onto the plain equation at this point: it still "
                "weighs the first errors by how sure it is of them (a short series, or a model near the edge of "
                "stationarity).")


def _signed(value: float, term: str) -> str:
    return f"{'-' if value < 0 else '+'} {abs(value):.3g}\\,{term}"


def arma_formula(fit: ArimaFit, train_values) -> ArmaFormula:
    """The lecture's ŷ_t = Σ α_i y_(t-i) + Σ θ_i ε_(t-i) with ``fit``'s coefficients (non-seasonal).

    statsmodels writes ARIMA(p, d, q) for z_t, the series differenced d times: with d = 0 its
    ``const`` is the mean μ and the AR part acts on z - μ; α_i is ``ar.L<i>``, θ_i is
    ``ma.L<i>`` and ε_t = y_t - ŷ_t are its one-step errors. The forecast of y adds back what
    the differencing took away, all of it known values.

    Examples
    --------
    >>> import numpy as np
    >>> y = 10 + np.sin(np.arange(120) / 3) + np.random.default_rng(0).normal(0, 0.1, 120)
    >>> from rnn_core.forecasting.arima import fit_arima
    >>> f = arma_formula(fit_arima(y, (2, 0, 1)), y)
    >>> abs(f.by_hand - f.statsmodels) < 1e-6
    True
    >>> sorted(f.terms)
    ['α₁', 'α₂', 'θ₁', 'μ']
    """
    if fit.seasonal_order:
        raise ConfigError("The ARMA equation is written out for non-seasonal orders only.")
    p, d, q = fit.order
    y = _values(train_values, "training part")
    names, values = list(fit.results.param_names), np.asarray(fit.results.params, dtype=np.float64)
    param = dict(zip(names, values, strict=True))
    mu = float(param.get("const", 0.0))
    alpha = [float(param[f"ar.L{i}"]) for i in range(1, p + 1)]
    theta = [float(param[f"ma.L{i}"]) for i in range(1, q + 1)]
    z, resid = np.diff(y, n=d) if d else y, np.asarray(fit.results.resid, dtype=np.float64)
    t = len(y) - 1  # the last training value; z_t sits at index t - d
    z_hat = (mu + sum(a * (z[t - d - i] - mu) for i, a in enumerate(alpha, start=1))
             + sum(th * resid[t - i] for i, th in enumerate(theta, start=1)))
    by_hand = z_hat + (y[t] - z[t - d])  # y_t - z_t depends on y_(t-1), ... only
    target = "y" if d == 0 else ("y'" if d == 1 else f"\\Delta^{{{d}}}y")
    lhs = f"\\hat{{{target}}}_t" if d == 0 else f"\\widehat{{{target}}}_t"
    shift = f"{'+' if mu < 0 else '-'} {abs(mu):.3g}"
    centre = f"({target}_{{t-{{i}}}} {shift})" if "const" in param else f"{target}_{{t-{{i}}}}"
    rhs = [f"{mu:.3g}"] if "const" in param else []
    rhs += [_signed(a, centre.replace("{i}", str(i))) for i, a in enumerate(alpha, start=1)]
    rhs += [_signed(th, f"\\varepsilon_{{t-{i}}}") for i, th in enumerate(theta, start=1)]
    rhs_text = " ".join(rhs).lstrip("+ ") if rhs else "0"
    terms = ({"μ": ("const", mu)} if "const" in param else {})
    terms.update({f"α{_SUB[i]}": (f"ar.L{i}", a) for i, a in enumerate(alpha, start=1)})
    terms.update({f"θ{_SUB[i]}": (f"ma.L{i}", th) for i, th in enumerate(theta, start=1)})
    ma_root = float(np.abs(fit.results.maroots).min()) if q else float("inf")
    where = {0: "", 1: r",\qquad y'_t = y_t - y_{t-1}"}.get(d, rf",\qquad \Delta^{{{d}}}y_t: y_t \text{{ differenced {d} times}}")
    return ArmaFormula(f"{lhs} = {rhs_text}{where}", float(by_hand), float(np.asarray(fit.results.fittedvalues)[t]), terms,
                       ma_root)


_SUB = dict(zip(range(10), "₀₁₂₃₄₅₆₇₈₉", strict=True))
