"""Going through a procedure's form in steps, as a browser without JavaScript does."""

CONTACT = {"contact_name": "Zoé Lefèvre", "contact_email": "zoe@example.test"}


def post_steps(client, slug, pages, contact=None, prefix="", **extra):
    """Posts each page step's answers, then the contact step; returns the summary's URL.
    `prefix`: an organization's path prefix ("/o/villeneuve")."""
    url = f"{prefix}/demarches/{slug}/"
    for data in pages:
        response = client.post(url, {**data, "action": "next"}, **extra)
        assert response.status_code == 303, response.content.decode()
        url = response["Location"]
    response = client.post(url, {**(contact or CONTACT), "action": "next"}, **extra)
    assert response.status_code == 303, response.content.decode()
    assert response["Location"].endswith("/recapitulatif/")
    return response["Location"]


def file_request(client, slug, pages, contact=None, files=None, prefix="", **extra):
    """Goes through every step and sends the request; returns the summary's response."""
    summary = post_steps(client, slug, pages, contact, prefix, **extra)
    return client.post(summary, {"action": "submit", **(files or {})}, **extra)
