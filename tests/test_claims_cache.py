"""The outcome cache: content keys, exact round trips of derivations, corrupt entries, never undecided."""

from __future__ import annotations

import pickle

import sympy as sp
from helpers import claims_by_id

from ska_theory.claims import cache
from ska_theory.claims.model import Context, Evidence, Outcome, Step, Verdict
from ska_theory.symbolic.steps import freeze, thaw
from ska_theory.symbolic.theory import builtin, z


def test_frozen_expressions_come_back_unevaluated_and_identical():
    fp = sp.Function("fp")
    for e in (
        sp.Mul(2, 3, evaluate=False),
        sp.Eq(z, z, evaluate=False),
        sp.Integral(z * fp(z), (z, -sp.oo, 1)),
        sp.Lt(sp.Float("0.2", 20), sp.log(2), evaluate=False),
        1 / (1 + sp.exp(-z)),
    ):
        back = thaw(pickle.loads(pickle.dumps(freeze(e))))
        assert sp.srepr(back) == sp.srepr(e)


def test_key_depends_on_the_theory_not_its_name():
    c = claims_by_id()["flow.entropy-gradient-z"]
    paper, renamed = builtin("paper"), builtin("paper")
    object.__setattr__(renamed, "name", "another name")
    assert cache.claim_key(c, Context(theory=paper)) == cache.claim_key(c, Context(theory=renamed))
    assert cache.claim_key(c, Context(theory=paper)) != cache.claim_key(
        c, Context(theory=builtin("code-sign"))
    )


def test_store_load_round_trip_and_corrupt_entries(tmp_path):
    o = Outcome(Verdict.HOLDS, "s", evidence=Evidence(steps=[Step(sp.Mul(2, 3, evaluate=False), "why")]))
    cache.store(tmp_path, "ab" * 32, o)
    back = cache.load(tmp_path, "ab" * 32)
    assert back is not None and sp.srepr(back.evidence.steps[0].expr) == sp.srepr(o.evidence.steps[0].expr)
    blob, _ = cache._paths(tmp_path, "ab" * 32)
    blob.write_bytes(blob.read_bytes()[:-3])
    assert cache.load(tmp_path, "ab" * 32) is None and not blob.exists()


def test_undecided_outcomes_are_never_cached(tmp_path):
    from ska_theory.claims.model import Source, claim

    calls = []

    @claim("t.flaky", source=Source("SKA-2", "x"), statement="x")
    def flaky(th: object) -> Outcome:
        calls.append(1)
        raise RuntimeError("transient")

    ctx = Context(use_cache=True)
    assert cache.decide(flaky, ctx, tmp_path).verdict is Verdict.UNDECIDED
    assert cache.decide(flaky, ctx, tmp_path).verdict is Verdict.UNDECIDED
    assert len(calls) == 2
