"""ops/smtp_sink.py, the loopback cluster's mail server: Django's SMTP backend delivers to it
and each message lands in its folder."""

from __future__ import annotations

import subprocess
import sys
import time

from django.core.mail import EmailMessage

from ops.cluster import ROOT
from ops.processes import free_port, stop, wait_for_port


def test_mail_sent_over_smtp_lands_in_the_sinks_folder(tmp_path, settings):
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "ops.smtp_sink", "--port", str(port), "--dir", str(tmp_path)],
        cwd=ROOT,
    )
    try:
        wait_for_port(port, proc=sink)
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
            }
        }
        message = EmailMessage(
            "Your round with Ivy",
            "Join at …\n.\nA line with a lone dot.",
            "a@example.com",
            ["cole@example.com"],
        )
        assert message.send() == 1
        deadline = time.monotonic() + 10
        while not (files := list(tmp_path.glob("*.eml"))) and time.monotonic() < deadline:
            time.sleep(0.05)
        (mail,) = files
        text = mail.read_text()
        assert "Subject: Your round with Ivy" in text
        assert "To: cole@example.com" in text
        assert "\n.\nA line with a lone dot." in text.replace("\r\n", "\n")
    finally:
        stop(sink)
