"""parkloop: industrial symbiosis, energy synergies and climate pathways for industrial parks."""

__version__ = "0.1.0"
