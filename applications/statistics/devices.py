"""The class of device a request comes from (phone, tablet, computer), for the statistics only.

A small rule, not a user-agent database: the figure is three classes, and the maintained parser
available (Matomo's Device Detector ported to Python) took 2.4 s to classify its first user agent, about
15 ms for each new one after that and 76 MB per process, with four compiled dependencies, on this
machine. The rule follows MDN's advice ("Browser detection using the user agent": look for ``Mobi``)
and the two tablet conventions browsers keep:

1. the client hint ``Sec-CH-UA-Mobile: ?1`` (Chromium browsers send it by default) → phone;
2. ``iPad``, ``Tablet`` (Firefox on Android tablets), ``Kindle``/``Silk``, or ``Android`` without
   ``Mobi`` (Android tablets' browsers leave it out) → tablet;
3. ``Mobi`` (``Mobile``, ``Mobile Safari``), ``iPhone``, ``iPod``, ``Windows Phone`` → phone;
4. no user agent at all → not known; anything else → computer.

What it cannot see: an iPad asking for the desktop site says it is a Mac (counted as a computer).
Nothing about the device is shown per application; only the counts are.
"""

from __future__ import annotations

from collections.abc import Mapping

from applications.statistics.models import Device

TABLET_MARKS = ("ipad", "tablet", "kindle", "silk/")
PHONE_MARKS = ("mobi", "iphone", "ipod", "windows phone")


def device_class(headers: Mapping[str, str]) -> str:
    """The :class:`~applications.statistics.models.Device` value for a request's ``headers``."""
    if headers.get("Sec-CH-UA-Mobile", "").strip() == "?1":
        return Device.PHONE
    agent = (headers.get("User-Agent") or "").lower()
    if not agent.strip():
        return Device.UNKNOWN
    if any(mark in agent for mark in TABLET_MARKS) or ("android" in agent and "mobi" not in agent):
        return Device.TABLET
    if any(mark in agent for mark in PHONE_MARKS):
        return Device.PHONE
    return Device.DESKTOP
