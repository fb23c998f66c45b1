"""The device class of a submission, from what the browser says (``applications.statistics.devices``)."""

from __future__ import annotations

import pytest

from applications.statistics.devices import device_class

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"  # noqa: E501
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"  # noqa: E501
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
FIREFOX_TABLET = "Mozilla/5.0 (Android 14; Tablet; rv:128.0) Gecko/128.0 Firefox/128.0"
FIREFOX_PHONE = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
IPAD = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"  # noqa: E501
KINDLE = "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/118.4.1 like Chrome/118.0.0.0 Safari/537.36"  # noqa: E501
LINE_APP = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0"  # noqa: E501
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"  # noqa: E501
MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"  # noqa: E501


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (IPHONE, "phone"),
        (ANDROID_PHONE, "phone"),
        (FIREFOX_PHONE, "phone"),
        (LINE_APP, "phone"),
        (IPAD, "tablet"),
        (ANDROID_TABLET, "tablet"),
        (FIREFOX_TABLET, "tablet"),
        (KINDLE, "tablet"),
        (WINDOWS, "desktop"),
        (MAC, "desktop"),  # also an iPad asking for the desktop site: the rule cannot tell them apart
        ("", "unknown"),
        ("   ", "unknown"),
    ],
)
def test_the_user_agent_gives_the_device_class(agent, expected):
    assert device_class({"User-Agent": agent}) == expected


def test_the_mobile_client_hint_wins_and_a_missing_header_is_not_known():
    assert device_class({"User-Agent": WINDOWS, "Sec-CH-UA-Mobile": "?1"}) == "phone"
    assert device_class({"User-Agent": ANDROID_TABLET, "Sec-CH-UA-Mobile": "?0"}) == "tablet"
    assert device_class({}) == "unknown"
