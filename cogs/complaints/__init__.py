"""Complaints: tickets, disputes and tiered escalation with deadlines (phase 1: pure logic)."""
