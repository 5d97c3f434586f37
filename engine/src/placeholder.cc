namespace bidline {}
