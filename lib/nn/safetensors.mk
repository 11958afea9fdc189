# lib/nn: safetensors.
