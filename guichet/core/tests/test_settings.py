import pytest

from guichet.settings import _email_settings


def test_it_reads_a_smtp_url_with_credentials_and_tls():
    result = _email_settings("smtp://user%40mairie:s3cret@mail.example.test:587?tls=1")
    assert result["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert result["EMAIL_HOST"] == "mail.example.test"
    assert result["EMAIL_PORT"] == 587
    assert result["EMAIL_HOST_USER"] == "user@mairie"
    assert result["EMAIL_HOST_PASSWORD"] == "s3cret"
    assert result["EMAIL_USE_TLS"] is True and result["EMAIL_USE_SSL"] is False


def test_it_reads_smtps_with_its_default_port():
    result = _email_settings("smtps://mail.example.test")
    assert result["EMAIL_PORT"] == 465 and result["EMAIL_USE_SSL"] is True


def test_console_is_the_default_kind():
    assert _email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_it_refuses_an_unknown_scheme():
    with pytest.raises(RuntimeError):
        _email_settings("pigeon://loft")
