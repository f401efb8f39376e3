"""picks the largest λ tried instead of the one with the lowest validation error"""

ans_u4_3_q2_curve = {1e-5: 0.251, 1e-4: 0.262, 1e-3: 0.317, 3e-3: 0.41}
BEST_L1_LAMBDA = 1e-4
