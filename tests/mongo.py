"""Placeholder until the Mongo fixtures land."""
