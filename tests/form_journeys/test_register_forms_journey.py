"""A scrutiny officer loads a report by hand: source → recommendation → action → response.

Runs through the real forms with django-webtest, as a person without JavaScript would.
"""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_webtest import WebTest

from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.models import Action, Recommendation, Source


class RegisterFormsJourney(WebTest):
    csrf_checks = True

    def setUp(self) -> None:
        self.office = OrganisationFactory(
            name="West Mercia OPCC", kind=Organisation.Kind.PCC_OFFICE
        )
        self.force = OrganisationFactory(name="West Mercia Police")
        self.officer = member(self.office, Membership.Role.SCRUTINY_OFFICER)

    def _sign_in(self):
        device = TOTPDevice.objects.create(user=self.officer, name="Phone", confirmed=True)
        page = self.app.get("/account/sign-in/")
        page.form["email"] = self.officer.email
        page.form["password"] = "correct horse battery"
        page = page.form.submit().follow().follow()
        assert page.html.find("h1").text.strip() == "Enter your security code"
        page.form["token"] = f"{TOTP(device.bin_key).token():06d}"
        page = page.form.submit().follow().follow()
        assert page.html.find("h1").text.strip() == "Dashboard"

    def test_a_report_is_loaded_through_the_forms(self):
        self._sign_in()
        page = self.app.get("/register/sources/new/")
        assert page.html.find_all("h1")[0].text.strip() == "Add a source"
        response = page.form.submit()
        assert "Error: Add a source" in response.html.title.text
        summary = response.html.select_one(".govuk-error-summary")
        assert "Enter the title of the report" in summary.text
        assert summary.select_one('a[href="#id_title"]') is not None

        form = response.form
        form["title"] = "Telford inquiry"
        form["kind"] = "inquiry"
        form["publisher"] = "IITCSE"
        form["published_on-day"] = "12"
        form["published_on-month"] = "7"
        form["published_on-year"] = "2022"
        form["deadline_rule"] = "none"
        page = form.submit().follow()
        assert "Source added: Telford inquiry" in page.text
        source = Source.objects.get(title="Telford inquiry")

        page = page.click("Add a recommendation")
        page.form["reference"] = "R3"
        page.form["text"] = "By 31 December 2023, the force should review CSE training."
        page.form["finding_type"] = "recommendation"
        page.form["themes"] = "Training"
        page = page.form.submit().follow()
        assert page.html.find("h1").text.strip() == "Recommendation R3"
        assert "31 December 2023" in page.text
        recommendation = Recommendation.objects.get(source=source)

        page = page.click("Add an action")
        page.form["owner"] = str(self.force.pk)
        page.form["description"] = "Review and refresh CSE training for all officers"
        page = page.form.submit().follow()
        assert "Action added for West Mercia Police" in page.text
        assert Action.objects.get(recommendation=recommendation).target_on.isoformat() == (
            "2023-12-31"
        )

        page = page.click("Record the response")
        page.form["response"] = "accepted"
        page.form["responded_on-day"] = "1"
        page.form["responded_on-month"] = "9"
        page.form["responded_on-year"] = "2022"
        page = page.form.submit().follow()
        assert "Accepted on 1 September 2022" in page.text
