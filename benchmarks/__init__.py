"""Measurements that are too slow, or too situational, to be tests."""
