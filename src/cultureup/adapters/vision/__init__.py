"""Image analysis adapters: perceptual fingerprints and the in-memory fingerprint index."""
