"""Health score vs churn: the AUC helper, and the figures `make truth` prints on the test warehouse."""
from __future__ import annotations

import math

import pytest

from gtm_warehouse import truth


def test_auc_is_the_probability_that_a_churner_scores_below_a_stayer():
    assert truth.auc([1, 2, 3, 4], [True, True, False, False]) == 1.0
    assert truth.auc([4, 3, 2, 1], [True, True, False, False]) == 0.0
    assert truth.auc([1, 2, 2, 3], [True, True, False, False]) == pytest.approx(0.875)  # one tie counts half


def test_auc_without_both_classes_is_not_a_number():
    assert math.isnan(truth.auc([1, 2], [False, False]))
    assert math.isnan(truth.auc([], []))


@pytest.fixture(scope="module")
def figures(built_warehouse):
    con = truth.connect(built_warehouse["database"], built_warehouse["truth"])
    try:
        result = truth.health_figures(con)
    finally:
        con.close()
    for name, value in result.items():
        print(f"{name}: {value}")
    return result


def test_health_figures_cover_the_score_and_every_component(figures):
    assert figures["health_auc_observations"] > 0
    for component in truth.HEALTH_COMPONENTS:
        value = figures[f"health_{component}_auc"]
        assert math.isnan(value) or 0.0 <= value <= 1.0
    # the verdict follows the threshold, whatever the data says
    score = figures["health_score_auc"]
    assert figures["health_score_predicts_churn"] == (1.0 if score > truth.HEALTH_PREDICTIVE_AUC else 0.0)
