"""Operator tools that run outside the app: the loopback production cluster (`make cluster`)."""
