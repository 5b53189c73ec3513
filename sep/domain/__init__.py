"""The domain model of T/CATE 0001—2020: enterprises, platforms and incubatees."""

from sep.domain._money import CNY, Money, Period

__all__ = ["CNY", "Money", "Period"]
