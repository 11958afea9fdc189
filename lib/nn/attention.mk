# lib/nn: attention.
