# lib/nn: optim.
