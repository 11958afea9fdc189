# lib/nn: layers.
