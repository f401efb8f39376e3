"""writes the times as text with units"""

ans_u4_4_q2 = {"small": {"cpu": "850 ms", "gpu": "900 ms"}, "large": {"cpu": "61 s", "gpu": "4 s"}}
