"""The demo pages show the clinic's details from its settings file, nothing else."""

from dataclasses import replace

from assistant.clinic import Clinic
from web.serve import built_pages


def test_pages_show_the_hours_and_contact_of_the_clinic_settings():
    clinic = Clinic.load()
    pages = {path: page.decode() for path, page in built_pages(clinic).items()}
    assert clinic.describe("th") in pages["/"] and clinic.describe("en") in pages["/en.html"]
    assert clinic.phone in pages["/en.html"] and clinic.name["th"] in pages["/index.html"]
    assert all("{{" not in page for page in pages.values())


def test_changed_settings_change_the_pages_and_are_escaped():
    clinic = Clinic.load()
    changed = replace(clinic, name={"en": "Skin & Co <Demo>", "th": "คลินิกใหม่"})
    page = built_pages(changed)["/en.html"].decode()
    assert "Skin &amp; Co &lt;Demo&gt;" in page


def test_no_page_presents_the_therapy_as_the_next_step_after_standard_care():
    for page in built_pages(Clinic.load()).values():
        text = page.decode()
        assert "did not improve with standard treatment" not in text
        assert "การรักษามาตรฐานแล้วแต่อาการยังไม่ดีขึ้น" not in text
