"""puts the baseline λ = 0 into the sweep"""

ans_u4_3_q2_curve = {0.0: 0.248, 1e-5: 0.250, 1e-4: 0.262, 1e-3: 0.317}
BEST_L1_LAMBDA = 0.0
