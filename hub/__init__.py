"""Kaifeng utilities hub: the shared record behind 水电气暖信 一件事一次办."""
