"""Image analysis: watermarks, upload vetting, labels and faces (Rekognition), perceptual
fingerprints."""
