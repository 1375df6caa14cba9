"""efficiency.memory and efficiency.parallel-layers: the updates, their byte counts, FLOPs and verdicts.

The three NumPy updates are checked against the paper's and the authors' update rules written out and
a backpropagation gradient; the byte counts against hand counts and against tracemalloc (within 10 %)
on the paper's shapes; FLOPs and critical paths against hand counts; and the verdicts are shown to move
when the network's shape would make the paper's statement false.
"""

from __future__ import annotations

import numpy as np
import pytest

from ska_theory.claims.model import Context, Verdict
from ska_theory.network.forward import forward
from ska_theory.network.params import Layer, init_params
from ska_theory.network.velocity import velocity
from ska_theory.sims import _costs as costs
from ska_theory.sims import _gradient_descent as gd
from ska_theory.sims import efficiency
from tests.prose_checks import problems

PAPER = (784, 256, 128, 64, 10)
RTOL = 1e-12
LN2 = float(np.log(2.0))


def _tiny(sizes=(6, 5, 4, 3), n=7, seed=0):
    rng = np.random.default_rng(seed)
    params = tuple(
        Layer(lay.W, rng.standard_normal(lay.b.shape) * 0.1)
        for lay in init_params(sizes, seed=seed, scale=0.5)
    )
    X = rng.uniform(0, 1, (n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    return params, X, Y


def _close(a, b):
    for la, lb in zip(a, b, strict=True):
        np.testing.assert_allclose(la.W, lb.W, rtol=RTOL, atol=1e-14)
        np.testing.assert_allclose(la.b, lb.b, rtol=RTOL, atol=1e-14)


def test_ska_update_is_the_paper_variants_step():
    # The paper's eq. 1: one explicit Euler step of the flow, W + η dW/dt, dW/dt from the plain formula.
    params, X, _ = _tiny()
    expected = tuple(
        Layer(lay.W + 0.3 * v.W, lay.b + 0.3 * v.b)
        for lay, v in zip(params, velocity(params, X), strict=True)
    )
    p = costs.copy_params(params, np.float64)
    costs.ska_update(p, X, 0.3, chunk=3)  # a chunk that does not divide the batch
    _close(p, expected)


def test_authors_update_is_the_reference_code_step():
    params, X, _ = _tiny()
    before, _, _ = _tiny(seed=1)  # the previous pass ran with other weights
    (_, prev_D), (Z, D) = forward(before, X), forward(params, X)
    # The authors' update: -(1/ln2)(Z ⊙ D(1-D) + ΔD), times the previous pass's layer input, mean over N.
    expected = []
    for i, lay in enumerate(params):
        grad = -(Z[i] * D[i] * (1 - D[i]) + D[i] - prev_D[i]) / LN2
        inp = X if i == 0 else prev_D[i - 1]
        expected.append(Layer(lay.W - 0.3 * inp.T @ grad / len(X), lay.b - 0.3 * grad.mean(axis=0)))
    p = costs.copy_params(params, np.float64)
    new_prev = costs.authors_update(p, X, [d.copy() for d in prev_D], 0.3, chunk=2)
    _close(p, tuple(expected))
    for a, b in zip(new_prev, D, strict=True):
        np.testing.assert_allclose(a, b, rtol=RTOL)


def test_backprop_update_is_a_gradient_step_on_the_cross_entropy():
    params, X, Y = _tiny()
    problem = gd.Problem(X, Y, (6, 5, 4, 3))
    grad, _ = gd.loss_gradient(problem, problem.pack(params))
    p = costs.copy_params(params, np.float64)
    costs.backprop_update(p, X, Y, 0.3)
    np.testing.assert_allclose(problem.pack(p), problem.pack(params) - 0.3 * grad, rtol=RTOL, atol=1e-14)


def test_peak_elements_by_hand():
    # sizes (4, 3, 2), batch 5, chunk 2
    # SKA: layer 1 Z, D + scratch = 2·5·3 + 2·3 = 36; layer 2 D_1 + Z, D + scratch = 15 + 20 + 4 = 39
    assert costs.ska_elements((4, 3, 2), 5, chunk=2) == 39
    # backprop: all D = 25; step of layer 2: D_1 + δ_2 + δ_1 + bias sum = 15 + 10 + 15 + 2 = 42
    assert costs.backprop_elements((4, 3, 2), 5) == 42
    # authors: 3 × (15 + 10) + scratch 2·3 = 81
    assert costs.authors_elements((4, 3, 2), 5, chunk=2) == 81
    assert costs.ska_unfused_elements((4, 3, 2), 5) == 15 + 3 * 10


@pytest.mark.parametrize("sizes, n", [(PAPER, 1000), ((300, 200, 150, 40), 400)])
def test_accounting_matches_tracemalloc_within_10_percent(sizes, n):
    rng = np.random.default_rng(1)
    params = costs.copy_params(init_params(sizes, seed=1, scale=0.01))
    X = rng.uniform(0, 1, (n, sizes[0])).astype(np.float32)
    Y = np.eye(sizes[-1], dtype=np.float32)[rng.integers(0, sizes[-1], n)]
    accounted = efficiency.accounted_bytes(sizes, n)
    measured = efficiency.measured_bytes(params, X, Y)
    for k in efficiency.METHODS:
        assert measured[k] == pytest.approx(accounted[k], rel=efficiency.MEASURE_TOLERANCE), k


def test_memory_claim_on_a_small_case(monkeypatch):
    params, X, Y = _tiny((120, 60, 30, 10), n=200)
    f32 = costs.copy_params(params)
    monkeypatch.setattr(efficiency, "setting", lambda: (f32, X.astype(np.float32), Y.astype(np.float32)))
    o = efficiency.memory.decide(Context())
    acc = efficiency.accounted_bytes((120, 60, 30, 10), 200)
    figs = o.evidence.figures
    assert figs["accounted_bytes"] == acc
    assert figs["ska_over_backprop"] == pytest.approx(acc["ska"] / acc["backprop"])
    expected = Verdict.HOLDS_UNDER_CONDITIONS if acc["ska"] < acc["backprop"] else Verdict.FAILS
    assert o.verdict is expected
    assert o.robustness is not None and o.robustness.value == pytest.approx(
        acc["ska"] / acc["backprop"], 1e-3
    )
    assert not problems(efficiency.memory, o)


def test_memory_verdict_moves_with_the_shapes():
    def verdict(sizes, n=1000):
        acc = efficiency.accounted_bytes(sizes, n)
        figs = {
            "batch": n,
            "labels_bytes": 0,
            "ska_with_whole_gradient_array_bytes": acc["ska"],
            "layers": sizes,
            "dtype": "float32",
        }
        return efficiency.memory_outcome(acc, acc, 0, figs).verdict

    assert verdict(PAPER) is Verdict.HOLDS_UNDER_CONDITIONS
    # A first layer far wider than the rest: SKA must hold its Z and D at once, backpropagation's peak is
    # its D plus two thin δ's, so the SKA update holds more.
    assert verdict((784, 512, 8, 4)) is Verdict.FAILS
    # With ∇_z H as a whole array instead of fused into Z's buffer, the paper's network loses the saving.
    assert costs.ska_unfused_elements(PAPER, 1000) > costs.backprop_elements(PAPER, 1000)


def test_flops_and_critical_paths_by_hand():
    # sizes (3, 2, 2), batch 2: F1 = 2·2·3·2 + 5·2·2 = 44, F2 = 16 + 20 = 36,
    # U1 = 3·2·2 + (24 + 12 + 4 + 4) = 56, U2 = 12 + (16 + 8 + 4 + 4) = 44
    ska = costs.task_graph("ska", (3, 2, 2), 2)
    assert {k: t.flops for k, t in ska.items()} == {"F1": 44, "F2": 36, "U1": 56, "U2": 44}
    assert costs.critical_path(ska).tasks == ("F1", "F2", "U2")
    assert costs.critical_path(ska).weight == 124
    assert costs.stage_depth(ska).weight == 3
    # backprop: E = 4, P2 = 16 + 12 = 28, G2 = 32, G1 = 44; path F1 F2 E P2 G1 = 156
    bp = costs.task_graph("backprop", (3, 2, 2), 2)
    assert {k: t.flops for k, t in bp.items()} == {"F1": 44, "F2": 36, "E": 4, "P2": 28, "G2": 32, "G1": 44}
    assert costs.critical_path(bp).tasks == ("F1", "F2", "E", "P2", "G1")
    assert costs.critical_path(bp).weight == 156
    assert costs.stage_depth(bp).weight == 4


@pytest.mark.parametrize("sizes", [(5, 4), (5, 4, 3), (9, 8, 7, 6, 5, 4)])
def test_layer_stages_are_l_plus_1_and_2l(sizes):
    L = len(sizes) - 1
    assert costs.stage_depth(costs.task_graph("ska", sizes, 3)).weight == L + 1
    assert costs.stage_depth(costs.task_graph("backprop", sizes, 3)).weight == 2 * L
    ska = costs.task_graph("ska", sizes, 3)
    assert not any(costs.depends_on(ska, f"U{a}", f"U{b}") for a in range(1, L + 1) for b in range(1, L + 1))
    assert all(costs.depends_on(ska, f"F{j}", "F1") for j in range(2, L + 1))


def test_equal_layers_pipeline_l_fold():
    sizes = (64, 64, 64, 64)
    ska = costs.task_graph("ska", sizes, 10)
    work = sum(t.flops for t in ska.values())
    assert work / costs.pipelined_time(ska, sizes) == pytest.approx(3.0)


def test_parallel_verdict_on_the_paper_network_and_its_move():
    o = efficiency.parallel_outcome(efficiency.parallel_numbers(PAPER, 1000), PAPER, 1000)
    figs = o.evidence.figures
    ska, bp = costs.task_graph("ska", PAPER, 1000), costs.task_graph("backprop", PAPER, 1000)
    ratio = costs.critical_path(ska).weight / costs.critical_path(bp).weight
    assert figs["critical_path_ratio"] == pytest.approx(ratio)
    assert o.verdict is (Verdict.HOLDS_UNDER_CONDITIONS if ratio < 1 else Verdict.FAILS)
    assert not problems(efficiency.parallel_layers, o)
    # One layer: SKA's update carries the ∇_z H product backpropagation's output error does not need, and
    # there is nothing to overlap, so its critical path is longer: no parallel gain.
    one = efficiency.parallel_outcome(efficiency.parallel_numbers((784, 10), 1000), (784, 10), 1000)
    assert one.verdict is Verdict.FAILS
