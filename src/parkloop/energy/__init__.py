"""Energy synergies: pinch analysis and heat recovery between neighbours."""
