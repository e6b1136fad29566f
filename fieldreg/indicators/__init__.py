"""M&E figures: the indicator set CAM-IE reports (`definitions`), the non-personal facts of a
registration they count (`facts`), and how figures are computed from counts (`evaluate`).

One definition serves the device (its aggregate table), the hub (its cube) and every export;
nothing here holds or prints personal data: only counts of coded attributes.
"""
