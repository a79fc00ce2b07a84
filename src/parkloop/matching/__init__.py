"""Matchmaking: who could use whose residual flow, why, and how sure we are."""
