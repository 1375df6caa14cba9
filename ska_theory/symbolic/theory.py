"""One set of SKA definitions that every symbolic claim is derived from (SKA-2 §1, eqs. 9, 14, 26, 31).

A :class:`Theory` fixes three choices and nothing else:

- the activation D = f(z), any SymPy expression in ``z`` strictly increasing from 0 to 1;
- the entropy unit: ``bits`` (H_SKA = -(1/ln2) ∫ z dD, Shannon entropy in bits) or ``nats`` (prefactor -1);
- the sign convention of ∇_z H: ``paper`` (∇_z H = prefactor·z·f'(z), SKA-2 eq. 31) or ``code`` (the
  opposite sign, as the authors' implementation computes it).

Every other object (H_SKA, ∇_z H, the Lagrangian 𝓛, the Tensor Net integrand, the network flow) is a
method computed from these three. Change a definition and every derived object changes with it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import mpmath
import sympy as sp

from ska_theory.symbolic.witness import quad_line

z = sp.Symbol("z", real=True)  # knowledge (pre-activation), SKA-2 §1.1
s = sp.Symbol("s", real=True)  # integration variable
t = sp.Symbol("t", real=True)  # continuous time t = η·k (SKA-2 §2.1)
LN2 = sp.log(2)

Unit = Literal["bits", "nats"]
Sign = Literal["paper", "code"]
UNITS: tuple[Unit, ...] = ("bits", "nats")
SIGNS: tuple[Sign, ...] = ("paper", "code")
KEYS: tuple[str, ...] = ("name", "activation", "entropy_unit", "gradient_sign")

# Names an activation may use besides z: SymPy's elementary and special functions and constants.
ALLOWED_NAMES = frozenset(
    "exp log sqrt tanh sinh cosh atan asinh erf erfc Abs sign Max Min Piecewise pi E Rational".split()
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_ALLOWED_CHARS = re.compile(r"[0-9A-Za-z_+\-*/().,\s^<>=]*")

MpFn = Callable[..., mpmath.mpf]


@dataclass(frozen=True)
class Theory:
    """The SKA definitions (module docstring); build one with :func:`theory` or :func:`load_theory`."""

    name: str
    activation: sp.Expr  # f(z) in the real symbol z
    entropy_unit: Unit = "bits"
    gradient_sign: Sign = "paper"
    _mp_cache: dict[str, MpFn] = field(default_factory=dict, compare=False, repr=False, hash=False)

    # --- the three definitions and their scalars -------------------------------------------------

    def f(self, x: sp.Expr) -> sp.Expr:
        """The activation D = f(x)."""
        return self.activation.subs(z, x)

    def f_prime(self, x: sp.Expr) -> sp.Expr:
        """f'(x) = dD/dz at x."""
        return self.activation_derivative.subs(z, x)

    @cached_property
    def activation_derivative(self) -> sp.Expr:
        return sp.diff(self.activation, z)

    @property
    def unit_scale(self) -> sp.Expr:
        """κ with H(in the unit) = κ·H(in nats): 1/ln2 for bits, 1 for nats."""
        return 1 / LN2 if self.entropy_unit == "bits" else sp.S.One

    @property
    def prefactor(self) -> sp.Expr:
        """The constant in front of ∫ z dD in H_SKA (SKA-2 eq. 9): -κ."""
        return -self.unit_scale

    @property
    def sign(self) -> int:
        """+1 for the paper's ∇_z H (eq. 31), -1 for the authors' code."""
        return 1 if self.gradient_sign == "paper" else -1

    # --- derived objects -------------------------------------------------------------------------

    def shannon(self, p: sp.Expr) -> sp.Expr:
        """Binary Shannon entropy of a Bernoulli(p) decision in the theory's unit."""
        return -self.unit_scale * (p * sp.log(p) + (1 - p) * sp.log(1 - p))

    def h_ska_integrand(self, x: sp.Expr) -> sp.Expr:
        """dH_SKA/dz = prefactor·z·f'(z), the integrand of H_SKA = prefactor ∫ z dD in z (eq. 9)."""
        return self.prefactor * x * self.f_prime(x)

    def h_ska(self, upper: sp.Expr = z, lower: sp.Expr = sp.S.NegativeInfinity) -> sp.Expr:
        """H_SKA = prefactor ∫_{lower}^{upper} s f'(s) ds, unevaluated (SKA-2 eqs. 9, 30)."""
        return self.prefactor * sp.Integral(s * self.f_prime(s), (s, lower, upper))

    def entropy_gradient_z(self, x: sp.Expr) -> sp.Expr:
        """∇_z H in the theory's convention: sign·prefactor·z·f'(z) (SKA-2 eq. 31 for the paper's sign)."""
        return self.sign * self.prefactor * x * self.f_prime(x)

    def lagrangian(self, q: sp.Expr, qdot: sp.Expr) -> sp.Expr:
        """𝓛(z, ż) = -z f'(z) ż (SKA-2 eq. 14), normalised so that H = κ ∫ 𝓛 dt (eq. 12)."""
        return -q * self.f_prime(q) * qdot

    def tensor_net_integrand(self, x: sp.Expr) -> sp.Expr:
        """D - ∇_z H, the integrand of Net = ∫(D - ∇_z H) dz (SKA-2 eq. 26)."""
        return self.f(x) - self.entropy_gradient_z(x)

    # --- numeric (mpmath) forms of the definitions, for witnesses -------------------------------

    def mp(self, expr: sp.Expr, *symbols: sp.Symbol) -> MpFn:
        """``expr`` as a positional mpmath function of ``symbols`` (common subexpressions shared)."""
        return sp.lambdify(list(symbols), expr, modules="mpmath", cse=True)  # type: ignore[no-any-return]

    def _mp_named(self, name: str, expr: sp.Expr) -> MpFn:
        if name not in self._mp_cache:
            self._mp_cache[name] = self.mp(expr, z)
        return self._mp_cache[name]

    @property
    def mp_f(self) -> MpFn:
        """x ↦ f(x) with mpmath."""
        return self._mp_named("f", self.activation)

    @property
    def mp_f_prime(self) -> MpFn:
        """x ↦ f'(x) with mpmath."""
        return self._mp_named("f_prime", self.activation_derivative)

    def mp_shannon(self, p: mpmath.mpf) -> mpmath.mpf:
        """Binary entropy of p in the theory's unit, with 0 ln 0 = 0."""
        terms = [q * mpmath.log(q) for q in (p, 1 - p) if q != 0]
        nats = -mpmath.fsum(terms)
        return nats / mpmath.log(2) if self.entropy_unit == "bits" else nats

    @property
    def mp_unit_scale(self) -> mpmath.mpf:
        return 1 / mpmath.log(2) if self.entropy_unit == "bits" else mpmath.mpf(1)

    def mp_h_ska(self, upper: mpmath.mpf, lower: mpmath.mpf = mpmath.ninf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """(H_SKA, error estimate): -κ ∫_{lower}^{upper} s f'(s) ds by mpmath.quad, split at 0 and ±1."""
        lo, hi = (lower, upper) if lower <= upper else (upper, lower)
        fp = self.mp_f_prime

        def integrand(x: mpmath.mpf) -> mpmath.mpf:
            return x * fp(x)

        val, err = quad_line(integrand, [lo, *(c for c in (-1, 0, 1) if lo < c < hi), hi])
        val = -self.mp_unit_scale * val
        return (val if lower <= upper else -val), self.mp_unit_scale * err

    # --- description -------------------------------------------------------------------------

    def describe(self) -> dict[str, str]:
        """The JSON form: exactly the keys of a theory TOML file."""
        return {
            "name": self.name,
            "activation": sp.sstr(self.activation),
            "entropy_unit": self.entropy_unit,
            "gradient_sign": self.gradient_sign,
        }

    def fingerprint(self) -> str:
        """What the definitions are, without the name (two names for the same maths are one theory)."""
        d = self.describe()
        return f"{d['activation']}|{d['entropy_unit']}|{d['gradient_sign']}"


# --- building and validating theories -----------------------------------------------------------


def parse_activation(text: str) -> sp.Expr:
    """A SymPy expression in ``z`` from text; ValueError naming ``activation`` when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"activation {text!r}: must be a non-empty expression in z")
    if not _ALLOWED_CHARS.fullmatch(text):
        raise ValueError(f"activation {text!r}: unexpected character (use SymPy syntax in z)")
    unknown = sorted({n for n in _IDENT.findall(text) if n != "z" and n not in ALLOWED_NAMES})
    if unknown:
        raise ValueError(f"activation {text!r}: uses {', '.join(unknown)}; the only variable is z")
    names: dict[str, Any] = {n: getattr(sp, n) for n in ALLOWED_NAMES} | {"z": z}
    try:
        expr = sp.sympify(text.replace("^", "**"), locals=names, rational=True)
    except (sp.SympifyError, SyntaxError, TypeError, ValueError, AttributeError) as e:
        raise ValueError(f"activation {text!r}: does not parse ({type(e).__name__})") from None
    if not isinstance(expr, sp.Expr) or expr.free_symbols - {z}:
        raise ValueError(f"activation {text!r}: must be an expression in z alone")
    if z not in expr.free_symbols:
        raise ValueError(f"activation {text!r}: does not depend on z")
    return expr


def _limit(expr: sp.Expr, where: sp.Expr) -> sp.Expr | None:
    try:
        value = sp.limit(expr, z, where)
    except (NotImplementedError, ValueError, TypeError):
        return None
    return value if value.is_number else None


def check_activation(expr: sp.Expr, text: str = "") -> None:
    """ValueError naming ``activation`` unless f increases strictly from 0 (at -∞) to 1 (at +∞).

    The limits are computed by SymPy (mpmath at |z| = 10^4 when SymPy cannot). Monotonicity is checked
    at 4001 points of [-60, 60] at 40 digits, wherever f is resolvable there (10^-25 < f < 1 - 10^-25):
    each value must be real and exceed the one before.
    """
    shown = text or sp.sstr(expr)
    f = sp.lambdify([z], expr, modules="mpmath")
    with mpmath.workdps(40):
        for where, target in ((sp.S.NegativeInfinity, 0), (sp.oo, 1)):
            lim = _limit(expr, where)
            if lim is None:
                far = mpmath.mpf(10) ** 4 * (1 if where is sp.oo else -1)
                ok = abs(f(far) - target) < mpmath.mpf(10) ** -6
            else:
                ok = lim == target
            if not ok:
                side = "+∞" if where is sp.oo else "-∞"
                raise ValueError(f"activation {shown!r}: must tend to {target} as z → {side} (got {lim})")
        grid = [mpmath.mpf(-60) + mpmath.mpf(120) * k / 4000 for k in range(4001)]
        values = [mpmath.mpmathify(f(x)) for x in grid]
        eps = mpmath.mpf(10) ** -25
        for x0, v0, v1 in zip(grid, values, values[1:], strict=False):
            real = mpmath.im(v0) == 0 and mpmath.im(v1) == 0 and mpmath.isfinite(v0) and mpmath.isfinite(v1)
            if real and not 0 <= v0 <= 1:
                raise ValueError(
                    f"activation {shown!r}: takes the value {float(v0):.4g} outside [0, 1] "
                    f"at z = {float(x0):.4g}"
                )
            resolvable = real and min(v0, v1) > eps and max(v0, v1) < 1 - eps
            if not real or (resolvable and not v1 > v0):
                where = f"{float(x0):.4g}"
                raise ValueError(f"activation {shown!r}: not strictly increasing and real near z = {where}")


def theory(
    name: str, activation: str | sp.Expr, entropy_unit: str = "bits", gradient_sign: str = "paper"
) -> Theory:
    """A validated theory; ValueError naming the offending key (``activation``, ``entropy_unit``...)."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name {name!r}: must be a non-empty string")
    if entropy_unit not in UNITS:
        raise ValueError(f"entropy_unit {entropy_unit!r}: must be one of {', '.join(UNITS)}")
    if gradient_sign not in SIGNS:
        raise ValueError(f"gradient_sign {gradient_sign!r}: must be one of {', '.join(SIGNS)}")
    expr = parse_activation(activation) if isinstance(activation, str) else activation
    check_activation(expr, activation if isinstance(activation, str) else "")
    return Theory(name.strip(), expr, entropy_unit, gradient_sign)  # type: ignore[arg-type]


def theory_from_mapping(values: Mapping[str, Any]) -> Theory:
    """A theory from a TOML table with exactly the keys name, activation, entropy_unit, gradient_sign."""
    for key in values:
        if key not in KEYS:
            raise ValueError(f"{key}: unknown key (a theory has exactly {', '.join(KEYS)})")
    missing = [k for k in KEYS if k not in values]
    if missing:
        raise ValueError(f"{missing[0]}: missing (a theory has exactly {', '.join(KEYS)})")
    return theory(values["name"], values["activation"], values["entropy_unit"], values["gradient_sign"])


def load_theory(path: Path) -> Theory:
    """Read a theory TOML file; ValueError starting with the file name."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path}: not a readable TOML file ({e})") from None
    try:
        return theory_from_mapping(doc)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


SIGMOID = "1/(1 + exp(-z))"

# The built-in theories: the paper's, and one mutation of each definition.
BUILTINS: dict[str, tuple[str, Unit, Sign]] = {
    "paper": (SIGMOID, "bits", "paper"),  # σ, bits, SKA-2 eq. 31
    "code-sign": (SIGMOID, "bits", "code"),  # ∇_z H with the authors' code's sign
    "nats": (SIGMOID, "nats", "paper"),  # natural-log entropy
    "tempered": ("1/(1 + exp(-2*z))", "bits", "paper"),  # D = σ(2z)
}


def builtin(name: str) -> Theory:
    """A built-in theory by name (see :data:`BUILTINS`)."""
    if name not in BUILTINS:
        raise ValueError(f"theory {name!r}: not a built-in ({', '.join(BUILTINS)}) nor a .toml file")
    act, unit, sign = BUILTINS[name]
    return Theory(name, parse_activation(act), unit, sign)


PAPER = builtin("paper")


def resolve_theory(spec: str) -> Theory:
    """A built-in theory's name, or the path of a theory TOML file; ValueError naming what is wrong."""
    if spec in BUILTINS:
        return builtin(spec)
    if spec.endswith(".toml") or Path(spec).exists():
        return load_theory(Path(spec))
    raise ValueError(f"theory {spec!r}: not a built-in ({', '.join(BUILTINS)}) nor a .toml file")
